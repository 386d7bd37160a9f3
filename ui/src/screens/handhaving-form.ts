// Starting an enforcement case (POST /handhaving) for a location with its first milestone; a
// location with an open case gets the milestone added to that case instead (200).
import { errorBox, handleSubmit, showError } from '../lib/alerts.js';
import { get, submission } from '../lib/api.js';
import type { Case } from './handhaving-detail.js';
import { checkbox, checked, field, h, namedForm, select, val } from '../lib/dom.js';
import { label, labels } from '../lib/format.js';
import { locationLookup } from './locations.js';

function result(c: Case, created: boolean) {
  const title = created ? 'Handhaving gestart' : 'De mijlpaal is toegevoegd aan het open handhavingsdossier';
  const heading = h('h2', { id: 'handhaving-resultaat-titel', tabindex: '-1' }, title);
  const section = h('section', { class: `result${c.urgent ? ' crisis' : ''}`, 'aria-labelledby': 'handhaving-resultaat-titel' },
    heading,
    h('dl', {},
      h('dt', {}, 'Handhavingsdossier'), h('dd', {}, h('a', { href: `#/handhaving/${encodeURIComponent(c.id)}` }, c.id)),
      h('dt', {}, 'Locatie'), h('dd', {}, `${c.live?.location?.locationName ?? ''} (${c.locationId})`),
      h('dt', {}, 'Stap'), h('dd', {}, c.step ? label(labels.step, c.step) : '—'),
      h('dt', {}, 'Dringend'), h('dd', {}, c.urgent ? 'ja' : 'nee')));
  return { section, heading };
}

/** The start form; `locationId` or `dossierId` (resolved to its location) fills in the location. */
export async function renderHandhavingForm(container: HTMLElement, { locationId, dossierId }: { locationId?: string; dossierId?: string } = {}): Promise<void> {
  const errors = errorBox();
  let initial = locationId ?? '';
  if (!initial && dossierId) {
    try {
      initial = (await get('/dossiers/{dossierId}', undefined, { dossierId })).locationId ?? '';
    } catch (err) {
      showError(errors, err);
    }
  }
  const input = h('input', { type: 'text', name: 'locationId', required: true, maxlength: 64, placeholder: 'LOC-…', value: initial });
  const lookup = locationLookup(input);
  const form = namedForm('Handhaving starten', { class: 'melding-form' },
    h('p', { class: 'hint' }, 'Een locatie heeft hoogstens één open handhavingsdossier: heeft ze er al een, dan krijgt dat de mijlpaal.'),
    field('Locatie-id', input),
    lookup,
    field('Soort mijlpaal', select('milestone.kind', Object.entries(labels.milestoneKind), 'rechtstreeks')),
    field('Notitie (optioneel)', h('textarea', { name: 'milestone.note', rows: 3, maxlength: 5000 })),
    checkbox('urgent', 'Dringend: beslissing bij hoogdringendheid (risico voor de integriteit van de kinderen)'),
    errors,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Handhaving starten')));
  const out = h('div');
  const send = submission();
  handleSubmit(form, errors, async (f: HTMLFormElement) => {
    if (!f.reportValidity()) return undefined;
    const note = val(f, 'milestone.note');
    const milestone = { kind: val(f, 'milestone.kind'), ...(note ? { note } : {}) };
    return send.send<Case>('/handhaving', { locationId: val(f, 'locationId'), urgent: checked(f, 'urgent'), milestone });
  }, (res) => {
    const { section, heading } = result(res.body, res.status === 201);
    out.replaceChildren(section);
    heading.focus();
  });
  container.replaceChildren(h('p', { class: 'back' }, h('a', { href: '#/handhaving' }, '← Terug naar de lijst')), out, form);
  if (initial) input.dispatchEvent(new Event('change'));
}
