import { channels, followUpKinds, phases, sources, triages } from '../../workflows/melding/definitions.js';
import { categories, crisisCategories } from '../../workflows/melding/triage.js';
import {
  budgetSchema,
  closedObject,
  idempotencyHeaders,
  idParams,
  idString,
  instant as isoInstant,
  listOf,
  listQueryOf,
  liveStateEnd,
  liveStateSchema,
  nullableInstant,
  nullableString,
  placeOf,
  registerRecordSchema,
  stringList,
} from './common.js';

export { idempotencyHeaders };

// A reason must say something: blanks only are refused here (the deadline would refuse them later).
const reason = { type: 'string', minLength: 3, maxLength: 2_000, pattern: '\\S' } as const;

export const intakeBody = closedObject({
  source: { type: 'string', enum: [...sources], description: 'derde, voorziening, parket, or klantenbeheerder (reached a case manager by e-mail)' },
  channel: { type: 'string', enum: [...channels] },
  receivedAt: { ...isoInstant, description: 'When the report reached the agency; default: now' },
  externalRef: { type: 'string', minLength: 1, maxLength: 100, description: 'E.g. the Klaroen number; sending it again returns the same report' },
  reporter: {
    ...closedObject({
      name: { type: 'string', minLength: 1, maxLength: 200 },
      email: { type: 'string', format: 'email', maxLength: 200 },
      phone: { type: 'string', pattern: '^[0-9 +()./-]{6,30}$' },
    }),
    description: 'Personal data; leave out for an anonymous report',
  },
  location: closedObject({ locationId: idString, organiserId: idString, addressText: { type: 'string', minLength: 3, maxLength: 300 } }),
  description: { type: 'string', minLength: 3, maxLength: 20_000 },
  categories: {
    type: 'array',
    maxItems: 20,
    uniqueItems: true,
    items: { type: 'string', enum: [...categories] },
    description: `The triage rule proposes crisis for ${crisisCategories.join(', ')} (\`strafonderzoek\`: a criminal ` +
      'investigation of a person working with the children, an integrity risk) and for every report from the parket.',
  },
  immediateDanger: { type: 'boolean', default: false, description: 'The reporter says a child is in danger now' },
}, ['source', 'channel', 'description', 'categories']);

const deadlineSchema = {
  type: ['object', 'null'],
  properties: {
    id: { type: 'string' },
    kind: { type: 'string' },
    state: { type: 'string', enum: ['running', 'paused'] },
    anchor: { type: 'string' },
    budget: budgetSchema,
    extensionTotal: { type: 'number' },
    extensionCap: { type: 'number' },
    changes: listOf({
      type: { type: 'string' },
      at: { type: 'string' },
      actor: { type: 'string' },
      reason: { type: 'string' },
      basis: { type: 'string' },
      amount: { type: 'number' },
    }),
  },
} as const;

const followUpSchema = closedObject({
  kind: { type: 'string', enum: [...followUpKinds] },
  note: { type: 'string', maxLength: 2_000 },
  forwardedTo: { type: 'string', enum: ['parket', 'VECK'] },
}, ['kind']);

/** The live state of the report's workflow. */
export const meldingStateSchema = liveStateSchema('MeldingState', {
  meldingId: { type: 'string' },
  phase: { type: 'string', enum: [...phases] },
  receivedAt: { type: 'string' },
  triageProposed: { type: 'string', enum: [...triages] },
  triageReasons: stringList,
  triage: { type: 'string', enum: [...triages] },
  triageConfirmed: { type: 'boolean' },
  link: {
    type: ['object', 'null'],
    properties: placeOf('locationId', 'locationName', 'organiserId', 'dossierId', 'teamId', 'caseManagerId'),
  },
  assigneeId: nullableString,
  teamId: nullableString,
  deadline: deadlineSchema,
  dueAt: nullableString,
  deadlineMet: { type: 'boolean' },
  overdue: { type: 'boolean' },
  firedRungs: stringList,
  feedback: {
    type: ['object', 'null'],
    properties: { at: { type: 'string' }, channel: { type: 'string' }, outboxKey: nullableString },
  },
  followUps: { type: 'array', items: followUpSchema },
  ...liveStateEnd,
});

/** The register's record (PostgreSQL) with the live workflow state when the workflow still exists. */
export const meldingSchema = registerRecordSchema('Melding', ['id', 'source', 'channel', 'receivedAt', 'phase', 'triage', 'overdue'], {
  id: { type: 'string' },
  workflowId: { type: 'string' },
  externalRef: nullableString,
  source: { type: 'string', enum: [...sources] },
  channel: { type: 'string' },
  receivedAt: isoInstant,
  anonymous: { type: 'boolean' },
  reporter: {
    type: ['object', 'null'],
    description: 'The reporter\'s contact (personal data): only in a report\'s own view, only for its assignee (or under break-glass), and every such read is audited; never in lists or in answers to commands',
    properties: { name: { type: 'string' }, email: { type: 'string' }, phone: { type: 'string' } },
  },
  locationId: nullableString,
  organiserId: nullableString,
  dossierId: nullableString,
  addressText: nullableString,
  description: { type: 'string' },
  categories: stringList,
  immediateDanger: { type: 'boolean' },
  triageProposed: { type: 'string', enum: [...triages] },
  triage: { type: 'string', enum: [...triages] },
  triageConfirmed: { type: 'boolean' },
  phase: { type: 'string', enum: [...phases] },
  assigneeId: nullableString,
  teamId: nullableString,
  dueAt: nullableInstant,
  deadlinePaused: { type: 'boolean' },
  overdue: { type: 'boolean' },
  followUps: { type: 'array', items: followUpSchema },
  closedAt: nullableInstant,
  personalDataErasedAt: { ...nullableInstant, description: 'When the retention run erased the report\'s personal data (docs/retention.md)' },
  createdBy: { type: 'string' },
}, 'MeldingState');

export const meldingRef = { $ref: 'Melding#' } as const;

export const meldingParams = idParams('meldingId', { type: 'string', pattern: '^MEL-[0-9A-F]{16}$' });

export const listQuery = listQueryOf({
  triage: { type: 'string', enum: [...triages] },
  phase: { type: 'string', enum: [...phases] },
  assigneeId: idString,
  teamId: idString,
  overdue: { type: 'boolean' },
  locationId: idString,
  receivedFrom: isoInstant,
  receivedTo: isoInstant,
  sort: { type: 'string', enum: ['due_at', 'received_at'], default: 'due_at' },
  order: { type: 'string', enum: ['asc', 'desc'], default: 'asc' },
});

export const commandBodies = {
  triage: closedObject({ triage: { type: 'string', enum: [...triages] }, reason }, ['triage', 'reason']),
  link: closedObject({ locationId: idString }, ['locationId']),
  assign: closedObject({ assigneeId: idString, reason }, ['assigneeId', 'reason']),
  acknowledge: closedObject({ note: { type: 'string', maxLength: 5_000 } }),
  pause: closedObject({ reason, basis: { ...reason, description: 'The legal or service basis of the change' } }, ['reason', 'basis']),
  extend: closedObject(
    { hours: { type: 'number', minimum: 0.25, maximum: 720, description: 'Whole or fractional hours, at least a quarter' }, reason, basis: reason },
    ['hours', 'reason', 'basis'],
  ),
  feedback: closedObject(
    { channel: { type: 'string', enum: ['email', 'telefoon', 'brief'] }, message: { type: 'string', minLength: 3, maxLength: 10_000 } },
    ['channel', 'message'],
  ),
  close: closedObject({ followUps: { type: 'array', minItems: 1, maxItems: 5, items: followUpSchema }, noFeedbackReason: reason }, ['followUps']),
} as const;
