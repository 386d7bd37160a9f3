import { JURIST_REVIEW, type WorkRow } from '../../../db/repositories/work.js';
import { staffReaders, type Role } from '../../../db/tables/reference.js';
import type { ProcessSettings } from '../../../workflows/settings.js';
import { DueRuleExplainer, type DueRule } from '../../work/due-rule.js';
import { reassigners } from '../../commands/assign.js';

// An item of Mijn werk (docs/work-surfaces.md): a row of the work projection with its title, the
// rule that set its due moment and the commands it offers.

const meldingStaff: Role[] = ['klantenbeheerder', 'crisiscoordinator', 'teamcoordinator'];
const coordinators: Role[] = ['teamcoordinator', 'crisiscoordinator'];

/** The item in its own API. */
function hrefOf(row: WorkRow): string {
  return { melding: `/meldingen/${row.id}`, handhaving: `/handhaving/${row.id}`, screening: `/screening-tasks/${row.id}`, inspectie: `/inspections/${row.id}` }[row.process];
}

/** Without the stored label (older projections): the term the step's block runs. */
function guessEnforcementLabel(row: WorkRow): string {
  const [step, block] = row.phase.split('/');
  if (step === 'voornemen' && block === 'opvolging') return 'Einde hoortermijn';
  if (step === 'aanmaning' && block === 'opvolging') return 'Hersteltermijn of contact door Mentes';
  if ((step === 'beslissing' || step === 'dringende_beslissing') && block === 'opvolging') return 'Einde bezwaartermijn of einde schorsing';
  return 'Termijn van de stap';
}

/** Which rule set each process's due moment, from the configured deadline kinds and enforcement terms. */
function dueRules(settings: ProcessSettings) {
  const explainer = new DueRuleExplainer(settings);
  const kinds = settings.deadlineKinds;
  const terms = settings.enforcement();

  function melding(row: WorkRow, due: Date | null): DueRule {
    if (row.phase === 'te_koppelen') return explainer.none('geen', 'Nog geen termijn', 'De termijn start bij het koppelen aan een locatie (regulier: geteld vanaf ontvangst).');
    if (row.variant === 'crisis') {
      const k = kinds.crisis_report_acknowledgement;
      if (row.paused) return { ...explainer.none(k.kind, k.label, `${k.label}: termijn opgeschort, loopt nu niet`), paused: true };
      if (!due) return explainer.none(k.kind, k.label, 'Opgenomen: geen lopende termijn.');
      return explainer.backFrom(k.kind, k.label, k.budget, 'toewijzing aan de crisiscoördinator', due);
    }
    const k = kinds.report_follow_up;
    if (!due && !row.paused) return explainer.none(k.kind, k.label, 'Opgenomen: geen lopende termijn.');
    return explainer.fromKind(k, row.start_at!, 'ontvangst', due, row.paused);
  }

  function inspectie(row: WorkRow, due: Date | null): DueRule {
    if (row.phase === 'eindverslag') return explainer.none('opvolging_verslag', 'Eindverslag opvolgen', 'Eindverslag ontvangen: geen wettelijke termijn; zichtbaar tot 14 dagen na ontvangst.');
    const planning = row.variant === 'spoed' && ['aangevraagd', 'ontvangen'].includes(row.phase);
    const k = planning ? kinds.inspection_planning : kinds.inspection_report;
    if (!row.start_at) return explainer.none(k.kind, k.label, k.label);
    return explainer.fromKind(k, row.start_at, 'de aanvraag', due);
  }

  function handhaving(row: WorkRow, due: Date | null): DueRule {
    if (!due) return explainer.none('geen', 'Geen termijn', 'Geen lopende termijn: de stap wacht op een handeling.');
    const label = row.due_label ?? guessEnforcementLabel(row);
    if (/hoortermijn/i.test(label)) {
      return explainer.backFrom('hoortermijn', label, { unit: 'working_days', amount: terms.hearingTermWorkingDays }, 'verzending van het voornemen', due);
    }
    if (/bezwaartermijn/i.test(label)) {
      return explainer.backFrom('bezwaartermijn', label, { unit: 'calendar_days', amount: terms.objectionTermDays }, 'de beslissing', due);
    }
    if (/mentes/i.test(label)) {
      return explainer.backFrom('mentes_contact', label, { unit: 'working_days', amount: terms.mentesContactWorkingDays }, 'verzending van de aanmaning', due);
    }
    if (/herstel/i.test(label)) return explainer.fixed('hersteltermijn', label, due, 'hersteldatum door de klantenbeheerder vastgelegd in de aanmaning');
    if (/schorsing/i.test(label)) return explainer.fixed('einde_schorsing', label, due, 'einddatum in de beslissing tot schorsing');
    return explainer.fixed('handhaving', label, due, 'termijn van de stap');
  }

  function screening(row: WorkRow, due: Date | null): DueRule {
    const k = kinds.screening;
    if (!row.start_at) return explainer.none(k.kind, k.label, k.label);
    return explainer.fromKind(k, row.start_at, 'selectie', due);
  }

  const byProcess = { melding, inspectie, handhaving, screening };
  return (row: WorkRow): DueRule => byProcess[row.process](row, row.due_at);
}

function actionsOf(row: WorkRow, role: Role) {
  const a = (rel: string, title: string, method: 'GET' | 'POST', href: string, roles: readonly Role[]) => ({ rel, title, method, href, roles: [...roles], allowed: roles.includes(role) });
  const base = hrefOf(row);
  const list = [a('view', 'Bekijken', 'GET', base, staffReaders)];
  if (row.process === 'melding') {
    if (row.phase === 'te_koppelen') list.push(a('link', 'Koppelen aan een locatie', 'POST', `${base}/link`, meldingStaff));
    if (row.phase === 'toegewezen') list.push(a('acknowledge', row.variant === 'crisis' ? 'Crisismelding opnemen' : 'Melding opnemen', 'POST', `${base}/acknowledge`, meldingStaff));
    if (row.phase === 'in_behandeling') {
      list.push(a('feedback', 'Terugkoppeling aan de melder', 'POST', `${base}/feedback`, meldingStaff));
      list.push(a('close', 'Afsluiten met opvolging', 'POST', `${base}/close`, meldingStaff));
    }
    list.push(a('assign', 'Toewijzen aan iemand anders', 'POST', `${base}/assign`, coordinators));
    if (row.due_at) list.push(a('extend', 'Termijn verlengen', 'POST', `${base}/deadline/extend`, coordinators));
  } else if (row.process === 'handhaving') {
    if (row.waiting_for === JURIST_REVIEW) list.push(a('review', 'Juridisch nazicht: goedkeuren of opmerkingen', 'POST', `${base}/review`, ['jurist']));
    list.push(a('close', 'Handhaving afsluiten', 'POST', `${base}/close`, ['klantenbeheerder', 'teamcoordinator']));
    list.push(a('assign', 'Andere klantenbeheerder toewijzen', 'POST', `${base}/assign`, reassigners));
  } else if (row.process === 'screening') {
    list.push(a('code', 'Coderen (risico, geen risico, verder onderzoek nodig)', 'POST', `${base}/code`, ['klantenbeheerder', 'teamcoordinator']));
    list.push(a('assign', 'Toewijzen aan iemand anders', 'POST', `${base}/assign`, reassigners));
  } else if (row.process === 'inspectie' && row.phase !== 'eindverslag') {
    list.push(a('cancel', 'Inspectieaanvraag annuleren', 'POST', `${base}/cancel`, ['klantenbeheerder', 'teamcoordinator', 'crisiscoordinator']));
    list.push(a('assign', 'Opvolging toewijzen aan iemand anders', 'POST', `${base}/assign`, reassigners));
  }
  return list;
}

function titleOf(row: WorkRow): string {
  switch (row.process) {
    case 'melding':
      if (row.phase === 'te_koppelen') return 'Melding koppelen aan een locatie';
      if (row.phase === 'toegewezen') return row.variant === 'crisis' ? 'Crisismelding opnemen' : row.assignee_id ? 'Melding opnemen' : 'Melding oppakken (teamwachtrij)';
      return row.variant === 'crisis' ? 'Crisismelding afhandelen' : 'Melding afhandelen en afsluiten';
    case 'handhaving': {
      const step = row.phase.split('/')[0]!.replace('_', ' ');
      return `Handhaving (${step}): ${row.waiting_for ?? 'volgende stap'}`;
    }
    case 'screening':
      return `Risicoscreening ${row.variant} coderen`;
    case 'inspectie':
      if (row.phase === 'eindverslag') return 'Inspectieverslag lezen en opvolgen';
      return row.overdue ? 'Inspectie over termijn: Zorginspectie aanmanen' : `Inspectie ${row.phase.replace('_', ' ')} (wacht op Zorginspectie)`;
  }
}

/** The items of Mijn werk for a caller of the given role: `workItems(settings)(role)` maps the rows. */
export function workItems(settings: ProcessSettings) {
  const dueRuleOf = dueRules(settings);
  return (role: Role) => (row: WorkRow) => ({
    process: row.process,
    id: row.id,
    title: titleOf(row),
    summary: row.summary,
    phase: row.phase,
    variant: row.variant,
    waitingFor: row.waiting_for,
    dossierId: row.dossier_id,
    locationId: row.location_id,
    locationName: row.location_name,
    municipality: row.municipality,
    teamId: row.team_id,
    assigneeId: row.assignee_id,
    assigneeName: row.assignee_name,
    dueAt: row.due_at?.toISOString() ?? null,
    overdue: row.overdue,
    dueRule: dueRuleOf(row),
    href: hrefOf(row),
    actions: actionsOf(row, role),
  });
}
