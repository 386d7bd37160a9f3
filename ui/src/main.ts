// Bootstrapping: sign-in, the session, the header (who, the bell, sign-out), the navigation and
// the router (hash routes, so the back button and links work without a server-side router).
import { notificationBell, type Bell } from './components/notification-bell.js';
import { api } from './lib/api.js';
import { h } from './lib/dom.js';
import { describeError, label, labels } from './lib/format.js';
import { forgetPeople, loadPeople } from './lib/people.js';
import { parseHash } from './lib/router.js';
import { type Me, session } from './lib/session.js';
import { navItems, resolve } from './routes.js';
import { collectOidcToken, oidcErrorMessage, renderSignIn } from './screens/sign-in.js';

const $ = (id: string) => document.getElementById(id)!;
let bell: Bell | null = null;


function route() {
  if (!session.me) return;
  const loc = parseHash(location.hash || '#/werk');
  if (loc.parts[0] === 'aanmelden' || loc.parts[0] === 'aangemeld') {
    location.replace('#/werk');
    return;
  }
  const target = resolve(loc);
  for (const a of document.querySelectorAll<HTMLAnchorElement>('#main-nav a')) {
    if (a.dataset.nav === target.nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.title = `${target.title} · Handhaving kinderopvang`;
  const view = document.createElement('div');
  view.className = 'view';
  $('view').replaceChildren(view);
  Promise.resolve(target.render(view)).catch((err: unknown) => {
    view.textContent = `Niet gelukt: ${describeError(err).summary}`;
  });
}

function signedOut(message?: string | null) {
  session.token = null;
  session.me = null;
  bell?.stop();
  bell = null;
  forgetPeople();
  $('session').replaceChildren();
  $('main-nav').hidden = true;
  document.title = 'Aanmelden · Handhaving kinderopvang';
  void renderSignIn($('view'), (token) => {
    session.token = token;
    void startSession();
  }, message);
}

async function startSession() {
  try {
    session.me = (await api<Me>('/me')).body;
  } catch (err) {
    signedOut(`Aanmelden mislukt: ${describeError(err).summary}`);
    return;
  }
  await loadPeople();
  const me = session.me;
  bell = notificationBell();
  $('session').replaceChildren(
    bell.element,
    h('p', { class: 'who', id: 'who' }, h('span', { class: 'who-name' }, me.name), ' ', h('span', { class: 'who-role' }, `${label(labels.role, me.role)}${me.teamId ? ` · ${label(labels.team, me.teamId)}` : ''}`)),
    h('button', { type: 'button', class: 'sign-out', onclick: () => {
      signedOut();
      history.replaceState(null, '', '#/aanmelden');
    } }, 'Afmelden'));
  const nav = $('main-nav');
  nav.replaceChildren(h('ul', {}, navItems.filter((n) => !n.roles || n.roles.includes(me.role)).map((n) => h('li', {}, h('a', { href: n.href, 'data-nav': n.nav }, n.text)))));
  nav.hidden = false;
  route();
}

window.addEventListener('hashchange', route);
window.addEventListener('handhaving:unauthorized', () => signedOut('Je sessie is verlopen of je token is ongeldig. Meld je opnieuw aan.'));

async function boot() {
  const loc = parseHash(location.hash);
  if (loc.parts[0] === 'aangemeld') {
    try {
      session.token = await collectOidcToken();
    } catch (err) {
      signedOut(`Aanmelden mislukt: ${describeError(err).summary}`);
      return;
    }
    history.replaceState(null, '', '#/werk');
  }
  if (loc.parts[0] === 'aanmelden' && loc.params.get('fout')) {
    signedOut(oidcErrorMessage(loc.params.get('fout')));
    return;
  }
  if (session.token) await startSession();
  else signedOut();
}

void boot();
