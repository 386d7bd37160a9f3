// Registering a new report (POST /meldingen) and showing what the system made of it.
import { errorBox, handleSubmit } from '../lib/alerts.js';
import { submission, type PostResult } from '../lib/api.js';
import { personLabel } from '../lib/people.js';


type Created = PostResult<'/meldingen'>;
import { checkbox, checked, control, field, h, select, uid, val } from '../lib/dom.js';
import { brusselsLocalToIso, formatDateTime, formatRelative, label, labels, type Labels } from '../lib/format.js';
import { locationLookup } from './locations.js';

const text = (name: string, attrs: Record<string, unknown> = {}) => h('input', { type: 'text', name, autocomplete: 'off', ...attrs });

function categoryGroup(legend: string, codes: Labels, hint?: string) {
  return h('fieldset', { class: 'categories' },
    h('legend', {}, legend),
    hint ? h('p', { class: 'hint' }, hint) : null,
    Object.entries(codes).map(([code, text]) => checkbox('categories', text, { value: code })));
}

/** The request body from the form; leaves out what was not filled in. */
function bodyOf(form: HTMLFormElement): Record<string, unknown> {
  const value = (name: string) => val(form, name);
  const body: Record<string, unknown> = {
    source: value('source'),
    channel: value('channel'),
    description: value('description'),
    categories: [...form.querySelectorAll<HTMLInputElement>('input[name="categories"]:checked')].map((c) => c.value),
    immediateDanger: checked(form, 'immediateDanger'),
  };
  const receivedAt = brusselsLocalToIso(value('receivedAt'));
  if (receivedAt) body.receivedAt = receivedAt;
  if (value('externalRef')) body.externalRef = value('externalRef');
  if (!checked(form, 'anonymous')) {
    const reporter: Record<string, string> = {};
    for (const key of ['name', 'email', 'phone']) if (value(`reporter.${key}`)) reporter[key] = value(`reporter.${key}`);
    if (Object.keys(reporter).length > 0) body.reporter = reporter;
  }
  const location: Record<string, string> = {};
  for (const key of ['locationId', 'organiserId', 'addressText']) if (value(`location.${key}`)) location[key] = value(`location.${key}`);
  if (Object.keys(location).length > 0) body.location = location;
  return body;
}

function reporterFieldset() {
  const inputs = [
    field('Naam', text('reporter.name', { maxlength: 200, autocomplete: 'name' })),
    field('E-mail', h('input', { type: 'email', name: 'reporter.email', maxlength: 200, autocomplete: 'email' })),
    field('Telefoon', h('input', { type: 'tel', name: 'reporter.phone', maxlength: 30, autocomplete: 'tel' })),
  ];
  const anonymous = checkbox('anonymous', 'Anoniem: de melder laat geen gegevens na');
  const box = anonymous.querySelector('input')!;
  box.addEventListener('change', () => {
    for (const wrap of inputs) {
      const input = wrap.querySelector('input')!;
      input.disabled = box.checked;
      if (box.checked) input.value = '';
    }
  });
  return h('fieldset', {}, h('legend', {}, 'Melder (optioneel)'), anonymous, h('div', { class: 'row' }, inputs));
}

function locationFieldset() {
  const locationId = text('location.locationId', { placeholder: 'LOC-…', maxlength: 64 });
  return h('fieldset', {},
    h('legend', {}, 'Opvanglocatie'),
    h('p', { class: 'hint' }, 'Geef de locatie-id als je die kent: dan wordt de melding meteen gekoppeld en toegewezen. ' +
      'Met alleen een organisator of een adres komt ze bij “te koppelen”.'),
    h('div', { class: 'row' },
      field('Locatie-id', locationId),
      field('Organisator-id', text('location.organiserId', { placeholder: 'ORG-…', maxlength: 64 })),
      field('Adres', text('location.addressText', { maxlength: 300 }))),
    locationLookup(locationId));
}

function buildForm() {
  const titleId = uid('title');
  return h('form', { class: 'melding-form', 'aria-labelledby': titleId },
    h('h2', { id: titleId }, 'Nieuwe melding'),
    h('div', { class: 'row' },
      field('Bron', select('source', Object.entries(labels.source), 'derde', { required: true })),
      field('Kanaal', select('channel', Object.entries(labels.channel), 'telefoon', { required: true })),
      field('Ontvangen op', h('input', { type: 'datetime-local', name: 'receivedAt' }), 'Leeg: nu. Tijd in België.'),
      field('Extern kenmerk', text('externalRef', { maxlength: 100 }), 'Bv. het Klaroen-nummer')),
    reporterFieldset(),
    locationFieldset(),
    field('Omschrijving', h('textarea', { name: 'description', rows: 5, required: true, minlength: 3, maxlength: 20000 })),
    h('div', { class: 'row' },
      categoryGroup('Categorieën: integriteit van een kind', labels.crisisCategory, 'Elk van deze stelt crisis voor, net als elke melding van het parket.'),
      categoryGroup('Categorieën: andere', labels.otherCategory)),
    h('div', { class: 'danger' }, checkbox('immediateDanger', 'Onmiddellijk gevaar: de melder zegt dat een kind nu in gevaar is')),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Melding registreren'),
      h('a', { href: '#/meldingen' }, 'Annuleren')));
}

function resultView(melding: Created, replayed: boolean, again: () => void) {
  const crisis = melding.triageProposed === 'crisis';
  const reasons = melding.live?.triageReasons ?? [];
  const title = h('h2', { tabindex: '-1' }, replayed ? 'Deze melding was al geregistreerd' : 'Melding geregistreerd');
  const view = h('section', { class: `result${crisis ? ' crisis' : ''}`, 'aria-labelledby': uid('result-title') },
    title,
    h('dl', {},
      h('dt', {}, 'Melding'), h('dd', {}, h('a', { href: `#/meldingen/${encodeURIComponent(melding.id)}` }, melding.id)),
      h('dt', {}, 'Voorgestelde triage'),
      h('dd', {}, crisis ? h('span', { class: 'badge crisis' }, label(labels.triage, melding.triageProposed)) : label(labels.triage, melding.triageProposed),
        reasons.length > 0 ? h('ul', { class: 'reasons' }, reasons.map((r) => h('li', {}, r))) : h('span', { class: 'muted' }, ' (geen crisissignalen)')),
      h('dt', {}, 'Fase'), h('dd', {}, label(labels.phase, melding.phase)),
      h('dt', {}, 'Locatie'), h('dd', {}, melding.live?.link ? `${melding.live.link.locationName} (${melding.live.link.locationId})` : 'nog niet gekoppeld'),
      h('dt', {}, 'Behandelaar'), h('dd', {}, melding.assigneeId ? personLabel(melding.assigneeId) : (melding.teamId ? `de wachtrij van ${label(labels.team, melding.teamId)}` : 'nog niemand')),
      h('dt', {}, 'Uiterlijk'), h('dd', {}, melding.dueAt ? `${formatDateTime(melding.dueAt, true)} (${formatRelative(melding.dueAt)})` : '—')),
    h('div', { class: 'actions' },
      h('a', { class: 'button primary', href: `#/meldingen/${encodeURIComponent(melding.id)}` }, 'Melding openen'),
      h('button', { type: 'button', onclick: again }, 'Nog een melding registreren')));
  title.id = view.getAttribute('aria-labelledby') ?? '';
  return view;
}

/**
 * Renders an empty form (optionally for a known location); one Idempotency-Key per submission,
 * kept for its retries.
 */
export function renderMeldingForm(container: HTMLElement, prefill: { locationId?: string } = {}): void {
  const form = buildForm();
  const errors = errorBox();
  const send = submission();
  handleSubmit(form, errors, async (f: HTMLFormElement) => {
    if (!f.reportValidity()) return undefined;
    return send.send<Created>('/meldingen', bodyOf(f));
  }, (result) => {
    const view = resultView(result.body, result.status === 200, () => {
      container.replaceChildren();
      renderMeldingForm(container, prefill);
    });
    container.replaceChildren(view);
    view.querySelector('h2')?.focus();
  });
  form.insertBefore(errors, form.querySelector('.actions'));
  container.append(form);
  if (prefill.locationId) {
    const input = control(form, 'location.locationId');
    input.value = prefill.locationId;
    input.dispatchEvent(new Event('change'));
  }
  control(form, 'source').focus();
}
