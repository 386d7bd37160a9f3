// Mijn werk (GET /work): one inbox across processes, overdue first, then by due moment; each item
// says which rule set its due moment. A team coordinator sees a team member's work and reassigns
// from here (reports, enforcement cases, screening tasks, inspections: each item's `assign`
// action); filters can be saved under a name (/work/filters).
import { listView } from '../components/list-view.js';
import { errorBox, handleSubmit, showError, statusBox } from '../lib/alerts.js';
import { api, get, type Schema, submission } from '../lib/api.js';
import { checkbox, type Child, field, h, select, val } from '../lib/dom.js';
import { formatDateTime, formatRelative, label, labels, workPhaseLabel } from '../lib/format.js';
import { assigneeOptions, person, personLabel } from '../lib/people.js';
import { uiHref } from '../lib/router.js';
import { hasRole, session } from '../lib/session.js';

type WorkPage = Schema<'/work'>;
type WorkItem = WorkPage['items'][number];
type SavedFilter = Schema<'/work/filters'>['items'][number];
type WorkProcess = 'melding' | 'handhaving' | 'inspectie' | 'screening';

/** Kept while the user moves between views. */
const state = { teamId: '', assignee: '', process: '' as '' | WorkProcess, overdue: false, saved: '', offset: 0 };

const coordinatorRoles = ['teamcoordinator', 'admin'] as const;
const isCoordinator = () => hasRole(...coordinatorRoles);

function query(): Record<string, string | string[] | undefined> {
  return {
    teamId: state.teamId || undefined,
    assignee: state.assignee || undefined,
    process: state.process ? [state.process] : undefined,
    overdue: state.overdue ? 'true' : undefined,
    filter: state.saved || undefined,
    offset: String(state.offset),
  };
}

function dueCell(item: WorkItem): HTMLTableCellElement {
  const rule = item.dueRule;
  const skipped = rule.skipped ?? [];
  return h('td', { class: 'due' },
    item.dueAt ? [h('time', { datetime: item.dueAt }, formatDateTime(item.dueAt)), ' ', h('small', { class: 'muted' }, formatRelative(item.dueAt))] : h('span', { class: 'muted' }, 'geen termijn'),
    item.overdue ? [' ', h('span', { class: 'badge late' }, 'Te laat')] : null,
    rule.paused ? [' ', h('span', { class: 'badge paused' }, 'opgeschort')] : null,
    h('p', { class: 'due-rule' }, h('span', { class: 'visually-hidden' }, 'Regel: '), rule.text),
    skipped.length > 0 ? h('p', { class: 'due-rule muted' }, `Niet meegeteld: ${skipped.map((s) => `${s.date} (${s.reason})`).join(', ')}`) : null,
    rule.adjusted ? h('p', { class: 'due-rule muted' }, 'Aangepast: verlengd of opgeschort en hervat.') : null);
}

function whatCell(item: WorkItem): Child {
  const href = uiHref(item.href);
  const crisis = item.process === 'melding' && item.variant === 'crisis';
  return [
    h('p', { class: 'work-title' },
      h('span', { class: `badge process ${item.process}` }, label(labels.process, item.process)), ' ',
      crisis ? [h('span', { class: 'badge crisis' }, label(labels.triage, 'crisis')), ' '] : null,
      href ? h('a', { href }, item.title) : item.title),
    h('p', { class: 'work-meta' }, h('span', { class: 'mono' }, item.id), ' · ', workPhaseLabel(item.process, item.phase), item.waitingFor ? ` · wacht op: ${item.waitingFor}` : ''),
    item.summary ? h('p', { class: 'work-summary' }, item.summary) : null,
  ];
}

function locationCell(item: WorkItem): Child {
  if (!item.locationId) return h('span', { class: 'muted' }, 'nog niet gekoppeld');
  const name = item.locationName ?? item.locationId;
  return [item.dossierId ? h('a', { href: `#/dossiers/${encodeURIComponent(item.dossierId)}` }, name) : name,
    item.municipality ? h('small', { class: 'muted block' }, item.municipality) : null];
}

function whoCell(item: WorkItem): Child {
  if (!item.assigneeId) return h('span', { class: 'muted' }, item.teamId ? `wachtrij ${label(labels.team, item.teamId)}` : 'niemand');
  return person(item.assigneeId) || item.assigneeId === session.me?.id ? personLabel(item.assigneeId) : item.assigneeName ?? item.assigneeId;
}

/** The commands that can be done from the list: pick up a report, reassign any item; the rest open the item. */
function actionsCell(item: WorkItem, reload: () => Promise<void>, flash: (text: string) => void): HTMLTableCellElement {
  const cell = h('td', { class: 'work-actions' });
  const errors = errorBox();
  for (const action of item.actions) {
    if (!action.allowed) continue;
    if (action.rel === 'acknowledge') {
      const send = submission();
      const button = h('button', { type: 'button', class: 'primary', 'aria-label': `${action.title}: ${item.id}` }, 'Opnemen');
      button.addEventListener('click', async () => {
        button.disabled = true;
        try {
          await send.send(action.href, {});
          flash(`${item.id} opgenomen: de termijn is gehaald.`);
          await reload();
        } catch (err) {
          showError(errors, err);
          button.disabled = false;
        }
      });
      cell.append(button);
    }
    if (action.rel === 'assign') cell.append(reassignForm(item, action.href, reload, flash));
  }
  const href = uiHref(item.href);
  if (href) cell.append(h('a', { class: 'button', href, 'aria-label': `Openen: ${item.id}` }, 'Openen'));
  cell.append(errors);
  return cell;
}

/**
 * Who may take an item over, as the API checks it (api/commands/assign.ts): a report goes to a
 * case manager or coordinator of its team (a crisis report also to a crisis coordinator); an
 * enforcement case, a screening task or an inspection to a case manager or the team coordinator
 * of its team.
 */
function mayTakeOver(item: WorkItem) {
  return (p: { teamId: string | null; role: string }) => {
    if (item.process !== 'melding') return ['klantenbeheerder', 'teamcoordinator'].includes(p.role) && (!item.teamId || p.teamId === item.teamId);
    return ['klantenbeheerder', 'teamcoordinator', 'crisiscoordinator'].includes(p.role)
      && (item.variant === 'crisis' ? p.role === 'crisiscoordinator' || p.teamId === item.teamId : p.teamId === item.teamId);
  };
}

function reassignForm(item: WorkItem, href: string, reload: () => Promise<void>, flash: (text: string) => void): HTMLElement {
  const errors = errorBox();
  const sameTeam = mayTakeOver(item);
  const options = assigneeOptions(sameTeam).filter(([id]) => id !== item.assigneeId);
  const form = h('form', { class: 'inline-form', 'aria-label': `Toewijzen: ${item.id}` },
    field('Nieuwe behandelaar', select('assigneeId', [['', 'kies…'], ...options], '', { required: true })),
    field('Reden', h('input', { type: 'text', name: 'reason', required: true, minlength: 3, maxlength: 2000 })),
    errors,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Toewijzen')));
  const send = submission();
  handleSubmit(form, errors, async (f) => {
    if (!f.reportValidity()) return undefined;
    return send.send(href, { assigneeId: val(f, 'assigneeId'), reason: val(f, 'reason') });
  }, async () => {
    flash(`${item.id} toegewezen aan ${personLabel(val(form, 'assigneeId'))}.`);
    await reload();
  });
  return h('details', { class: 'reassign' }, h('summary', {}, 'Toewijzen'), form);
}

function filterForm(onChange: () => void, saved: SavedFilter[]): HTMLFormElement {
  const me = session.me!;
  const seesAll = me.role === 'admin' || (me.role === 'teamcoordinator' && me.teamId === 'team-centraal');
  const teamId = state.teamId || (isCoordinator() && !seesAll ? me.teamId ?? '' : '');
  const members = assigneeOptions((p) => (teamId ? p.teamId === teamId : true) && ['klantenbeheerder', 'teamcoordinator', 'crisiscoordinator', 'jurist'].includes(p.role));
  const controls: HTMLElement[] = [];
  if (isCoordinator()) {
    if (seesAll) controls.push(field('Team', select('teamId', [['', 'mijn eigen werk'], ...Object.entries(labels.team)], state.teamId)));
    controls.push(field('Teamlid', select('assignee', [['', state.teamId || !seesAll ? 'mijn eigen werk' : 'iedereen'], ['*team', 'heel het team'], ...members], state.assignee || (state.teamId && !state.assignee ? '*team' : ''))));
  }
  controls.push(field('Proces', select('process', [['', 'alle'], ...Object.entries(labels.process)], state.process)));
  controls.push(checkbox('overdue', 'Alleen te laat', { checked: state.overdue }));
  if (saved.length > 0) controls.push(field('Bewaarde filter', select('saved', [['', 'geen'], ...saved.map((s) => [s.name, s.name] as [string, string])], state.saved)));
  const form = h('form', { class: 'filters', 'aria-label': 'Filters', onsubmit: (ev: Event) => ev.preventDefault() }, controls);
  form.addEventListener('change', () => {
    const get = (name: string) => (form.elements.namedItem(name) as HTMLSelectElement | null)?.value ?? '';
    const assignee = get('assignee');
    Object.assign(state, {
      teamId: seesAll ? get('teamId') : (assignee ? me.teamId ?? '' : ''),
      assignee: assignee === '*team' ? '' : assignee,
      process: get('process'),
      overdue: (form.elements.namedItem('overdue') as HTMLInputElement).checked,
      saved: get('saved'),
      offset: 0,
    });
    if (!seesAll && assignee === '*team') state.teamId = me.teamId ?? '';
    onChange();
  });
  return form;
}

function saveFilterForm(onSaved: () => void): HTMLElement {
  const errors = errorBox();
  const form = h('form', { class: 'inline-form', 'aria-label': 'Filter bewaren' },
    field('Naam van de filter', h('input', { type: 'text', name: 'name', required: true, pattern: '[A-Za-z0-9 _.:\\-]{1,64}', maxlength: 64 }), 'Letters, cijfers, spaties, _ . : -'),
    errors,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Bewaren')));
  handleSubmit(form, errors, async (f) => {
    if (!f.reportValidity()) return undefined;
    const filter: Record<string, unknown> = {};
    if (state.teamId) filter.teamId = state.teamId;
    if (state.assignee) filter.assignee = state.assignee;
    if (state.process) filter.process = [state.process];
    if (state.overdue) filter.overdue = true;
    const name = val(f, 'name');
    await api(`/work/filters/${encodeURIComponent(name)}`, { method: 'PUT', body: filter });
    state.saved = name;
    return name;
  }, () => onSaved());
  return h('details', { class: 'save-filter' }, h('summary', {}, 'Deze filter bewaren'), form);
}

function scopeTitle(page: WorkPage | null): string {
  if (!page || page.scope.kind === 'person') {
    const userId = page?.scope.userId ?? session.me?.id;
    return userId === session.me?.id ? 'Mijn werk' : `Werk van ${personLabel(userId)}`;
  }
  if (page.scope.assigneeId) return `Werk van ${personLabel(page.scope.assigneeId)}`;
  return page.scope.teamId ? `Werk van team ${label(labels.team, page.scope.teamId)}` : 'Al het open werk';
}

/** Renders Mijn werk; `params` may name a team member (?teamlid=…) for a coordinator. */
export async function renderWork(container: HTMLElement, params?: URLSearchParams): Promise<void> {
  const teamlid = params?.get('teamlid');
  if (teamlid && isCoordinator()) {
    state.assignee = teamlid;
    state.teamId = person(teamlid)?.teamId ?? '';
  }
  let saved: SavedFilter[] = [];
  try {
    saved = (await get('/work/filters')).items;
  } catch {
    saved = [];
  }
  const status = statusBox();
  const flash = (text: string) => {
    status.textContent = text;
  };
  const heading = h('p', { class: 'scope', id: 'werk-scope' });
  const rerender = () => {
    container.replaceChildren();
    void renderWork(container);
  };
  const view: ReturnType<typeof listView<WorkItem>> = listView<WorkItem>({
    id: 'werk-titel',
    title: 'Mijn werk',
    caption: 'Werk, het dringendste eerst: te laat, dan volgens uiterste datum',
    filters: h('div', { class: 'filter-bar' }, filterForm(() => void view.reload(), saved), saveFilterForm(rerender),
      state.saved ? h('button', { type: 'button', class: 'link-button', onclick: async () => {
        await api(`/work/filters/${encodeURIComponent(state.saved)}`, { method: 'DELETE' }).catch(() => undefined);
        state.saved = '';
        rerender();
      } }, `Bewaarde filter “${state.saved}” verwijderen`) : null),
    columns: [
      { title: 'Wat', cell: whatCell },
      { title: 'Locatie', cell: locationCell },
      { title: 'Behandelaar', cell: whoCell },
      { title: 'Uiterlijk', cell: dueCell },
      { title: 'Acties', cell: (item) => actionsCell(item, () => view.reload(), flash) },
    ],
    rowClass: (item) => [item.overdue ? 'late' : '', item.process === 'melding' && item.variant === 'crisis' ? 'crisis' : ''].filter(Boolean).join(' ') || null,
    load: async (offset, limit) => {
      const page = await get('/work', { ...query(), offset: String(offset), limit: String(limit) });
      const title = scopeTitle(page);
      container.querySelector('#werk-titel')!.textContent = title;
      heading.textContent = page.scope.kind === 'team' ? 'Je ziet het werk van anderen: als coördinator kun je het hier opnieuw toewijzen.' : '';
      return page;
    },
    state,
    noun: 'Werk',
    empty: 'Geen werk: niets wacht op jou.',
    pageSize: 50,
  });
  container.append(status, view.element);
  view.element.querySelector('.title-bar')!.after(heading);
  await view.reload();
}
