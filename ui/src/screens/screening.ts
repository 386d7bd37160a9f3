// The monthly risk screening (docs/risk-screening.md): the month's selection with each score and
// the features that weigh most in the model that scored it (GET /screening-runs/{month},
// /risk-models), one screening task and coding it (GET /screening-tasks/{id}, POST …/code), and
// the model versions with their AUC and lift, an older one activated again by an admin
// (POST /risk-models/{version}/activate). The model only proposes: the case manager decides.
import { caseHistorySection } from '../components/case-history.js';
import { commandForm } from '../components/command-form.js';
import { badge, detailPage, loadDetail, facts, section, when } from '../components/details.js';
import { errorBox, showError, statusBox } from '../lib/alerts.js';
import { get, type Schema, submission } from '../lib/api.js';
import { bars, chartFigure, palette } from '../lib/charts.js';
import { type Child, field, h, select, val } from '../lib/dom.js';
import {
  formatDateTime,
  formatMonth,
  formatNumber,
  formatRelative,
  formatShare,
  label,
  labels,
  options,
} from '../lib/format.js';
import { personLabel } from '../lib/people.js';
import { hasRole, session } from '../lib/session.js';

type Run = Schema<'/screening-runs/{month}'>;
type Task = Schema<'/screening-tasks/{taskId}'>;
type Model = NonNullable<Schema<'/risk-models'>['items']>[number];
type RunItem = NonNullable<Schema<'/screening-runs'>['items']>[number];
interface Metrics { auc?: number; liftTopK?: number; topK?: number; trainAuc?: number }
interface Training { trainRows?: number; trainPositives?: number; horizonMonths?: number; dataEndMonth?: string }

const screeners = ['klantenbeheerder', 'teamcoordinator'] as const;

function subNav(current: 'selectie' | 'modellen'): HTMLElement {
  const item = (key: string, href: string, text: string) => h('li', {}, h('a', { href, 'aria-current': current === key ? 'page' : null }, text));
  return h('nav', { class: 'sub-nav', 'aria-label': 'Risicoscreening' }, h('ul', {},
    item('selectie', '#/screening', 'Selectie van de maand'),
    item('modellen', '#/screening/modellen', 'Modelversies')));
}

const score = (v: number | null | undefined) => (v === null || v === undefined ? '—' : formatShare(v));
const codeBadge = (code: string | null | undefined) => (code ? h('span', { class: `badge code-${code}` }, label(labels.screeningCode, code)) : null);

/** The features that weigh most: the largest standardised weights of the model, as a chart and a table. */
export function topFeatures(model: Model, n = 6): HTMLElement {
  const top = [...(model.coefficients ?? [])].filter((c) => c.feature && typeof c.weight === 'number')
    .sort((a, b) => Math.abs(b.weight!) - Math.abs(a.weight!)).slice(0, n);
  const names = top.map((c) => label(labels.feature, c.feature));
  const fig = chartFigure({
    id: `kenmerken-v${model.version}`, kind: 'bar', horizontal: true, height: 40 + 34 * top.length,
    title: `Kenmerken die het zwaarst wegen (model v${model.version})`,
    description: 'Het gewicht van elk kenmerk in het model, op gestandaardiseerde schaal: positief verhoogt de risicoscore, negatief verlaagt ze.',
    labels: names,
    datasets: [bars('Gewicht', top.map((c) => Math.round(c.weight! * 1000) / 1000), palette.brand, {
      backgroundColor: top.map((c) => (c.weight! >= 0 ? palette.crisis : palette.green)),
      borderColor: top.map((c) => (c.weight! >= 0 ? palette.crisis : palette.green)),
    })],
    format: (v) => formatNumber(v, 2),
  });
  return fig.element;
}

async function modelsByVersion(): Promise<Map<number, Model>> {
  try {
    return new Map(((await get('/risk-models')).items ?? []).map((m) => [m.version, m]));
  } catch {
    return new Map();
  }
}

function reportFacts(run: Run): HTMLElement {
  const r = run.report;
  const p = run.progress;
  return facts([
    ['Status', label(labels.runStatus, run.status)],
    ['Model', run.modelVersion ? `versie ${run.modelVersion}` : '—'],
    ['Gescoord', r ? `${formatNumber(r.scored)} locaties` : `${formatNumber(p.scored)} van ${formatNumber(p.totalLocations)} locaties`],
    ['Geselecteerd', formatNumber(r?.selected ?? p.selected)],
    r && ['Gescreend', `${formatNumber(r.screened)} (open: ${formatNumber(r.open)}, te laat: ${formatNumber(r.overdue)})`],
    r && ['Per code', `risico ${r.perCode.risico} · geen risico ${r.perCode.geen_risico} · verder onderzoek nodig ${r.perCode.verder_onderzoek_nodig}`],
    r && ['Aandeel risico', formatShare(r.shareRisk)],
    ['Gestart', [when(run.startedAt), run.triggeredBy ? ` door ${personLabel(run.triggeredBy)}` : '']],
    run.completedAt && ['Afgerond', when(run.completedAt)],
  ]);
}

function selectionTable(run: Run): HTMLElement {
  const rows = run.selection ?? [];
  if (rows.length === 0) return h('p', { class: 'muted' }, 'Nog geen selectie voor deze maand.');
  const canOpenTasks = hasRole('klantenbeheerder', 'teamcoordinator', 'admin');
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Selectie (schuifbaar)' }, h('table', { class: 'list selection' },
    h('caption', { class: 'visually-hidden' }, `Selectie van ${formatMonth(run.month)}, hoogste score eerst`),
    h('thead', {}, h('tr', {}, ['Rang', 'Locatie', 'Team', 'Risicoscore', 'Screening', 'Code'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, rows.map((s) => h('tr', { class: s.status === 'open' ? 'open' : null },
      h('td', { class: 'num' }, String(s.rank ?? '')),
      h('td', {}, s.dossierId ? h('a', { href: `#/dossiers/${encodeURIComponent(s.dossierId)}` }, s.locationName ?? s.locationId ?? '') : s.locationName ?? '', h('small', { class: 'muted block mono' }, s.locationId ?? '')),
      h('td', {}, label(labels.team, s.teamId)),
      h('td', { class: 'num' }, h('span', { class: 'score-bar', 'aria-hidden': 'true' }, h('span', { class: 'score-fill', style: `width:${Math.round((s.score ?? 0) * 100)}%` })), ' ', score(s.score)),
      h('td', {}, s.taskId ? (canOpenTasks ? h('a', { href: `#/screening/taken/${encodeURIComponent(s.taskId)}`, class: 'mono', 'aria-label': `Screeningstaak ${s.taskId} (${s.locationName ?? ''})` }, s.taskId) : h('span', { class: 'mono' }, s.taskId)) : '—',
        s.status ? h('small', { class: 'muted block' }, label(labels.screeningStatus, s.status)) : null),
      h('td', {}, codeBadge(s.code) ?? h('span', { class: 'muted' }, '—')))))));
}

/** The month's run: its selection with scores, the report and the features that weigh most. */
export async function renderScreening(container: HTMLElement, params?: URLSearchParams): Promise<void> {
  const heading = h('h1', { tabindex: '-1', id: 'screening-titel' }, 'Risicoscreening');
  const errors = errorBox();
  const body = h('div', { class: 'screening-body' }, h('p', { class: 'loading' }, 'Laden…'));
  container.replaceChildren(h('div', { class: 'title-bar page-title' }, heading), subNav('selectie'), errors, body);
  heading.focus();
  let runs: RunItem[] = [];
  try {
    runs = (await get('/screening-runs', { limit: 36 })).items ?? [];
  } catch (err) {
    showError(errors, err);
    body.replaceChildren();
    return;
  }
  if (runs.length === 0) {
    body.replaceChildren(h('p', { class: 'panel muted' }, 'Er liep nog geen risicoscreening. De maandelijkse screening start op de 1e van de maand om 06:00.'));
    return;
  }
  const month = params?.get('maand') && runs.some((r) => r.month === params.get('maand')) ? params.get('maand')! : runs[0]!.month!;
  const monthSelect = select('month', runs.map((r) => [r.month!, `${formatMonth(r.month!)} (${label(labels.runStatus, r.status)})`] as [string, string]), month);
  monthSelect.addEventListener('change', () => {
    location.hash = `#/screening?maand=${encodeURIComponent(monthSelect.value)}`;
  });
  let run: Run;
  try {
    run = await get('/screening-runs/{month}', undefined, { month });
  } catch (err) {
    showError(errors, err);
    body.replaceChildren();
    return;
  }
  const models = await modelsByVersion();
  const model = run.modelVersion ? models.get(run.modelVersion) : undefined;
  const m = (model?.metrics ?? {}) as Metrics;
  body.replaceChildren(
    h('form', { class: 'filters panel', 'aria-label': 'Maand kiezen', onsubmit: (ev: Event) => ev.preventDefault() }, field('Maand', monthSelect)),
    h('div', { class: 'detail-grid' },
      h('div', { class: 'detail-main' },
        section('selectie-titel', `Selectie van ${formatMonth(run.month)}`,
          h('p', { class: 'hint' }, 'De dossiers met de hoogste risicoscore die de voorbije drie maanden niet geselecteerd werden. De score is een voorstel van het model; de klantenbeheerder beslist.'),
          selectionTable(run))),
      h('div', { class: 'side' },
        section('verslag-titel', 'Verslag van de maand', reportFacts(run)),
        model ? section('model-titel', `Model versie ${model.version}`,
          h('p', {}, typeof m.auc === 'number' ? `AUC ${formatNumber(m.auc, 3)} · lift in de top ${m.topK ?? 100}: ${formatNumber(m.liftTopK ?? null, 1)}×` : 'AUC en lift niet gemeten (te weinig historiek)', model.active ? [' ', badge('actief')] : null),
          topFeatures(model),
          h('p', {}, h('a', { href: '#/screening/modellen' }, 'Alle modelversies'))) : null)));
}

// ----- one task ------------------------------------------------------------------------------------

/** One screening task and, while it is open, the form to code it. */
export async function renderScreeningTask(container: HTMLElement, id: string, flash?: string): Promise<void> {
  const back = { href: '#/screening', text: 'Terug naar de selectie' };
  const t = await loadDetail(container, back, () => get('/screening-tasks/{taskId}', undefined, { taskId: id }));
  if (!t) return;
  const [models, locationName] = await Promise.all([
    modelsByVersion(),
    get('/locations/{locationId}', undefined, { locationId: t.locationId }).then((l) => l.name).catch(() => null),
  ]);
  const model = t.modelVersion ? models.get(t.modelVersion) : undefined;
  const onUpdated = (updated: Task, message: string) => {
    void renderScreeningTask(container, updated.id, message);
  };
  const canCode = t.status === 'open' && hasRole(...screeners);
  const side = canCode ? h('aside', { class: 'commands panel', 'aria-label': 'Opdrachten' }, h('h2', {}, 'Opdrachten'),
    commandForm<Task, { code: string; motivation: string }>(`/screening-tasks/${encodeURIComponent(t.id)}`, onUpdated, {
      path: 'code',
      title: 'Screening coderen',
      submitLabel: 'Code vastleggen',
      hint: 'Verder onderzoek nodig zet een opvolging op het dossier (bv. een inspectie).',
      fields: [
        field('Code', select('code', options(labels.screeningCode), 'geen_risico')),
        field('Motivering', h('textarea', { name: 'motivation', rows: 4, required: true, minlength: 10, maxlength: 5000 }), 'Minstens 10 tekens: waarom deze code.'),
      ],
      toBody: (f) => ({ code: val(f, 'code'), motivation: val(f, 'motivation') }),
      done: 'Screening gecodeerd.',
    })) : null;
  const askInspection = t.code === 'verder_onderzoek_nodig' && hasRole('klantenbeheerder', 'teamcoordinator')
    ? h('p', {}, h('a', { class: 'button', href: `#/inspecties/nieuw?locatie=${encodeURIComponent(t.locationId)}&screening=${encodeURIComponent(t.id)}` }, 'Inspectie aanvragen voor deze locatie')) : null;
  detailPage(container, {
    title: `Screening ${t.id}`,
    titleClass: 'screening-title',
    badges: [badge(label(labels.screeningStatus, t.status)), ' ', badge(`Rang ${t.rank} in ${formatMonth(t.month)}`), t.code ? [' ', codeBadge(t.code)] : null, t.overdue ? [' ', badge('Te laat', 'late')] : null],
    back,
    onRefresh: () => void renderScreeningTask(container, t.id),
    flash,
    main: [
      section('scr-gegevens-titel', 'Gegevens', facts([
        ['Locatie', [locationName ? `${locationName} (${t.locationId})` : t.locationId, ' · ', h('a', { href: `#/dossiers/${encodeURIComponent(t.dossierId)}` }, `dossier ${t.dossierId}`)]],
        ['Team', label(labels.team, t.teamId)],
        ['Behandelaar', personLabel(t.assigneeId, { fallback: 'wachtrij van het team' })],
        ['Risicoscore', `${score(t.score)} (model versie ${t.modelVersion ?? '—'})`],
        ['Uiterlijk', t.dueAt && t.status === 'open' ? [when(t.dueAt), ` (${formatRelative(t.dueAt)})`] : '—'],
        t.code && ['Code', codeBadge(t.code)],
        t.motivation && ['Motivering', h('p', { class: 'description' }, t.motivation)],
        t.codedAt && ['Gecodeerd', [when(t.codedAt), t.codedBy ? ` door ${personLabel(t.codedBy)}` : '']],
        t.followUp && ['Opvolging', `${(t.followUp.kind ?? '').replace(/_/g, ' ')} (${t.followUp.status ?? ''})${t.followUp.note ? `: ${t.followUp.note}` : ''}`],
      ]), askInspection),
      model ? section('scr-model-titel', 'Waarom geselecteerd', h('p', { class: 'hint' }, 'Het model rangschikt op de kenmerken hieronder; bekijk het dossier om te beoordelen of er werkelijk een risico is.'), topFeatures(model)) : null,
      caseHistorySection('screening', t.id),
    ],
    side,
  });
}

// ----- model versions ------------------------------------------------------------------------------

/** The model versions with their AUC and lift; an admin activates another one. */
export async function renderRiskModels(container: HTMLElement, flash?: string): Promise<void> {
  const heading = h('h1', { tabindex: '-1', id: 'modellen-titel' }, 'Modelversies');
  const status = statusBox(flash ?? '');
  const errors = errorBox();
  const body = h('div', {}, h('p', { class: 'loading' }, 'Laden…'));
  container.replaceChildren(h('div', { class: 'title-bar page-title' }, heading), subNav('modellen'), status, errors, body);
  heading.focus();
  let models: Model[];
  try {
    models = (await get('/risk-models')).items ?? [];
  } catch (err) {
    showError(errors, err);
    body.replaceChildren();
    return;
  }
  const isAdmin = session.me?.role === 'admin';
  const activate = (m: Model) => {
    const send = submission();
    const button = h('button', { type: 'button', 'aria-label': `Versie ${m.version} activeren` }, 'Activeren');
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        await send.send(`/risk-models/${m.version}/activate`, {});
        await renderRiskModels(container, `Versie ${m.version} is actief: de volgende screening scoort ermee.`);
      } catch (err) {
        showError(errors, err);
        button.disabled = false;
      }
    });
    return button;
  };
  const active = models.find((m) => m.active);
  const cells = (m: Model): Child[] => {
    const x = (m.metrics ?? {}) as Metrics;
    const t = (m.training ?? {}) as Training;
    return [
      h('td', { class: 'num' }, `v${m.version}`),
      h('td', {}, m.active ? badge('actief') : h('span', { class: 'muted' }, 'niet actief')),
      h('td', { class: 'num' }, formatNumber(x.auc ?? null, 3)),
      h('td', { class: 'num' }, typeof x.liftTopK === 'number' ? `${formatNumber(x.liftTopK, 1)}×` : '—'),
      h('td', { class: 'num' }, formatNumber(x.trainAuc ?? null, 3)),
      h('td', {}, t.trainRows ? `${formatNumber(t.trainRows)} rijen, ${formatNumber(t.trainPositives ?? null)} positief · horizon ${t.horizonMonths ?? '—'} mnd` : '—'),
      h('td', {}, h('time', { datetime: m.createdAt }, formatDateTime(m.createdAt)), h('small', { class: 'muted block' }, personLabel(m.createdBy))),
      isAdmin ? h('td', {}, m.active ? '' : activate(m)) : null,
    ];
  };
  body.replaceChildren(
    h('section', { class: 'panel', 'aria-labelledby': 'versies-titel' },
      h('h2', { id: 'versies-titel' }, 'Versies, nieuwste eerst'),
      h('p', { class: 'hint' }, 'AUC en lift zijn gemeten op gegevens die het model bij de training niet zag (de laatste maanden van de historiek). Lift: hoeveel keer meer dossiers met latere handhaving in de top 100 dan bij een willekeurige keuze.'),
      models.length === 0 ? h('p', { class: 'muted' }, 'Nog geen model getraind.') :
        h('div', { class: 'table-wrap' }, h('table', { class: 'list models' },
          h('caption', { class: 'visually-hidden' }, 'Modelversies met hun kwaliteit'),
          h('thead', {}, h('tr', {}, [...['Versie', 'Status', 'AUC', `Lift top ${((models[0]?.metrics ?? {}) as Metrics).topK ?? 100}`, 'AUC training', 'Training', 'Aangemaakt'], ...(isAdmin ? ['Actie'] : [])].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, models.map((m) => h('tr', { class: m.active ? 'active' : null }, cells(m))))))),
    active ? h('section', { class: 'panel', 'aria-labelledby': 'actief-titel' }, h('h2', { id: 'actief-titel' }, `Actief model: versie ${active.version}`), topFeatures(active, 10)) : '');
}
