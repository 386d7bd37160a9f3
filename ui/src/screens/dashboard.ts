// Teamdashboard (GET /dashboard/{view}, docs/work-surfaces.md): counts per process and phase,
// overdue now, deadline performance, the enforcement funnel, decisions and capacity freed,
// inspections by status, the monthly screening. Filters by team (admin and the central team
// coordinator) and period (months), live refresh (every 30 s and on a new notification), and a
// CSV export per view. Charts by Chart.js (lib/charts.ts), each with its figures as a table.
import { onLiveNotification } from '../components/notification-bell.js';
import { errorBox, showError, statusBox } from '../lib/alerts.js';
import { get, type Schema } from '../lib/api.js';
import { bars, type ChartFigure, chartFigure, type ChartSpec, line, palette } from '../lib/charts.js';
import { checkbox, field, h, select } from '../lib/dom.js';
import { downloadFile } from '../lib/download.js';
import {
  brusselsMonth,
  describeError,
  formatDateTime,
  formatMinutes,
  formatMonth,
  formatShare,
  label,
  labels,
} from '../lib/format.js';
import { personLabel } from '../lib/people.js';
import { session } from '../lib/session.js';

type View = 'phases' | 'overdue' | 'deadline-performance' | 'enforcement-funnel' | 'decisions' | 'inspections' | 'screening';
type Rows<V extends View> = Schema<`/dashboard/${V}`>['rows'];

const REFRESH_MS = 30_000;

/** Kept between visits. */
const state = { teamId: '', from: '', to: '', live: true };

const seesAllTeams = () => session.me?.role === 'admin' || (session.me?.role === 'teamcoordinator' && session.me.teamId === 'team-centraal');

function query() {
  return { teamId: seesAllTeams() ? state.teamId || undefined : undefined, from: state.from, to: state.to };
}

function phaseName(process: string, phase: string): string {
  if (process === 'melding') return label(labels.phase, phase);
  if (process === 'handhaving') return phase === 'gesloten' ? 'Gesloten' : phase === 'geen' ? 'Nog geen stap' : label(labels.step, phase);
  if (process === 'inspectie') return label(labels.inspectionStatus, phase);
  if (process === 'screening') return label(labels.screeningStatus, phase);
  return phase;
}

/** Sums rows by a key, keeping the first-seen order. */
function sumBy<T>(rows: T[], key: (r: T) => string, value: (r: T) => number): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) out.set(key(r), (out.get(key(r)) ?? 0) + value(r));
  return out;
}

interface Panel {
  view: View;
  title: string;
  figure: ChartFigure;
  element: HTMLElement;
  refresh(): Promise<void>;
}

/**
 * A panel of the dashboard: one chart (empty until the first load), a CSV export, and what the
 * view's rows draw on each refresh. `inFigure` goes into the chart's figure, `below` under it.
 */
function panel<V extends View>(
  view: V,
  title: string,
  chart: Omit<ChartSpec, 'labels' | 'datasets'>,
  draw: (rows: Rows<V>, fig: ChartFigure) => void,
  extra: { inFigure?: HTMLElement; below?: HTMLElement } = {},
): Panel {
  const figure = chartFigure({ ...chart, labels: [], datasets: [] }, ...(extra.inFigure ? [extra.inFigure] : []));
  const errors = errorBox();
  const exportStatus = h('span', { class: 'muted export-status', role: 'status' });
  const exportButton = h('button', { type: 'button', class: 'csv', 'aria-label': `CSV-export: ${title}` }, 'CSV-export');
  exportButton.addEventListener('click', async () => {
    exportButton.disabled = true;
    try {
      const name = await downloadFile(`/dashboard/${view}`, { ...query(), format: 'csv' }, `dashboard-${view}.csv`);
      exportStatus.textContent = `${name} gedownload.`;
    } catch (err) {
      showError(errors, err);
    } finally {
      exportButton.disabled = false;
    }
  });
  const headingId = `dash-${view}-titel`;
  const element = h('section', { class: 'panel dashboard-panel', 'aria-labelledby': headingId },
    h('div', { class: 'panel-head' }, h('h2', { id: headingId }, title), h('div', { class: 'title-actions' }, exportButton, exportStatus)),
    errors,
    figure.element,
    extra.below ?? null);
  return {
    view,
    title,
    figure,
    element,
    async refresh() {
      try {
        const page = await get(`/dashboard/${view}` as `/dashboard/${V}`, query()) as Schema<`/dashboard/${V}`>;
        errors.hidden = true;
        draw(page.rows as Rows<V>, figure);
      } catch (err) {
        showError(errors, err);
      }
    },
  };
}

/**
 * A panel of counts by a key (process and phase, a status), stacked: what is on time (in the
 * panel's colour) and what is late (red) on top.
 */
function onTimeAndLatePanel<V extends 'phases' | 'inspections'>(
  view: V,
  title: string,
  chart: Pick<ChartSpec, 'id' | 'title' | 'description' | 'height'>,
  key: (r: Rows<V>[number]) => string,
  onTime: { label: string; colour: string },
): Panel {
  return panel(view, title, { ...chart, kind: 'bar', horizontal: true, stacked: true }, (rows, fig) => {
    const total = sumBy(rows, key, (r) => r.count);
    const late = sumBy(rows, key, (r) => r.overdue);
    const keys = [...total.keys()];
    fig.update(keys, [
      bars(onTime.label, keys.map((k) => (total.get(k) ?? 0) - (late.get(k) ?? 0)), onTime.colour),
      bars('Te laat', keys.map((k) => late.get(k) ?? 0), palette.crisis),
    ]);
  });
}

function phasesPanel(): Panel {
  return onTimeAndLatePanel('phases', 'Per proces en fase', {
    id: 'grafiek-fasen', height: 380,
    title: 'Dossiers per proces en fase',
    description: 'Wat nu loopt, plus wat in de periode werd afgesloten; te laat apart gestapeld.',
  }, (r) => `${label(labels.process, r.process)} · ${phaseName(r.process, r.phase)}`, { label: 'Op tijd of zonder termijn', colour: palette.brand });
}

function overduePanel(): Panel {
  const list = h('ol', { class: 'log overdue-list', 'aria-label': 'Te laat, per persoon' });
  return panel('overdue', 'Nu te laat', {
    id: 'grafiek-te-laat', kind: 'bar', horizontal: true, stacked: true, height: 300,
    title: 'Nu te laat, per behandelaar',
    description: 'Het aantal dossiers waarvan de termijn nu verstreken is, per behandelaar en proces; wachtrij = nog niemand toegewezen.',
  }, (rows, fig) => {
    const who = (r: Rows<'overdue'>[number]) => (r.assigneeId ? personLabel(r.assigneeId) : r.process === 'handhaving' ? 'wachtrij juristen' : 'wachtrij team');
    const people = [...new Set(rows.map(who))];
    const processes = [...new Set(rows.map((r) => r.process))];
    const colours = [palette.brand, palette.purple, palette.teal, palette.sand];
    fig.update(people, processes.map((p, i) => bars(label(labels.process, p), people.map((person) => rows.filter((r) => r.process === p && who(r) === person).reduce((s, r) => s + r.count, 0)), colours[i % colours.length]!)));
    list.replaceChildren(...rows.slice(0, 8).map((r) => h('li', {}, h('strong', {}, `${r.count}× ${label(labels.process, r.process).toLowerCase()}`), ` · ${who(r)}`,
      r.oldestDueAt ? h('small', { class: 'muted' }, ` · oudste termijn ${formatDateTime(r.oldestDueAt)}`) : null)));
    if (rows.length === 0) list.replaceChildren(h('li', { class: 'muted' }, 'Niets te laat.'));
  }, { inFigure: list });
}

function deadlinePanel(): Panel {
  const info = h('p', { class: 'hint' });
  return panel('deadline-performance', 'Termijnen', {
    id: 'grafiek-termijnen', kind: 'bar', stacked: true, height: 300,
    title: 'Termijnen gehaald per maand',
    description: 'Meldingen ontvangen per maand (staven), en het aandeel crisismeldingen opgenomen binnen 1 uur en gewone meldingen binnen 24 uur (lijnen, rechteras). Maanden uit de ingelezen historiek hebben geen opnamemoment.',
    yTitle: 'meldingen ontvangen',
    y2: { title: 'binnen termijn', format: formatShare },
  }, (rows, fig) => {
    fig.update(rows.map((r) => formatMonth(r.month)), [
      line('Crisis binnen 1 uur', rows.map((r) => r.crisisShareWithinBudget), palette.crisis, { yAxisID: 'y2', stack: 'share-crisis' }),
      line('Gewoon binnen 24 uur', rows.map((r) => r.regularShareWithinBudget), palette.brand, { yAxisID: 'y2', stack: 'share-regular' }),
      bars('Crisismeldingen', rows.map((r) => r.crisisReceived + r.historyCrisis), '#e8a0aa', { stack: 'received' }),
      bars('Gewone meldingen', rows.map((r) => r.regularReceived + r.historyRegular), '#b9c0d6', { stack: 'received' }),
      bars('Mediane opnametijd (min)', rows.map((r) => r.medianPickupMinutes), '#6b6b69', { hidden: true, stack: 'median' }),
    ]);
    const last = [...rows].reverse().find((r) => r.medianPickupMinutes !== null);
    info.textContent = last ? `Mediane opnametijd in ${formatMonth(last.month)}: ${formatMinutes(last.medianPickupMinutes)}.` : 'Nog geen opnamemomenten in deze periode.';
  }, { below: info });
}

function funnelPanel(): Panel {
  return panel('enforcement-funnel', 'Aanmaning → voornemen → beslissing', {
    id: 'grafiek-trechter', kind: 'bar', height: 280,
    title: 'Handhavingstrechter',
    description: 'Per stap die in de periode startte: hoeveel gingen verder naar een volgende stap, hoeveel eindigden hersteld of gesloten, hoeveel werden beslist en hoeveel lopen nog.',
  }, (rows, fig) => {
    fig.update(rows.map((r) => label(labels.funnelStage, r.stage)), [
      bars('Gestart', rows.map((r) => r.started), palette.brand),
      bars('Verder naar volgende stap', rows.map((r) => r.escalated), palette.late),
      bars('Hersteld of gesloten', rows.map((r) => r.remedied), palette.green),
      bars('Beslist', rows.map((r) => r.decided), palette.crisis),
      bars('Loopt nog', rows.map((r) => r.open), palette.grey),
    ]);
  });
}

function decisionsPanel(): Panel {
  return panel('decisions', 'Beslissingen en capaciteit', {
    id: 'grafiek-beslissingen', kind: 'bar', stacked: true, height: 280,
    title: 'Beslissingen per maand',
    description: 'Schorsingen en opheffingen per maand; de vrijgekomen opvangcapaciteit (plaatsen) als lijn op de rechteras.',
    y2: { title: 'plaatsen vrijgekomen' },
  }, (rows, fig) => {
    const months = [...new Set(rows.map((r) => r.month))].sort();
    const sum = (m: string, f: (r: Rows<'decisions'>[number]) => boolean, v: (r: Rows<'decisions'>[number]) => number) => rows.filter((r) => r.month === m && f(r)).reduce((s, r) => s + v(r), 0);
    fig.update(months.map(formatMonth), [
      bars('Schorsing', months.map((m) => sum(m, (r) => r.kind === 'schorsing', (r) => r.decisions)), palette.late, { stack: 'b' }),
      bars('Opheffing', months.map((m) => sum(m, (r) => r.kind === 'opheffing', (r) => r.decisions)), palette.crisis, { stack: 'b' }),
      line('Capaciteit vrijgekomen', months.map((m) => sum(m, () => true, (r) => r.capacityFreed)), palette.teal, { yAxisID: 'y2', stack: 'c' }),
    ]);
  });
}

function inspectionsPanel(): Panel {
  return onTimeAndLatePanel('inspections', 'Inspecties', {
    id: 'grafiek-inspecties', height: 300,
    title: 'Inspecties per status',
    description: 'Inspectieaanvragen in dit systeem per status (lopend, of in de periode afgerond), te laat apart; de inspecties uit de historiek per advies.',
  }, (r) => (r.source === 'register' ? label(labels.inspectionStatus, r.status) : `Historiek: ${r.status.replace(/_/g, ' ')}`), { label: 'Op tijd of afgerond', colour: palette.teal });
}

function screeningPanel(): Panel {
  return panel('screening', 'Maandelijkse risicoscreening', {
    id: 'grafiek-screening', kind: 'bar', stacked: true, height: 280,
    title: 'Risicoscreening per maand',
    description: 'De geselecteerde dossiers van elke maand en hoe ze gecodeerd werden: risico, geen risico, verder onderzoek nodig, of nog open.',
  }, (rows, fig) => {
    fig.update(rows.map((r) => formatMonth(r.month)), [
      bars('Risico', rows.map((r) => r.risico), palette.crisis),
      bars('Geen risico', rows.map((r) => r.geenRisico), palette.green),
      bars('Verder onderzoek nodig', rows.map((r) => r.verderOnderzoekNodig), palette.late),
      bars('Open', rows.map((r) => r.open), palette.grey),
    ]);
  });
}

function filterForm(onChange: () => void): HTMLFormElement {
  const me = session.me!;
  const teamControl = seesAllTeams()
    ? field('Team', select('teamId', [['', 'alle teams'], ...Object.entries(labels.team)], state.teamId))
    : h('p', { class: 'fixed-team' }, h('span', { class: 'muted' }, 'Team: '), h('strong', {}, label(labels.team, me.teamId)));
  const form = h('form', { class: 'filters', 'aria-label': 'Filters van het dashboard', onsubmit: (ev: Event) => ev.preventDefault() },
    teamControl,
    field('Van (maand)', h('input', { type: 'month', name: 'from', value: state.from, required: true, max: brusselsMonth() })),
    field('Tot en met (maand)', h('input', { type: 'month', name: 'to', value: state.to, required: true, max: brusselsMonth() })),
    checkbox('live', `Live vernieuwen (elke ${REFRESH_MS / 1000} s)`, { checked: state.live }));
  form.addEventListener('change', () => {
    const v = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null);
    const from = v('from')?.value ?? '';
    const to = v('to')?.value ?? '';
    state.live = (v('live') as HTMLInputElement).checked;
    if (seesAllTeams()) state.teamId = v('teamId')?.value ?? '';
    if (/^\d{4}-\d{2}$/.test(from) && /^\d{4}-\d{2}$/.test(to)) {
      state.from = from <= to ? from : to;
      state.to = from <= to ? to : from;
    }
    onChange();
  });
  return form;
}

export async function renderDashboard(container: HTMLElement, params?: URLSearchParams): Promise<void> {
  if (!state.to) state.to = brusselsMonth();
  if (!state.from) state.from = brusselsMonth(-11);
  if (params?.get('team') && seesAllTeams()) state.teamId = params.get('team')!;
  const heading = h('h1', { tabindex: '-1', id: 'dashboard-titel' }, 'Teamdashboard');
  const updated = h('p', { class: 'muted updated', id: 'dashboard-bijgewerkt' });
  const announce = statusBox();
  const errors = errorBox();
  const panels = [phasesPanel(), overduePanel(), deadlinePanel(), funnelPanel(), decisionsPanel(), inspectionsPanel(), screeningPanel()];
  let running: Promise<void> | null = null;
  async function refresh(manual = false) {
    if (running) return running;
    running = (async () => {
      container.setAttribute('aria-busy', 'true');
      try {
        await Promise.all(panels.map((p) => p.refresh()));
        const scope = seesAllTeams() ? (state.teamId ? `team ${label(labels.team, state.teamId)}` : 'alle teams') : `team ${label(labels.team, session.me?.teamId)}`;
        updated.textContent = `Bijgewerkt om ${new Intl.DateTimeFormat('nl-BE', { timeStyle: 'medium', timeZone: 'Europe/Brussels' }).format(new Date())} · ${scope} · ${formatMonth(state.from)} – ${formatMonth(state.to)}`;
        if (manual) announce.textContent = 'Dashboard vernieuwd.';
      } catch (err) {
        errors.hidden = false;
        errors.textContent = `Niet gelukt: ${describeError(err).summary}`;
      } finally {
        container.removeAttribute('aria-busy');
        running = null;
      }
    })();
    return running;
  }
  const filters = filterForm(() => void refresh(true));
  container.replaceChildren(
    h('div', { class: 'title-bar dashboard-title' },
      h('div', {}, heading, updated),
      h('div', { class: 'title-actions' }, h('button', { type: 'button', onclick: () => void refresh(true) }, 'Vernieuwen'))),
    h('section', { class: 'panel filters-panel', 'aria-label': 'Filters' }, filters),
    announce,
    errors,
    h('div', { class: 'dashboard-grid' }, panels.map((p) => p.element)));
  heading.focus();
  // Live: every 30 s and shortly after a new notification, while this view is shown.
  let pending: ReturnType<typeof setTimeout> | null = null;
  const stopLive = onLiveNotification(() => {
    if (!state.live || pending) return;
    pending = setTimeout(() => {
      pending = null;
      if (container.isConnected) void refresh();
    }, 2_000);
  });
  const timer = setInterval(() => {
    if (!container.isConnected) {
      clearInterval(timer);
      stopLive();
      for (const p of panels) p.figure.destroy();
      return;
    }
    if (state.live && document.visibilityState === 'visible') void refresh();
  }, REFRESH_MS);
  await refresh();
}
