import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  deleteWorkFilter,
  findWorkFilter,
  listWork,
  listWorkFilters,
  saveWorkFilter,
  type WorkProcess,
  workProcesses,
  type WorkRow,
  type WorkScope,
  JURIST_REVIEW,
} from '../../db/repositories/work.js';
import { staffReaders, type Role } from '../../db/tables/reference.js';
import type { WorkFilterRow } from '../../db/tables/work-surfaces.js';
import type { AppDependencies } from '../dependencies.js';
import { DueRuleExplainer, type DueRule } from '../work/due-rule.js';
import { viewerOf } from '../access/viewer.js';
import { forbidden, notFound } from '../problems.js';
import { errorResponses, idPattern } from '../schemas/common.js';

/** Who may see whose work (docs/work-surfaces.md, "Scope"). */
interface WorkParams {
  teamId?: string;
  assignee?: string;
  process?: WorkProcess[];
  overdue?: boolean;
}

const meldingStaff: Role[] = ['klantenbeheerder', 'crisiscoordinator', 'teamcoordinator'];
const coordinators: Role[] = ['teamcoordinator', 'crisiscoordinator'];

export const dueRuleSchema = {
  type: 'object',
  description: 'Which rule set the due moment and how it was counted (Dutch text for the UI).',
  required: ['kind', 'label', 'text', 'startAt', 'budget', 'skipped', 'adjusted', 'paused'],
  properties: {
    kind: { type: 'string', description: 'Deadline kind (report_follow_up, crisis_report_acknowledgement, screening, inspection_planning, inspection_report) or enforcement term (hoortermijn, bezwaartermijn, hersteltermijn, mentes_contact, …).' },
    label: { type: 'string' },
    text: { type: 'string', examples: ['24 uur na ontvangst: vr 3 apr 17:00 → za 4 apr 17:00'] },
    startAt: { type: ['string', 'null'], format: 'date-time' },
    budget: {
      type: ['object', 'null'],
      required: ['unit', 'amount'],
      properties: { unit: { type: 'string', enum: ['hours', 'calendar_days', 'working_days'] }, amount: { type: 'number' } },
    },
    skipped: {
      type: 'array',
      items: { type: 'object', required: ['date', 'reason'], properties: { date: { type: 'string', format: 'date' }, reason: { type: 'string' } } },
    },
    adjusted: { type: 'boolean', description: 'The due moment differs from the rule: extended or paused and resumed.' },
    paused: { type: 'boolean' },
  },
} as const;

const actionSchema = {
  type: 'object',
  required: ['rel', 'title', 'method', 'href', 'roles', 'allowed'],
  properties: {
    rel: { type: 'string', description: 'acknowledge, assign (reassign), link, feedback, close, review, code, cancel, view, …' },
    title: { type: 'string' },
    method: { type: 'string', enum: ['GET', 'POST'] },
    href: { type: 'string' },
    roles: { type: 'array', items: { type: 'string' } },
    allowed: { type: 'boolean', description: 'Whether the signed-in user has a role that may do it.' },
  },
} as const;

export const workItemSchema = {
  type: 'object',
  required: ['process', 'id', 'title', 'summary', 'phase', 'variant', 'waitingFor', 'dossierId', 'locationId', 'locationName', 'municipality', 'teamId',
    'assigneeId', 'assigneeName', 'dueAt', 'overdue', 'dueRule', 'href', 'actions'],
  properties: {
    process: { type: 'string', enum: [...workProcesses] },
    id: { type: 'string' },
    title: { type: 'string' },
    summary: { type: ['string', 'null'] },
    phase: { type: 'string', description: 'melding: its phase; handhaving: step/block; screening: status; inspectie: status' },
    variant: { type: ['string', 'null'], description: 'melding: triage; handhaving: dringend|gewoon; screening: month; inspectie: urgency' },
    waitingFor: { type: ['string', 'null'] },
    dossierId: { type: ['string', 'null'] },
    locationId: { type: ['string', 'null'] },
    locationName: { type: ['string', 'null'] },
    municipality: { type: ['string', 'null'] },
    teamId: { type: ['string', 'null'] },
    assigneeId: { type: ['string', 'null'] },
    assigneeName: { type: ['string', 'null'], description: 'null with assigneeId null: the team queue (or, for handhaving, the jurists).' },
    dueAt: { type: ['string', 'null'], format: 'date-time' },
    overdue: { type: 'boolean' },
    dueRule: dueRuleSchema,
    href: { type: 'string', description: 'The item in its own API.' },
    actions: { type: 'array', items: actionSchema },
  },
} as const;

const filterBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    teamId: { type: 'string', pattern: idPattern },
    assignee: { type: 'string', pattern: idPattern },
    process: { type: 'array', items: { type: 'string', enum: [...workProcesses] }, maxItems: 4, uniqueItems: true },
    overdue: { type: 'boolean' },
  },
} as const;

const filterSchema = {
  type: 'object',
  required: ['name', 'filter', 'createdAt', 'updatedAt'],
  properties: {
    name: { type: 'string' },
    filter: filterBody,
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
} as const;

const filterParams = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', pattern: '^[A-Za-z0-9 _.:-]{1,64}$' } },
} as const;

const filterView = (row: WorkFilterRow) => ({
  name: row.name,
  filter: row.filter,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

/** Teams whose coordinator sees every team (the central team lead), like admin. */
const CENTRAL_TEAM = 'team-centraal';

export function seesAllTeams(user: { role: Role; teamId: string | null }): boolean {
  return user.role === 'admin' || (user.role === 'teamcoordinator' && user.teamId === CENTRAL_TEAM);
}

/**
 * The scope a caller asked for, or 403 when it is not theirs to see. The work of every team is case
 * content (docs/access.md): an admin, and the central team's coordinator, see it only under
 * break-glass; without it an admin has no work of their own, and the central coordinator their team's.
 */
function scopeFor(request: FastifyRequest, p: WorkParams, breakGlass: boolean): WorkScope {
  const user = request.user!;
  const self = !p.teamId && (!p.assignee || p.assignee === user.id);
  if (seesAllTeams(user) && breakGlass) {
    if (self && !p.teamId && !p.assignee && user.role === 'admin') return { kind: 'team', teamId: null };
    if (self) return { kind: 'person', userId: user.id, role: user.role, teamId: user.teamId };
    return { kind: 'team', teamId: p.teamId ?? null, assigneeId: p.assignee };
  }
  if (user.role === 'admin') {
    if (self) return { kind: 'person', userId: user.id, role: user.role, teamId: user.teamId };
    throw forbidden('An admin sees the work of teams only under break-glass (docs/access.md)');
  }
  if (user.role === 'teamcoordinator') {
    if (self) return { kind: 'person', userId: user.id, role: user.role, teamId: user.teamId };
    if (p.teamId && p.teamId !== user.teamId) throw forbidden(`A team coordinator sees the work of their own team (${user.teamId}) only`);
    return { kind: 'team', teamId: user.teamId, assigneeId: p.assignee };
  }
  if (!self) throw forbidden('Only a team coordinator (own team) or an admin may see the work of others');
  return { kind: 'person', userId: user.id, role: user.role, teamId: user.teamId };
}

export default async function workRoutes(app: FastifyInstance, deps: AppDependencies) {
  const explainer = new DueRuleExplainer(deps.settings);
  const kinds = deps.settings.deadlineKinds;
  const terms = deps.settings.enforcement();

  function dueRuleOf(row: WorkRow): DueRule {
    const due = row.due_at;
    switch (row.process) {
      case 'melding': {
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
      case 'screening': {
        const k = kinds.screening;
        if (!row.start_at) return explainer.none(k.kind, k.label, k.label);
        return explainer.fromKind(k, row.start_at, 'selectie', due);
      }
      case 'inspectie': {
        if (row.phase === 'eindverslag') return explainer.none('opvolging_verslag', 'Eindverslag opvolgen', 'Eindverslag ontvangen: geen wettelijke termijn; zichtbaar tot 14 dagen na ontvangst.');
        const planning = row.variant === 'spoed' && ['aangevraagd', 'ontvangen'].includes(row.phase);
        const k = planning ? kinds.inspection_planning : kinds.inspection_report;
        if (!row.start_at) return explainer.none(k.kind, k.label, k.label);
        return explainer.fromKind(k, row.start_at, 'de aanvraag', due);
      }
      case 'handhaving': {
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
    }
  }

  /** Without the stored label (older projections): the term the step's block runs. */
  function guessEnforcementLabel(row: WorkRow): string {
    const [step, block] = row.phase.split('/');
    if (step === 'voornemen' && block === 'opvolging') return 'Einde hoortermijn';
    if (step === 'aanmaning' && block === 'opvolging') return 'Hersteltermijn of contact door Mentes';
    if ((step === 'beslissing' || step === 'dringende_beslissing') && block === 'opvolging') return 'Einde bezwaartermijn of einde schorsing';
    return 'Termijn van de stap';
  }

  function actionsOf(row: WorkRow, role: Role) {
    const a = (rel: string, title: string, method: 'GET' | 'POST', href: string, roles: readonly Role[]) => ({ rel, title, method, href, roles: [...roles], allowed: roles.includes(role) });
    const base = { melding: `/meldingen/${row.id}`, handhaving: `/handhaving/${row.id}`, screening: `/screening-tasks/${row.id}`, inspectie: `/inspections/${row.id}` }[row.process];
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
    } else if (row.process === 'screening') {
      list.push(a('code', 'Coderen (risico, geen risico, verder onderzoek nodig)', 'POST', `${base}/code`, ['klantenbeheerder', 'teamcoordinator']));
    } else if (row.process === 'inspectie' && row.phase !== 'eindverslag') {
      list.push(a('cancel', 'Inspectieaanvraag annuleren', 'POST', `${base}/cancel`, ['klantenbeheerder', 'teamcoordinator', 'crisiscoordinator']));
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

  const toItem = (role: Role) => (row: WorkRow) => ({
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
    href: { melding: `/meldingen/${row.id}`, handhaving: `/handhaving/${row.id}`, screening: `/screening-tasks/${row.id}`, inspectie: `/inspections/${row.id}` }[row.process],
    actions: actionsOf(row, role),
  });

  app.get<{ Querystring: WorkParams & { filter?: string; limit: number; offset: number } }>('/work', {
    config: { roles: staffReaders },
    schema: {
      tags: ['work'],
      summary: 'Mijn werk: one inbox across processes, overdue first, then by due moment',
      description:
        'Without parameters: the signed-in person\'s own work (an admin under break-glass: all open work). `teamId` and `assignee` ask for a team\'s ' +
        'work: a team coordinator for their own team only (403 otherwise); an admin or the central team coordinator for any, under break-glass only (docs/access.md). ' +
        '`filter` applies a saved filter (GET /work/filters) under the explicit parameters. Each item says which rule set its due ' +
        'moment (`dueRule`) and lists its commands (`actions`, with `assign` to reassign a report).',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          teamId: { type: 'string', pattern: idPattern },
          assignee: { type: 'string', pattern: idPattern },
          process: { type: 'array', items: { type: 'string', enum: [...workProcesses] }, maxItems: 4 },
          overdue: { type: 'boolean' },
          filter: filterParams.properties.name,
          limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
          offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
        },
      },
      response: {
        200: {
          type: 'object',
          required: ['items', 'total', 'limit', 'offset', 'scope'],
          properties: {
            items: { type: 'array', items: workItemSchema },
            total: { type: 'integer' },
            limit: { type: 'integer' },
            offset: { type: 'integer' },
            scope: {
              type: 'object',
              required: ['kind', 'userId', 'teamId', 'assigneeId'],
              properties: {
                kind: { type: 'string', enum: ['person', 'team'] },
                userId: { type: ['string', 'null'] },
                teamId: { type: ['string', 'null'] },
                assigneeId: { type: ['string', 'null'] },
              },
            },
          },
        },
        ...errorResponses(400, 404),
      },
    },
  }, async (request) => {
    const { filter, limit, offset, ...explicit } = request.query;
    let params: WorkParams = explicit;
    if (filter) {
      const saved = await findWorkFilter(deps.db, request.user!.id, filter);
      if (!saved) throw notFound(`Saved filter ${filter}`);
      params = { ...(saved.filter as WorkParams), ...explicit };
    }
    const scope = scopeFor(request, params, (await viewerOf(request, deps.db)).breakGlass);
    const { rows, total } = await listWork(deps.db, { scope, processes: params.process, overdue: params.overdue, limit, offset });
    return {
      items: rows.map(toItem(request.user!.role)),
      total,
      limit,
      offset,
      scope: scope.kind === 'person'
        ? { kind: 'person', userId: scope.userId, teamId: scope.teamId, assigneeId: scope.userId }
        : { kind: 'team', userId: null, teamId: scope.teamId, assigneeId: scope.assigneeId ?? null },
    };
  });

  // ----- saved filters --------------------------------------------------------------------------

  app.get('/work/filters', {
    config: { roles: staffReaders },
    schema: {
      tags: ['work'],
      summary: 'The signed-in user\'s saved filters of Mijn werk',
      response: { 200: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: filterSchema } } }, ...errorResponses() },
    },
  }, async (request) => ({ items: (await listWorkFilters(deps.db, request.user!.id)).map(filterView) }));

  app.put<{ Params: { name: string }; Body: WorkParams }>('/work/filters/:name', {
    config: { roles: staffReaders },
    schema: {
      tags: ['work'],
      summary: 'Save (create or replace) a filter of Mijn werk under a name',
      description: 'The filter is checked against the caller\'s scope when saved (403 for a team that is not theirs) and again when used.',
      params: filterParams,
      body: filterBody,
      response: { 200: filterSchema, 201: filterSchema, ...errorResponses(400, 413, 415) },
    },
  }, async (request, reply) => {
    scopeFor(request, request.body, (await viewerOf(request, deps.db)).breakGlass);
    const { row, created } = await saveWorkFilter(deps.db, request.user!.id, request.params.name, request.body as Record<string, unknown>);
    return reply.code(created ? 201 : 200).send(filterView(row));
  });

  app.delete<{ Params: { name: string } }>('/work/filters/:name', {
    config: { roles: staffReaders },
    schema: {
      tags: ['work'],
      summary: 'Delete a saved filter',
      params: filterParams,
      response: { 204: { type: 'null', description: 'Deleted' }, ...errorResponses(404) },
    },
  }, async (request, reply) => {
    if (!(await deleteWorkFilter(deps.db, request.user!.id, request.params.name))) throw notFound(`Saved filter ${request.params.name}`);
    return reply.code(204).send();
  });
}
