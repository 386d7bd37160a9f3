import { channels, followUpKinds, phases, sources, triages } from '../../workflows/melding/definitions.js';
import { categories, crisisCategories } from '../../workflows/melding/triage.js';
import { idPattern, pagingQuery } from './common.js';

const isoInstant = { type: 'string', format: 'date-time' } as const;
// A reason must say something: blanks only are refused here (the deadline would refuse them later).
const reason = { type: 'string', minLength: 3, maxLength: 2_000, pattern: '\\S' } as const;
const nullableString = { type: ['string', 'null'] } as const;

export const intakeBody = {
  type: 'object',
  additionalProperties: false,
  required: ['source', 'channel', 'description', 'categories'],
  properties: {
    source: { type: 'string', enum: [...sources], description: 'derde, voorziening, parket, or klantenbeheerder (reached a case manager by e-mail)' },
    channel: { type: 'string', enum: [...channels] },
    receivedAt: { ...isoInstant, description: 'When the report reached the agency; default: now' },
    externalRef: { type: 'string', minLength: 1, maxLength: 100, description: 'E.g. the Klaroen number; sending it again returns the same report' },
    reporter: {
      type: 'object',
      additionalProperties: false,
      description: 'Personal data; leave out for an anonymous report',
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 200 },
        email: { type: 'string', format: 'email', maxLength: 200 },
        phone: { type: 'string', pattern: '^[0-9 +()./-]{6,30}$' },
      },
    },
    location: {
      type: 'object',
      additionalProperties: false,
      properties: {
        locationId: { type: 'string', pattern: idPattern },
        organiserId: { type: 'string', pattern: idPattern },
        addressText: { type: 'string', minLength: 3, maxLength: 300 },
      },
    },
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
  },
} as const;

const deadlineSchema = {
  type: ['object', 'null'],
  properties: {
    id: { type: 'string' },
    kind: { type: 'string' },
    state: { type: 'string', enum: ['running', 'paused'] },
    anchor: { type: 'string' },
    budget: { type: 'object', properties: { unit: { type: 'string' }, amount: { type: 'number' } } },
    extensionTotal: { type: 'number' },
    extensionCap: { type: 'number' },
    changes: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          type: { type: 'string' },
          at: { type: 'string' },
          actor: { type: 'string' },
          reason: { type: 'string' },
          basis: { type: 'string' },
          amount: { type: 'number' },
        },
      },
    },
  },
} as const;

const followUpSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind'],
  properties: {
    kind: { type: 'string', enum: [...followUpKinds] },
    note: { type: 'string', maxLength: 2_000 },
    forwardedTo: { type: 'string', enum: ['parket', 'VECK'] },
  },
} as const;

/** The live state of the report's workflow. */
export const meldingStateSchema = {
  $id: 'MeldingState',
  type: 'object',
  properties: {
    meldingId: { type: 'string' },
    phase: { type: 'string', enum: [...phases] },
    receivedAt: { type: 'string' },
    triageProposed: { type: 'string', enum: [...triages] },
    triageReasons: { type: 'array', items: { type: 'string' } },
    triage: { type: 'string', enum: [...triages] },
    triageConfirmed: { type: 'boolean' },
    link: {
      type: ['object', 'null'],
      properties: {
        locationId: { type: 'string' },
        locationName: { type: 'string' },
        organiserId: { type: 'string' },
        dossierId: { type: 'string' },
        teamId: { type: 'string' },
        caseManagerId: nullableString,
      },
    },
    assigneeId: nullableString,
    teamId: nullableString,
    deadline: deadlineSchema,
    dueAt: nullableString,
    deadlineMet: { type: 'boolean' },
    overdue: { type: 'boolean' },
    firedRungs: { type: 'array', items: { type: 'string' } },
    feedback: {
      type: ['object', 'null'],
      properties: { at: { type: 'string' }, channel: { type: 'string' }, outboxKey: nullableString },
    },
    followUps: { type: 'array', items: followUpSchema },
    closedAt: nullableString,
    history: {
      type: 'array',
      items: {
        type: 'object',
        properties: { at: { type: 'string' }, actorId: { type: 'string' }, action: { type: 'string' }, detail: { type: 'string' } },
      },
    },
    version: { type: 'integer' },
  },
} as const;

/** The register's record (PostgreSQL) with the live workflow state when the workflow still exists. */
export const meldingSchema = {
  $id: 'Melding',
  type: 'object',
  required: ['id', 'source', 'channel', 'receivedAt', 'phase', 'triage', 'overdue'],
  properties: {
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
    categories: { type: 'array', items: { type: 'string' } },
    immediateDanger: { type: 'boolean' },
    triageProposed: { type: 'string', enum: [...triages] },
    triage: { type: 'string', enum: [...triages] },
    triageConfirmed: { type: 'boolean' },
    phase: { type: 'string', enum: [...phases] },
    assigneeId: nullableString,
    teamId: nullableString,
    dueAt: { type: ['string', 'null'], format: 'date-time' },
    deadlinePaused: { type: 'boolean' },
    overdue: { type: 'boolean' },
    followUps: { type: 'array', items: followUpSchema },
    closedAt: { type: ['string', 'null'], format: 'date-time' },
    personalDataErasedAt: { type: ['string', 'null'], format: 'date-time', description: 'When the retention run erased the report\'s personal data (docs/retention.md)' },
    createdBy: { type: 'string' },
    live: { anyOf: [{ $ref: 'MeldingState#' }, { type: 'null' }] },
  },
} as const;

export const meldingParams = {
  type: 'object',
  required: ['meldingId'],
  properties: { meldingId: { type: 'string', pattern: '^MEL-[0-9A-F]{16}$' } },
} as const;

export const idempotencyHeaders = {
  type: 'object',
  properties: { 'idempotency-key': { type: 'string', pattern: '^[A-Za-z0-9_.:-]{8,100}$' } },
} as const;

export const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    triage: { type: 'string', enum: [...triages] },
    phase: { type: 'string', enum: [...phases] },
    assigneeId: { type: 'string', pattern: idPattern },
    teamId: { type: 'string', pattern: idPattern },
    overdue: { type: 'boolean' },
    locationId: { type: 'string', pattern: idPattern },
    receivedFrom: isoInstant,
    receivedTo: isoInstant,
    sort: { type: 'string', enum: ['due_at', 'received_at'], default: 'due_at' },
    order: { type: 'string', enum: ['asc', 'desc'], default: 'asc' },
    ...pagingQuery,
  },
} as const;

export const commandBodies = {
  triage: {
    type: 'object',
    additionalProperties: false,
    required: ['triage', 'reason'],
    properties: { triage: { type: 'string', enum: [...triages] }, reason },
  },
  link: {
    type: 'object',
    additionalProperties: false,
    required: ['locationId'],
    properties: { locationId: { type: 'string', pattern: idPattern } },
  },
  assign: {
    type: 'object',
    additionalProperties: false,
    required: ['assigneeId', 'reason'],
    properties: { assigneeId: { type: 'string', pattern: idPattern }, reason },
  },
  acknowledge: {
    type: 'object',
    additionalProperties: false,
    properties: { note: { type: 'string', maxLength: 5_000 } },
  },
  pause: {
    type: 'object',
    additionalProperties: false,
    required: ['reason', 'basis'],
    properties: { reason, basis: { ...reason, description: 'The legal or service basis of the change' } },
  },
  extend: {
    type: 'object',
    additionalProperties: false,
    required: ['hours', 'reason', 'basis'],
    properties: { hours: { type: 'number', minimum: 0.25, maximum: 720, description: 'Whole or fractional hours, at least a quarter' }, reason, basis: reason },
  },
  feedback: {
    type: 'object',
    additionalProperties: false,
    required: ['channel', 'message'],
    properties: { channel: { type: 'string', enum: ['email', 'telefoon', 'brief'] }, message: { type: 'string', minLength: 3, maxLength: 10_000 } },
  },
  close: {
    type: 'object',
    additionalProperties: false,
    required: ['followUps'],
    properties: {
      followUps: { type: 'array', minItems: 1, maxItems: 5, items: followUpSchema },
      noFeedbackReason: reason,
    },
  },
} as const;
