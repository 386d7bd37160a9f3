// Sign-in (docs/ui.md, "Sign-in"): the development user picker (the seeded users by team, each by
// name and role) and/or "Aanmelden bij Opgroeien" by OpenID Connect, as GET /sign-in/options says.
import { api, ApiError, get, type PostResult, type Schema } from '../lib/api.js';
import { errorBox, showError } from '../lib/alerts.js';
import { field, h } from '../lib/dom.js';
import { label, labels } from '../lib/format.js';

type DevUser = Schema<'/dev/users'>[number];
type Token = PostResult<'/dev/sign-in'>;

const roleOrder = ['teamcoordinator', 'klantenbeheerder', 'crisiscoordinator', 'jurist', 'admin'];

const oidcErrors: Record<string, string> = {
  verlopen: 'De aanmelding duurde te lang of werd onderbroken. Probeer opnieuw.',
  geweigerd: 'De identiteitsprovider weigerde de aanmelding.',
  onbekend: 'Je bent aangemeld bij de identiteitsprovider, maar je hebt (nog) geen actieve gebruiker in deze toepassing. Vraag je teamcoördinator om toegang.',
  token: 'Het toegangstoken van de identiteitsprovider wordt door deze toepassing niet aanvaard.',
};

/** Renders the sign-in screen; `onToken` starts the session with the token obtained. */
export async function renderSignIn(container: HTMLElement, onToken: (token: string) => void, message?: string | null): Promise<void> {
  const errors = errorBox();
  const heading = h('h1', { id: 'aanmelden-titel', tabindex: '-1' }, 'Aanmelden');
  const intro = h('p', { class: 'lead' }, 'Handhaving kinderopvang: meldingen, handhaving, inspecties en risicoscreening van Opgroeien.');
  const body = h('div', { class: 'sign-in-options' }, h('p', { class: 'loading' }, 'Laden…'));
  const note = message ? h('div', { class: 'error', role: 'alert' }, h('p', {}, message)) : null;
  container.replaceChildren(h('section', { class: 'panel sign-in', 'aria-labelledby': 'aanmelden-titel' }, heading, intro, note, errors, body));
  heading.focus();

  let options: Schema<'/sign-in/options'>;
  try {
    options = await get('/sign-in/options');
  } catch (err) {
    body.replaceChildren();
    showError(errors, err);
    return;
  }
  const parts: HTMLElement[] = [];
  if (options.oidc) {
    parts.push(h('div', { class: 'oidc' },
      h('a', { class: 'button primary large', href: '/sign-in/oidc' }, 'Aanmelden bij Opgroeien'),
      h('p', { class: 'hint' }, 'Je meldt je aan bij de identiteitsprovider van het agentschap; je rol komt uit deze toepassing.')));
  }
  if (options.dev) parts.push(await devPicker(onToken, errors));
  if (parts.length === 0) {
    parts.push(h('p', {}, 'Aanmelden via deze pagina is niet ingeschakeld. Gebruik een toegangstoken van de API (zie de README).'));
  }
  body.replaceChildren(...parts);
}

async function devPicker(onToken: (token: string) => void, errors: HTMLElement): Promise<HTMLElement> {
  let users: DevUser[];
  try {
    users = await get('/dev/users');
  } catch (err) {
    showError(errors, err);
    return h('p', {}, 'De gebruikers konden niet geladen worden.');
  }
  const teams = new Map<string, { name: string; users: DevUser[] }>();
  for (const u of users) {
    const key = u.teamId ?? '—';
    const team = teams.get(key) ?? { name: u.teamName ?? 'Zonder team', users: [] };
    team.users.push(u);
    teams.set(key, team);
  }
  const filter = h('input', { type: 'search', name: 'zoek', autocomplete: 'off', placeholder: 'naam, rol of team' });
  const groups = [...teams.values()].map((team) => {
    team.users.sort((a, b) => roleOrder.indexOf(a.role) - roleOrder.indexOf(b.role) || a.name.localeCompare(b.name, 'nl-BE'));
    const id = `team-${team.name.replace(/\W+/g, '-').toLowerCase()}`;
    return h('section', { class: 'user-group', 'aria-labelledby': id },
      h('h2', { id }, team.name),
      h('ul', { class: 'user-list' }, team.users.map((u) => h('li', { 'data-search': `${u.name} ${label(labels.role, u.role)} ${team.name}`.toLowerCase() },
        h('button', { type: 'button', class: 'user-pick', 'data-user-id': u.id, onclick: (ev: Event) => pick(u, ev.currentTarget as HTMLButtonElement) },
          h('span', { class: 'user-name' }, u.name), h('span', { class: 'user-role' }, label(labels.role, u.role)))))));
  });
  filter.addEventListener('input', () => {
    const q = filter.value.trim().toLowerCase();
    for (const group of groups) {
      let visible = 0;
      for (const li of group.querySelectorAll<HTMLElement>('li')) {
        li.hidden = Boolean(q) && !li.dataset.search?.includes(q);
        if (!li.hidden) visible += 1;
      }
      group.hidden = visible === 0;
    }
  });

  async function pick(u: DevUser, button: HTMLButtonElement) {
    button.disabled = true;
    try {
      const { body } = await api<Token>('/dev/sign-in', { method: 'POST', body: { userId: u.id } });
      onToken(body.token);
    } catch (err) {
      showError(errors, err instanceof ApiError ? err : new ApiError(0, null));
      button.disabled = false;
    }
  }

  return h('div', { class: 'dev-picker' },
    h('p', { class: 'dev-warning' }, h('strong', {}, 'Ontwikkelomgeving: '), 'kies een gebruiker om je als die persoon aan te melden (zonder wachtwoord). In productie meld je je aan bij de identiteitsprovider.'),
    field('Gebruiker zoeken', filter),
    h('div', { class: 'user-groups' }, groups));
}

/** The OpenID Connect callback landed on #/aangemeld: collect the token (once). */
export async function collectOidcToken(): Promise<string> {
  const { body } = await api<Token>('/sign-in/oidc/session', { method: 'POST' });
  return body.token;
}

export const oidcErrorMessage = (code: string | null): string | null => (code ? oidcErrors[code] ?? 'Aanmelden is niet gelukt.' : null);
