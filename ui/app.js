// The UI talks to the same API as every other client, with the user's bearer token.
const $ = (id) => document.getElementById(id);
const tokenKey = 'handhaving.token';
const dateFormat = new Intl.DateTimeFormat('nl-BE', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Brussels' });
let currentDossier = null;

async function api(path, init = {}) {
  const headers = { authorization: `Bearer ${sessionStorage.getItem(tokenKey)}`, ...(init.headers ?? {}) };
  if (init.body) headers['content-type'] = 'application/json';
  const res = await fetch(path, { ...init, headers });
  const body = res.status === 204 ? null : await res.json();
  if (!res.ok) throw Object.assign(new Error(body?.detail ?? body?.title ?? res.statusText), { status: res.status });
  return body;
}

function cell(text) {
  const td = document.createElement('td');
  td.textContent = text ?? '';
  return td;
}

async function showSession() {
  try {
    const me = await api('/me');
    $('who').textContent = `${me.name} (${me.role})`;
    $('logout').hidden = false;
    $('login').hidden = true;
    $('app').hidden = false;
    await search();
  } catch (err) {
    sessionStorage.removeItem(tokenKey);
    $('login').hidden = false;
    $('app').hidden = true;
    if (err.status) $('login-error').textContent = `Aanmelden mislukt: ${err.message}`;
  }
}

async function search() {
  const params = new URLSearchParams({ limit: '50' });
  for (const id of ['q', 'municipality', 'kind']) if ($(id).value) params.set(id, $(id).value);
  const page = await api(`/locations?${params}`);
  $('result-count').textContent = `${page.total} locaties gevonden${page.total > page.items.length ? `, de eerste ${page.items.length} getoond` : ''}`;
  const body = $('locations').querySelector('tbody');
  body.replaceChildren(...page.items.map((l) => {
    const tr = document.createElement('tr');
    tr.append(cell(`${l.name} (${l.id})`), cell(l.kind), cell(String(l.capacity)), cell(l.municipality), cell(l.licenceStatus), cell(l.dossierId));
    tr.addEventListener('click', () => l.dossierId && openDossier(l.dossierId));
    return tr;
  }));
}

async function openDossier(id) {
  const d = await api(`/dossiers/${encodeURIComponent(id)}`);
  currentDossier = d.id;
  $('dossier').hidden = false;
  $('dossier-title').textContent = `Dossier ${d.id}: ${d.locationName}`;
  $('dossier-meta').textContent = `${d.municipality} · team ${d.teamId} · klantenbeheerder ${d.caseManagerName ?? 'niet toegewezen'}`;
  $('timeline').replaceChildren(...d.timeline.map((e) => {
    const li = document.createElement('li');
    const time = document.createElement('time');
    time.dateTime = e.occurredAt;
    time.textContent = dateFormat.format(new Date(e.occurredAt));
    li.append(time, `${e.title}${e.details?.text ? `: ${e.details.text}` : ''}`);
    return li;
  }));
}

$('login-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  sessionStorage.setItem(tokenKey, $('token').value.trim());
  $('login-error').textContent = '';
  showSession();
});
$('logout').addEventListener('click', () => {
  sessionStorage.removeItem(tokenKey);
  location.reload();
});
$('search-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  search().catch((err) => ($('result-count').textContent = `Zoeken mislukt: ${err.message}`));
});
$('note-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  $('note-error').textContent = '';
  try {
    await api(`/dossiers/${encodeURIComponent(currentDossier)}/notes`, {
      method: 'POST',
      body: JSON.stringify({ text: $('note').value }),
      headers: { 'idempotency-key': crypto.randomUUID() },
    });
    $('note').value = '';
    await openDossier(currentDossier);
  } catch (err) {
    $('note-error').textContent = `Niet toegevoegd: ${err.message}`;
  }
});

if (sessionStorage.getItem(tokenKey)) showSession();
