import { runPhases, screeningCodes } from '../../workflows/screening/definitions.js';
import { closedObject, idString, instant, listOf, listQueryOf, nullableInstant, nullableString, placeOf } from './common.js';

/**
 * A month of a plausible year (1900–2199, as every date the API takes: api/validation.ts): `1899-12`
 * matches the workflows' monthPatternSource but no screening, model or history lies there.
 */
const plausibleMonthPattern = '^(19[0-9]{2}|2[01][0-9]{2})-(0[1-9]|1[0-2])$';
const month = { type: 'string', pattern: plausibleMonthPattern, description: "A month, 'YYYY-MM' (Brussels time), 1900-01 to 2199-12" } as const;
const freeObject = { type: 'object', additionalProperties: true } as const;

export const monthParams = closedObject({ month }, ['month']);

export const taskParams = closedObject({ taskId: idString }, ['taskId']);

export const triggerRunBody = closedObject({
  month: { ...month, description: 'The month to screen; default: the current month' },
  selectionSize: { type: 'integer', minimum: 1, maximum: 1_000, description: 'N for this run; default SCREENING_SELECTION_SIZE' },
});

export const codeBody = closedObject({
  code: { type: 'string', enum: [...screeningCodes] },
  motivation: { type: 'string', minLength: 1, maxLength: 5_000, description: 'Why this code (at least 10 characters)' },
}, ['code', 'motivation']);

export const trainBody = closedObject({
  horizonMonths: { type: 'integer', minimum: 1, maximum: 12, default: 6, description: 'Label: enforcement or advice to enforce within this many months' },
  activate: { type: 'boolean', default: true, description: 'Make the new version the one scoring uses' },
});

export const taskListQuery = listQueryOf({
  month,
  status: { type: 'string', enum: ['open', 'gecodeerd'] },
  code: { type: 'string', enum: [...screeningCodes] },
  teamId: idString,
  assigneeId: idString,
  dossierId: idString,
  overdue: { type: 'boolean' },
});

export const reportQuery = closedObject({ month });

/** What a run counts while it runs (its progress) and reports when it is done. */
const runCounts = {
  scored: { type: 'integer', description: 'Locations scored' },
  selected: { type: 'integer', description: 'Dossiers selected for screening' },
  tasksOpened: { type: 'integer', description: 'Screening tasks opened for the selection' },
} as const;

export const reportSchema = {
  $id: 'ScreeningReport',
  type: 'object',
  required: ['scored', 'selected', 'tasksOpened', 'screened', 'open', 'overdue', 'perCode', 'uniqueDossiersScreened', 'shareRisk'],
  properties: {
    ...runCounts,
    screened: { type: 'integer', description: 'Tasks coded' },
    open: { type: 'integer' },
    overdue: { type: 'integer' },
    perCode: {
      type: 'object',
      required: [...screeningCodes],
      properties: Object.fromEntries(screeningCodes.map((c) => [c, { type: 'integer' }])),
    },
    uniqueDossiersScreened: { type: 'integer' },
    shareRisk: { type: ['number', 'null'], description: 'Share of the screened tasks coded risico' },
  },
} as const;

export const followUpSchema = {
  type: ['object', 'null'],
  properties: {
    kind: { type: 'string' },
    status: { type: 'string' },
    note: { type: 'string' },
    createdAt: instant,
  },
} as const;

export const taskSchema = {
  $id: 'ScreeningTask',
  type: 'object',
  required: ['id', 'month', 'dossierId', 'locationId', 'rank', 'score', 'status'],
  properties: {
    id: { type: 'string' },
    month: { type: 'string' },
    workflowId: { type: 'string' },
    ...placeOf('dossierId', 'locationId'),
    teamId: nullableString,
    assigneeId: nullableString,
    rank: { type: 'integer' },
    score: { type: 'number', description: 'The model\'s estimated probability; a proposal only' },
    modelVersion: { type: 'integer' },
    status: { type: 'string', enum: ['open', 'gecodeerd'] },
    code: { ...nullableString, description: 'risico, geen_risico or verder_onderzoek_nodig once coded' },
    motivation: nullableString,
    codedBy: nullableString,
    codedAt: nullableInstant,
    dueAt: nullableInstant,
    overdue: { type: 'boolean' },
    followUp: followUpSchema,
    firedRungs: { type: 'array', items: { type: 'string' } },
  },
} as const;

export const progressSchema = {
  type: 'object',
  properties: {
    phase: { type: 'string', enum: [...runPhases] },
    totalLocations: { type: 'integer' },
    batches: { type: 'integer' },
    ...runCounts,
  },
} as const;

export const runSchema = {
  $id: 'ScreeningRun',
  type: 'object',
  required: ['month', 'status', 'progress'],
  properties: {
    month: { type: 'string' },
    status: { type: 'string', enum: ['gestart', 'lopend', 'afgerond'] },
    workflowId: { type: 'string' },
    modelVersion: { type: ['integer', 'null'] },
    selectionSize: { type: 'integer' },
    triggeredBy: nullableString,
    startedAt: nullableInstant,
    completedAt: nullableInstant,
    progress: progressSchema,
    selection: listOf({
      rank: { type: 'integer' },
      ...placeOf('dossierId', 'locationId', 'locationName'),
      teamId: nullableString,
      score: { type: 'number' },
      taskId: { type: 'string', description: 'The dossier\'s task, when it lies in the caller\'s scope (docs/access.md); absent otherwise' },
      status: { ...nullableString, description: 'The task\'s status; null outside the caller\'s scope' },
      code: { ...nullableString, description: 'The task\'s code; null outside the caller\'s scope' },
    }),
    report: { $ref: 'ScreeningReport#' },
  },
} as const;

export const modelSchema = {
  $id: 'RiskModel',
  type: 'object',
  required: ['version', 'active', 'createdAt', 'metrics'],
  properties: {
    version: { type: 'integer' },
    active: { type: 'boolean' },
    createdAt: instant,
    createdBy: { type: 'string' },
    metrics: { ...freeObject, description: 'auc and liftTopK (means over the held-out cut-offs), topK, trainAuc, per cut-off figures' },
    training: { ...freeObject, description: 'Cut-offs, horizon, rows, penalty, duration' },
    intercept: { type: 'number' },
    coefficients: listOf({ feature: { type: 'string' }, weight: { type: 'number' } }),
  },
} as const;
