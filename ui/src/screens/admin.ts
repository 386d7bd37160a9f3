// What an admin manages besides users: incidents (activities that kept failing; GET /incidents,
// POST /incidents/{id}/retry, and for an e-mail's incident POST /incidents/{id}/resolve) and the
// audit trail (GET /audit, /audit/verify); and the crisis roster that every staff member may read
// (GET /crisis-roster).
import { commandForm } from '../components/command-form.js';
import { badge, detailPage, loadDetail, facts, section, when } from '../components/details.js';
import { listView } from '../components/list-view.js';
import { errorBox, showError, statusBox } from '../lib/alerts.js';
import { get, type Schema, submission } from '../lib/api.js';
import { checkbox, type Child, field, h, select, val } from '../lib/dom.js';
import { brusselsLocalToIso, formatDateTime, label, labels, options } from '../lib/format.js';
import { person, personLabel } from '../lib/people.js';

type Incident = Schema<'/incidents/{incidentId}'>;
type AuditEntry = Schema<'/audit'>['items'][number];
type Shift = Schema<'/crisis-roster'>['shifts'][number];

// ----- incidents -----------------------------------------------------------------------------------

const incidentState = { status: 'open', offset: 0 };

function retryButton(i: Incident, onDone: (message: string) => void, errors: HTMLElement): HTMLElement | null {
  if (i.status === 'opgelost') return null;
  const send = submission();
  const button = h('button', { type: 'button', class: 'primary', 'aria-label': `Opnieuw proberen: ${i.activityType} (${i.id})` }, 'Opnieuw proberen');
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await send.send(`/incidents/${encodeURIComponent(i.id)}/retry`, {});
      onDone(`De stap ${i.activityType} wordt opnieuw geprobeerd; het incident sluit zichzelf zodra ze lukt.`);
    } catch (err) {
      showError(errors, err);
      button.disabled = false;
    }
  });
  return button;
}

/** An e-mail's incident (workflowType `outbox`): the API resolves it by hand; a process's incident resolves itself. */
const isOutboxIncident = (i: Incident) => i.workflowType === 'outbox';

/**
 * Resolving an e-mail's incident by hand (docs/incidents.md, "E-mails"): after the operator has
 * checked that the e-mail arrived (asked the recipient, read the mail server's log), it counts as
 * sent and is never sent again; a refused one stays unsent, handled otherwise. The required
 * checkbox is the confirmation: the browser refuses to send without it. The API takes no reason.
 */
function resolveForm(i: Incident, onDone: (message: string) => void): HTMLElement | null {
  if (!isOutboxIncident(i) || i.status === 'opgelost') return null;
  const refused = i.errorType === 'DeliveryRefused';
  return commandForm(`/incidents/${encodeURIComponent(i.id)}`, (_resolved, message) => onDone(message), {
    path: 'resolve',
    title: refused ? 'Afhandelen zonder opnieuw te versturen' : 'Markeren als aangekomen',
    submitLabel: refused ? 'Incident oplossen' : 'Markeren als verzonden',
    hint: refused
      ? 'De mailserver weigerde deze e-mail. Los het incident op als de ontvanger op een andere manier bereikt is; de e-mail zelf wordt niet verstuurd.'
      : 'Of deze e-mail aankwam, is onzeker. Vraag het de ontvanger of kijk in het logboek van de mailserver (Message-ID). Kwam ze aan, markeer haar dan als verzonden: ze wordt nooit opnieuw verstuurd. Kwam ze niet aan, probeer dan opnieuw.',
    fields: [checkbox('confirm', refused ? 'Ik bevestig dat de ontvanger op een andere manier bereikt is' : 'Ik heb nagegaan dat de e-mail is aangekomen', { required: true })],
    toBody: () => ({}),
    done: refused
      ? 'Het incident is opgelost; de geweigerde e-mail blijft onverzonden.'
      : 'De e-mail geldt als verzonden en wordt nooit opnieuw verstuurd; het incident is opgelost.',
  });
}

const statusBadge = (status: string) => badge(label(labels.incidentStatus, status), status === 'open' ? 'late' : '');

export function renderIncidents(container: HTMLElement): Promise<void> {
  const status = statusBox();
  const errors = errorBox();
  const view = listView<Incident>({
    id: 'incidenten-titel',
    title: 'Incidenten',
    caption: 'Stappen die blijven mislukken, nieuwste eerst',
    filterBy: [field('Status', select('status', [['', 'alle'], ...options(labels.incidentStatus)], incidentState.status))],
    columns: [
      { title: 'Gemeld', cell: (i) => [when(i.raisedAt), h('small', { class: 'muted block' }, h('a', { href: `#/incidenten/${encodeURIComponent(i.id)}` }, 'details'))] },
      { title: 'Status', cell: (i) => statusBadge(i.status) },
      { title: 'Soort', cell: (i) => label(labels.incidentKind, i.kind) },
      { title: 'Stap', cell: (i) => [h('span', { class: 'mono' }, i.activityType), h('small', { class: 'muted block mono' }, i.workflowId)] },
      { title: 'Fout', cell: (i) => [h('span', { class: 'incident-message' }, i.message), h('small', { class: 'muted block' }, `${i.attempts} pogingen`)] },
      { title: 'Team', cell: (i) => label(labels.team, i.teamId) },
      { title: 'Actie', cell: (i) => retryButton(i, (message) => {
        status.textContent = message;
        void view.reload();
      }, errors) ?? (i.resolvedAt ? ['opgelost ', when(i.resolvedAt)] : '') },
    ],
    rowClass: (i) => (i.status === 'open' ? 'late' : null),
    load: (offset, limit) => get('/incidents', { status: incidentState.status, limit: String(limit), offset: String(offset) }),
    state: incidentState,
    noun: 'Incidenten',
    empty: 'Geen incidenten.',
  });
  container.append(status, errors, view.element);
  return view.reload();
}

export async function renderIncident(container: HTMLElement, id: string, flash?: string): Promise<void> {
  const back = { href: '#/incidenten', text: 'Terug naar de incidenten' };
  const i = await loadDetail(container, back, () => get('/incidents/{incidentId}', undefined, { incidentId: id }));
  if (!i) return;
  const errors = errorBox();
  const retry = retryButton(i, (message) => void renderIncident(container, id, message), errors);
  const resolve = resolveForm(i, (message) => void renderIncident(container, id, message));
  const retryHint = isOutboxIncident(i)
    ? 'Opnieuw proberen verstuurt de e-mail nog eens: alleen als ze niet aankwam.'
    : 'Los eerst de oorzaak op (bv. een dienst die weer bereikbaar is, of ontbrekende gegevens), probeer dan opnieuw.';
  detailPage(container, {
    title: `Incident: ${i.activityType}`,
    titleClass: 'incident-title',
    badges: [statusBadge(i.status), ' ', badge(label(labels.incidentKind, i.kind))],
    back,
    onRefresh: () => void renderIncident(container, id),
    flash,
    main: [section('inc-gegevens-titel', 'Gegevens', facts([
      ['Gemeld', when(i.raisedAt)],
      ['Proces', [h('span', { class: 'mono' }, i.workflowId), ` (${i.workflowType})`]],
      ['Stap', h('span', { class: 'mono' }, i.activityType)],
      ['Fout', [i.errorType ? h('strong', {}, `${i.errorType}: `) : null, i.message]],
      ['Pogingen', String(i.attempts)],
      ['Team', label(labels.team, i.teamId)],
      i.dossierId && ['Dossier', h('a', { href: `#/dossiers/${encodeURIComponent(i.dossierId)}` }, i.dossierId)],
      i.retryRequestedBy && ['Opnieuw geprobeerd door', personLabel(i.retryRequestedBy)],
      ['Opgelost', when(i.resolvedAt)],
    ]))],
    side: h('aside', { class: 'commands panel', 'aria-label': 'Opdrachten' }, h('h2', {}, 'Opdrachten'),
      retry ? [h('p', { class: 'hint' }, retryHint), retry] : h('p', { class: 'muted' }, 'Dit incident is opgelost.'),
      errors,
      resolve),
  });
}

// ----- audit trail ---------------------------------------------------------------------------------

const auditState = { dossierId: '', subjectType: '', subjectId: '', actorId: '', from: '', to: '', offset: 0 };

function actorText(e: AuditEntry): Child {
  if (person(e.actorId)) return personLabel(e.actorId);
  return `${e.actorId} (${label(labels.role, e.actorRole)})`;
}

function detailsText(details: Record<string, unknown>): string {
  const text = JSON.stringify(details);
  return text === '{}' ? '' : text.length > 160 ? `${text.slice(0, 157)}…` : text;
}

export function renderAudit(container: HTMLElement): Promise<void> {
  const verifyErrors = errorBox();
  const verifyResult = h('p', { class: 'verify-result', role: 'status' });
  const verifyButton = h('button', { type: 'button' }, 'Hashketen controleren');
  verifyButton.addEventListener('click', async () => {
    verifyButton.disabled = true;
    verifyResult.textContent = 'Bezig met controleren…';
    try {
      const r = await get('/audit/verify');
      verifyResult.textContent = r.valid
        ? `De hashketen klopt: ${r.checked} records gecontroleerd${r.lastHash ? `, laatste hash ${r.lastHash.slice(0, 16)}…` : ''}.`
        : `De hashketen is gebroken bij record ${r.firstBrokenId} (${r.checked} records gecontroleerd).`;
      verifyResult.className = r.valid ? 'verify-result ok' : 'verify-result error';
    } catch (err) {
      verifyResult.textContent = '';
      showError(verifyErrors, err);
    } finally {
      verifyButton.disabled = false;
    }
  });
  const actorOptions: [string, string][] = [['', 'iedereen'], ['system', 'het systeem']];
  const filters = h('form', { class: 'filters', 'aria-label': 'Filters' },
    field('Dossier', h('input', { type: 'text', name: 'dossierId', value: auditState.dossierId, placeholder: 'DOS-…', size: 14 })),
    field('Soort onderwerp', h('input', { type: 'text', name: 'subjectType', value: auditState.subjectType, placeholder: 'melding, handhaving, …', size: 16 })),
    field('Onderwerp', h('input', { type: 'text', name: 'subjectId', value: auditState.subjectId, size: 16 })),
    field('Door (gebruikers-id)', h('input', { type: 'text', name: 'actorId', value: auditState.actorId, size: 16, list: 'audit-actors' })),
    h('datalist', { id: 'audit-actors' }, actorOptions.map(([v, t]) => h('option', { value: v }, t))),
    field('Van', h('input', { type: 'datetime-local', name: 'from', value: auditState.from })),
    field('Tot', h('input', { type: 'datetime-local', name: 'to', value: auditState.to })),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Zoeken')));
  filters.addEventListener('submit', (ev) => {
    ev.preventDefault();
    Object.assign(auditState, {
      dossierId: val(filters, 'dossierId'), subjectType: val(filters, 'subjectType'), subjectId: val(filters, 'subjectId'),
      actorId: val(filters, 'actorId'), from: val(filters, 'from'), to: val(filters, 'to'), offset: 0,
    });
    void view.reload();
  });
  const view = listView<AuditEntry>({
    id: 'audit-titel',
    title: 'Auditlog',
    caption: 'Auditlog, nieuwste eerst',
    actions: [verifyButton],
    filters,
    columns: [
      { title: 'Tijdstip', cell: (e) => when(e.occurredAt) },
      { title: 'Door', cell: actorText },
      { title: 'Actie', cell: (e) => h('span', { class: 'mono' }, e.action) },
      { title: 'Onderwerp', cell: (e) => [e.subjectType, ' ', h('span', { class: 'mono' }, e.subjectId)] },
      { title: 'Details', cell: (e) => h('small', { class: 'mono muted' }, detailsText(e.details)) },
      { title: 'Record', cell: (e) => [h('span', { class: 'mono' }, `#${e.id}`), h('small', { class: 'muted block mono', title: e.hash }, `${e.hash.slice(0, 10)}…`)] },
    ],
    load: (offset, limit) => get('/audit', {
      dossierId: auditState.dossierId, subjectType: auditState.subjectType, subjectId: auditState.subjectId, actorId: auditState.actorId,
      from: brusselsLocalToIso(auditState.from), to: brusselsLocalToIso(auditState.to), limit: String(limit), offset: String(offset),
    }),
    state: auditState,
    noun: 'Records',
    empty: 'Geen records gevonden.',
    pageSize: 50,
  });
  container.append(view.element);
  view.element.querySelector('.title-bar')!.after(verifyResult, verifyErrors);
  return view.reload();
}

// ----- crisis roster -------------------------------------------------------------------------------

const dayFormat = new Intl.DateTimeFormat('nl-BE', { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Brussels' });

export async function renderCrisisRoster(container: HTMLElement): Promise<void> {
  const heading = h('h1', { tabindex: '-1' }, 'Crisisrooster');
  const errors = errorBox();
  const weeks = select('weeks', [['2', '2 weken'], ['4', '4 weken'], ['8', '8 weken']], '4');
  const body = h('div', {}, h('p', { class: 'loading' }, 'Laden…'));
  container.replaceChildren(
    h('div', { class: 'title-bar page-title' }, heading),
    h('form', { class: 'filters panel', 'aria-label': 'Periode', onsubmit: (ev: Event) => ev.preventDefault() }, field('Periode', weeks)),
    errors, body);
  heading.focus();
  const shiftRow = (s: Shift) => h('tr', { class: s.current ? 'current' : null },
    h('td', {}, h('time', { datetime: s.startsAt }, dayFormat.format(new Date(s.startsAt))), ' – ', h('time', { datetime: s.endsAt }, dayFormat.format(new Date(s.endsAt)))),
    h('td', {}, s.role === 'dienst' ? badge('Dienst') : badge(`Achterwacht ${s.position - 1}`)),
    h('td', {}, `${s.name} (crisiscoördinator)`, s.active === false ? h('small', { class: 'muted' }, ' · niet actief, wordt overgeslagen') : null),
    h('td', {}, h('a', { href: `mailto:${s.email}` }, s.email)),
    h('td', {}, s.current ? badge('nu') : ''));
  async function load() {
    try {
      const r = await get('/crisis-roster', { weeks: weeks.value });
      body.replaceChildren(
        section('nu-titel', 'Nu van dienst',
          r.onDuty.length === 0 ? h('p', { class: 'error' }, 'Niemand van dienst: crisismeldingen gaan naar de centrale leiding.')
            : h('ol', { class: 'log' }, r.onDuty.map((s) => h('li', {}, h('strong', {}, s.name), ` (${s.role === 'dienst' ? 'dienst' : 'achterwacht'}) tot ${formatDateTime(s.endsAt)} · `, h('a', { href: `mailto:${s.email}` }, s.email))))),
        section('diensten-titel', `Diensten van ${formatDateTime(r.from)} tot ${formatDateTime(r.to)}`,
          h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Diensten (schuifbaar)' }, h('table', { class: 'list roster' },
            h('caption', { class: 'visually-hidden' }, 'Diensten van het crisisrooster'),
            h('thead', {}, h('tr', {}, ['Periode', 'Positie', 'Wie', 'E-mail', 'Nu'].map((t) => h('th', { scope: 'col' }, t)))),
            h('tbody', {}, r.shifts.map(shiftRow))))));
    } catch (err) {
      body.replaceChildren();
      showError(errors, err);
    }
  }
  weeks.addEventListener('change', () => void load());
  await load();
}

// ----- the municipalities' contact points (lokaal loket kinderopvang) ----------------------------------

type ContactPoint = Schema<'/municipality-contacts'>['items'][number];

const contactState = { q: '', offset: 0 };

/** The form that changes one contact point (PUT /municipality-contacts/{id}); the contact person is kept as recorded. */
function contactPointForm(c: ContactPoint, onSaved: (message: string) => void): HTMLElement {
  const errors = errorBox();
  const send = submission();
  const form = h('form', { class: 'command-form', 'aria-label': `Contactpunt van ${c.municipality} wijzigen` },
    field('E-mail van het loket', h('input', { type: 'email', name: 'email', value: c.email, required: true, maxlength: 200, size: 32 })),
    field('NIS-code', h('input', { type: 'text', name: 'nisCode', value: c.nisCode ?? '', pattern: '[0-9]{5}', size: 6 }), 'Vijf cijfers, of leeg'),
    field('Postadres', h('textarea', { name: 'postalAddress', rows: 3, maxlength: 500 }, c.postalAddress ?? '')),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Bewaren')),
    errors);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await send.send(`/municipality-contacts/${encodeURIComponent(c.id)}`, {
        municipality: c.municipality, email: val(form, 'email'), nisCode: val(form, 'nisCode') || null, postalAddress: val(form, 'postalAddress') || null,
      }, 'PUT');
      onSaved(`Het contactpunt van ${c.municipality} is bewaard; brieven die erop wachtten, vertrekken nu.`);
    } catch (err) {
      showError(errors, err);
    }
  });
  return form;
}

/** The contact points (admins): the list, the municipalities without one, and one entry to change at a time. */
export function renderMunicipalityContacts(container: HTMLElement): Promise<void> {
  const status = statusBox();
  const missing = h('p', { class: 'hint', role: 'status' });
  const editor = h('div', {});
  const edit = (c: ContactPoint) => {
    editor.replaceChildren(section('gemeente-wijzigen-titel', `Contactpunt van ${c.municipality}`, contactPointForm(c, (message) => {
      status.textContent = message;
      editor.replaceChildren();
      void view.reload();
    })));
    editor.querySelector('input')?.focus();
  };
  const view = listView<ContactPoint>({
    id: 'gemeenten-titel',
    title: 'Contactpunten van gemeenten',
    caption: 'Lokaal loket kinderopvang per gemeente: hier gaan de brieven aan het lokaal bestuur heen',
    filterBy: [field('Gemeente', h('input', { type: 'search', name: 'q', value: contactState.q, size: 20 }))],
    columns: [
      { title: 'Gemeente', cell: (c) => [c.municipality, c.nisCode ? h('small', { class: 'muted block mono' }, `NIS ${c.nisCode}`) : null] },
      { title: 'E-mail', cell: (c) => h('span', { class: 'mono' }, c.email) },
      { title: 'Postadres', cell: (c) => h('small', {}, c.postalAddress ?? '') },
      { title: 'Contactpersoon', cell: (c) => (c.hasContactPerson ? 'ja' : '') },
      { title: 'Bijgewerkt', cell: (c) => [when(c.updatedAt), h('small', { class: 'muted block' }, personLabel(c.updatedBy))] },
      { title: 'Actie', cell: (c) => h('button', { type: 'button', 'aria-label': `Wijzigen: ${c.municipality}`, onclick: () => edit(c) }, 'Wijzigen') },
    ],
    load: async (offset, limit) => {
      const page = await get('/municipality-contacts', { q: contactState.q || undefined, limit: String(limit), offset: String(offset) });
      missing.textContent = page.withoutContactPoint.length === 0 ? 'Elke gemeente van het register heeft een contactpunt.'
        : `Zonder contactpunt (brieven wachten, zie Incidenten): ${page.withoutContactPoint.join(', ')}. Voer ze in met een import (POST /municipality-contacts/upload).`;
      return page;
    },
    state: contactState,
    noun: 'Gemeenten',
    empty: 'Geen contactpunten gevonden.',
  });
  container.append(status, view.element, editor);
  view.element.querySelector('.title-bar')!.after(missing);
  return view.reload();
}
