import { blocks, flows, milestoneKinds } from '../../workflows/enforcement/definitions.js';
import { idPattern, pagingQuery } from './common.js';

const text = (max = 5_000) => ({ type: 'string', minLength: 3, maxLength: max }) as const;
const localDate = { type: 'string', format: 'date', description: 'YYYY-MM-DD' } as const;
const instant = { type: 'string', format: 'date-time' } as const;
const decision = { type: 'string', enum: ['schorsing', 'opheffing'] } as const;
const nullableString = { type: ['string', 'null'] } as const;

const milestoneSchema = {
  type: 'object',
  properties: {
    kind: { type: 'string', enum: [...milestoneKinds] },
    at: { type: 'string' },
    reference: { type: 'object', properties: { type: { type: 'string' }, id: { type: 'string' } } },
    note: { type: 'string' },
    actorId: { type: 'string' },
  },
} as const;

const flowStateSchema = {
  type: ['object', 'null'],
  properties: {
    seq: { type: 'integer' },
    flow: { type: 'string', enum: [...flows] },
    workflowId: { type: 'string' },
    block: { type: 'string', enum: [...blocks] },
    waitingFor: { type: 'string' },
    data: { type: 'object', additionalProperties: true },
    deadlines: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, label: { type: 'string' }, dueAt: { type: 'string' } } } },
    communications: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          key: { type: 'string' },
          recipient: { type: 'string' },
          kind: { type: 'string' },
          channel: { type: 'string' },
          at: { type: 'string' },
          status: { type: 'string' },
        },
      },
    },
    history: {
      type: 'array',
      items: { type: 'object', properties: { at: { type: 'string' }, actorId: { type: 'string' }, action: { type: 'string' }, detail: { type: 'string' } } },
    },
  },
} as const;

export const caseStateSchema = {
  $id: 'EnforcementCaseState',
  type: 'object',
  properties: {
    caseId: { type: 'string' },
    location: {
      type: 'object',
      description: 'The location and its organiser (the organiser\'s e-mail is not shown)',
      properties: {
        locationId: { type: 'string' },
        locationName: { type: 'string' },
        organiserId: { type: 'string' },
        organiserName: { type: 'string' },
        municipality: { type: 'string' },
        capacity: { type: 'integer' },
        teamId: { type: 'string' },
        caseManagerId: { type: ['string', 'null'] },
      },
    },
    status: { type: 'string', enum: ['open', 'closed'] },
    step: { type: ['string', 'null'] },
    block: { type: 'string', enum: [...blocks] },
    urgent: { type: 'boolean' },
    milestones: { type: 'array', items: milestoneSchema },
    steps: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          flow: { type: 'string' },
          workflowId: { type: 'string' },
          startedAt: { type: 'string' },
          endedAt: nullableString,
          outcome: { type: ['object', 'null'], additionalProperties: true },
        },
      },
    },
    current: flowStateSchema,
    urgentProposal: {
      type: ['object', 'null'],
      description: 'The decision in urgent necessity proposed after an urgent advice; `decided` once the case manager chose',
      properties: {
        milestoneId: { type: 'string' },
        at: { type: 'string' },
        note: { type: 'string' },
        decided: {
          type: 'object',
          properties: { confirmed: { type: 'boolean' }, reason: { type: 'string' }, actorId: { type: 'string' }, at: { type: 'string' } },
        },
      },
    },
    closedReason: nullableString,
    closedAt: nullableString,
    version: { type: 'integer' },
  },
} as const;

export const caseSchema = {
  $id: 'EnforcementCase',
  type: 'object',
  required: ['id', 'locationId', 'status', 'block', 'urgent'],
  properties: {
    id: { type: 'string' },
    workflowId: { type: 'string' },
    locationId: { type: 'string' },
    organiserId: { type: 'string' },
    dossierId: { type: 'string' },
    teamId: { type: 'string' },
    caseManagerId: nullableString,
    municipality: { type: 'string' },
    status: { type: 'string', enum: ['open', 'closed'] },
    step: nullableString,
    block: { type: 'string' },
    urgent: { type: 'boolean' },
    waitingFor: nullableString,
    dueAt: { type: ['string', 'null'], format: 'date-time' },
    openedAt: instant,
    closedAt: { type: ['string', 'null'], format: 'date-time' },
    closedReason: nullableString,
    live: { anyOf: [{ $ref: 'EnforcementCaseState#' }, { type: 'null' }] },
  },
} as const;

export const caseParams = {
  type: 'object',
  required: ['caseId'],
  properties: { caseId: { type: 'string', pattern: '^HH-[0-9A-F]{8}$' } },
} as const;

export const startBody = {
  type: 'object',
  additionalProperties: false,
  required: ['locationId', 'milestone'],
  properties: {
    locationId: { type: 'string', pattern: idPattern },
    urgent: { type: 'boolean', default: false, description: 'Start with the decision in urgent necessity (integrity risk)' },
    milestone: {
      type: 'object',
      additionalProperties: false,
      required: ['kind'],
      properties: {
        kind: { type: 'string', enum: [...milestoneKinds] },
        reference: {
          type: 'object',
          additionalProperties: false,
          required: ['type', 'id'],
          properties: { type: { type: 'string', maxLength: 50 }, id: { type: 'string', maxLength: 100 } },
        },
        note: text(),
      },
    },
  },
} as const;

export const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: { type: 'string', enum: ['open', 'closed'] },
    step: { type: 'string', enum: [...flows] },
    teamId: { type: 'string', pattern: idPattern },
    caseManagerId: { type: 'string', pattern: idPattern },
    urgent: { type: 'boolean' },
    dueBefore: instant,
    municipality: { type: 'string', maxLength: 100 },
    locationId: { type: 'string', pattern: idPattern },
    ...pagingQuery,
  },
} as const;

const body = (required: string[], properties: Record<string, unknown>) => ({ type: 'object', additionalProperties: false, required, properties }) as const;

export const commandBodies = {
  shortcomings: body(['shortcomings', 'remedyBy'], {
    shortcomings: { type: 'array', minItems: 1, maxItems: 30, items: text(1_000) },
    remedyBy: localDate,
  }),
  talk: body(['at', 'summary'], { at: instant, summary: text() }),
  mentesContact: body(['at'], { at: instant }),
  remedyOutcome: body(['remedied', 'evidence'], {
    remedied: { type: 'boolean' },
    evidence: text(),
    earlyEscalation: {
      type: 'object',
      additionalProperties: false,
      required: ['reason'],
      description: 'Not remedied before the remedy deadline has passed (e.g. the organiser refuses in writing): recorded as an early escalation with this reason',
      properties: { reason: text() },
    },
  }),
  draft: body(['decision', 'text'], { decision, text: text(20_000) }),
  review: body(['approve', 'remarks'], { approve: { type: 'boolean' }, remarks: text() }),
  hearing: body(['action', 'at', 'note'], { action: { type: 'string', enum: ['requested', 'planned', 'report'] }, at: instant, note: text() }),
  conclude: body(['proceed', 'reason'], { proceed: { type: 'boolean' }, reason: text() }),
  decision: body(['decision', 'motivation', 'publicMotivation', 'date', 'integrityHarmed'], {
    decision,
    motivation: text(20_000),
    publicMotivation: { ...text(5_000), description: 'For parents, local government and the public: no personal data' },
    date: { ...localDate, description: 'Schorsing: last day; opheffing: effective date' },
    integrityHarmed: { type: 'boolean', description: 'Children\'s integrity was (possibly) harmed: parents are offered psychosocial support' },
  }),
  oralNotice: body(['at', 'note'], { at: instant, note: text() }),
  objection: body(['action', 'note'], { action: { type: 'string', enum: ['received', 'decided'] }, upheld: { type: 'boolean' }, note: text() }),
  suspensionEnd: body(['action', 'verification'], { action: { type: 'string', enum: ['lift', 'extend', 'escalate'] }, until: localDate, verification: text() }),
  close: body(['reason'], { reason: text() }),
  urgent: body(['reason', 'decision'], { reason: text(), decision }),
  urgentProposal: body(['confirm', 'reason'], {
    confirm: { type: 'boolean', description: 'true: on to the decision in urgent necessity; false: the ordinary route' },
    decision: { ...decision, description: 'Required when confirming' },
    reason: text(),
  }),
  letterDelivery: body(['delivered', 'trackingReference'], { delivered: { type: 'boolean' }, trackingReference: { type: 'string', minLength: 3, maxLength: 100 } }),
} as const;
