// Bootstrapping: sign-in with a pasted token, the session, and navigation between the views
// (hash routes, so the back button and links work without a server-side router).
import { api, session } from './api.js';
import { h } from './dom.js';
import { describeError, label, roleLabels } from './format.js';
import { renderHandhavingDetail } from './handhaving-detail.js';
import { renderHandhavingForm } from './handhaving-form.js';
import { renderHandhavingList } from './handhaving-list.js';
import { renderLocations } from './locations.js';
import { renderMeldingDetail } from './melding-detail.js';
import { renderMeldingForm } from './melding-form.js';
import { renderMeldingenList } from './meldingen-list.js';

const $ = (id) => document.getElementById(id);
const caseStarters = ['klantenbeheerder', 'teamcoordinator'];

/** The dossier view, with a way to start enforcement for its location (for who may start it). */
function renderDossierView(el, dossierId) {
  const out = renderLocations(el, dossierId);
  if (caseStarters.includes(session.me?.role)) {
    el.prepend(h('p', { class: 'dossier-actions' },
      h('a', { href: `#/handhaving/nieuw?dossier=${encodeURIComponent(dossierId)}` }, 'Handhaving starten voor deze locatie')));
  }
  return out;
}

/** Route → which nav item is current and how to render the view. */
function resolve(hash) {
  const [path, search = ''] = hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(search);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'locaties') return { nav: 'locaties', title: 'Opvanglocaties', render: (el) => renderLocations(el) };
  if (parts[0] === 'dossiers' && parts[1]) return { nav: 'locaties', title: `Dossier ${parts[1]}`, render: (el) => renderDossierView(el, parts[1]) };
  if (parts[0] === 'handhaving' && parts[1] === 'nieuw') {
    return {
      nav: 'handhaving',
      title: 'Handhaving starten',
      render: (el) => renderHandhavingForm(el, { locationId: params.get('locatie') ?? undefined, dossierId: params.get('dossier') ?? undefined }),
    };
  }
  if (parts[0] === 'handhaving' && parts[1]) return { nav: 'handhaving', title: `Handhaving ${parts[1]}`, render: (el) => renderHandhavingDetail(el, parts[1]) };
  if (parts[0] === 'handhaving') return { nav: 'handhaving', title: 'Handhaving', render: (el) => renderHandhavingList(el) };
  if (parts[0] === 'meldingen' && parts[1] === 'nieuw') {
    return { nav: 'meldingen', title: 'Nieuwe melding', render: (el) => renderMeldingForm(el, { locationId: params.get('locatie') ?? undefined }) };
  }
  if (parts[0] === 'meldingen' && parts[1]) return { nav: 'meldingen', title: `Melding ${parts[1]}`, render: (el) => renderMeldingDetail(el, parts[1]) };
  return { nav: 'meldingen', title: 'Meldingen', render: (el) => renderMeldingenList(el) };
}

/** Renders the current route into a fresh container, so a slow earlier view never writes over it. */
function route() {
  if (!session.me) return;
  const target = resolve(location.hash || '#/meldingen');
  for (const link of document.querySelectorAll('#main-nav a')) {
    if (link.dataset.nav === target.nav) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `${target.title} · Handhaving kinderopvang`;
  const view = document.createElement('div');
  $('view').replaceChildren(view);
  Promise.resolve(target.render(view)).catch((err) => {
    view.textContent = `Niet gelukt: ${describeError(err).summary}`;
  });
}

function signedOut(message) {
  session.token = null;
  session.me = null;
  $('who').textContent = 'Niet aangemeld';
  $('logout').hidden = true;
  $('app').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = message ?? '';
}

async function startSession() {
  try {
    session.me = (await api('/me')).body;
  } catch (err) {
    signedOut(`Aanmelden mislukt: ${describeError(err).summary}`);
    return;
  }
  const me = session.me;
  $('who').textContent = `${me.name} (${label(roleLabels, me.role)})`;
  $('logout').hidden = false;
  $('login').hidden = true;
  $('app').hidden = false;
  $('login-error').textContent = '';
  route();
}

$('login-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  session.token = $('token').value.trim();
  $('token').value = '';
  startSession();
});
$('logout').addEventListener('click', () => {
  signedOut();
  location.hash = '';
});
window.addEventListener('hashchange', route);
window.addEventListener('handhaving:unauthorized', () => signedOut('Je sessie is verlopen of je token is ongeldig. Meld je opnieuw aan.'));

if (session.token) startSession();
