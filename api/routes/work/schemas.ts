import { workProcesses } from '../../../db/repositories/work.js';
import { closedObject, idString, instant, nullableInstant, nullableString, pageOf, paging } from '../../schemas/common.js';

// The shapes of Mijn werk (docs/work-surfaces.md): its items and their due rule and actions, the
// page of the inbox, and the saved filters.

export const dueRuleSchema = {
  type: 'object',
  description: 'Which rule set the due moment and how it was counted (Dutch text for the UI).',
  required: ['kind', 'label', 'text', 'startAt', 'budget', 'skipped', 'adjusted', 'paused'],
  properties: {
    kind: { type: 'string', description: 'Deadline kind (report_follow_up, crisis_report_acknowledgement, screening, inspection_planning, inspection_report) or enforcement term (hoortermijn, bezwaartermijn, hersteltermijn, mentes_contact, …).' },
    label: { type: 'string' },
    text: { type: 'string', examples: ['24 uur na ontvangst: vr 3 apr 17:00 → za 4 apr 17:00'] },
    startAt: nullableInstant,
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
    summary: nullableString,
    phase: { type: 'string', description: 'melding: its phase; handhaving: step/block; screening: status; inspectie: status' },
    variant: { ...nullableString, description: 'melding: triage; handhaving: dringend|gewoon; screening: month; inspectie: urgency' },
    waitingFor: nullableString,
    dossierId: nullableString,
    locationId: nullableString,
    locationName: nullableString,
    municipality: nullableString,
    teamId: nullableString,
    assigneeId: nullableString,
    assigneeName: { ...nullableString, description: 'null with assigneeId null: the team queue (or, for handhaving, the jurists).' },
    dueAt: nullableInstant,
    overdue: { type: 'boolean' },
    dueRule: dueRuleSchema,
    href: { type: 'string', description: 'The item in its own API.' },
    actions: { type: 'array', items: actionSchema },
  },
} as const;

/** Whose work, of which processes: the inbox's parameters, and what a saved filter holds. */
const workFilterProperties = {
  teamId: idString,
  assignee: idString,
  process: { type: 'array', items: { type: 'string', enum: [...workProcesses] }, maxItems: 4 },
  overdue: { type: 'boolean' },
} as const;

export const filterBody = closedObject({ ...workFilterProperties, process: { ...workFilterProperties.process, uniqueItems: true } });

export const filterSchema = {
  type: 'object',
  required: ['name', 'filter', 'createdAt', 'updatedAt'],
  properties: { name: { type: 'string' }, filter: filterBody, createdAt: instant, updatedAt: instant },
} as const;

export const filterParams = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', pattern: '^[A-Za-z0-9 _.:-]{1,64}$' } },
} as const;

export const workQuery = closedObject({ ...workFilterProperties, filter: filterParams.properties.name, ...paging({ defaultLimit: 100 }) });

export const workPage = pageOf(workItemSchema, {
  scope: {
    type: 'object',
    required: ['kind', 'userId', 'teamId', 'assigneeId'],
    properties: { kind: { type: 'string', enum: ['person', 'team'] }, userId: nullableString, teamId: nullableString, assigneeId: nullableString },
  },
});
