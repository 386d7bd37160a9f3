import { blocks, flows, milestoneKinds } from '../../workflows/enforcement/definitions.js';
import {
  closedObject,
  historyEntrySchema,
  idParams,
  idString,
  listOf,
  instant,
  listQueryOf,
  liveStateSchema,
  nullableInstant,
  nullableString,
  placeOf,
  registerRecordProperties,
  registerRecordSchema,
} from './common.js';

const text = (max = 5_000) => ({ type: 'string', minLength: 3, maxLength: max }) as const;
const localDate = { type: 'string', format: 'date', description: 'YYYY-MM-DD' } as const;
const decision = { type: 'string', enum: ['schorsing', 'opheffing'] } as const;

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

/** A letter, message or conversation of a step (workflows/enforcement/definitions.ts, Communication). */
const communicationProperties = {
  key: { type: 'string', description: 'The exactly-once key of the message (case, step, recipient, kind, channel)' },
  recipient: { type: 'string', description: 'organisator, ouders, lokaal_bestuur, mentes, klantenbeheerder or jurist' },
  kind: { type: 'string', description: 'What was sent or said, e.g. aanmaning, voornemen, beslissing, aanmaningsgesprek' },
  channel: { type: 'string', description: 'email, aangetekende_brief, brief, ebox, intern or mondeling' },
  at: { type: 'string' },
  status: { type: 'string', description: 'How far it got, e.g. queued, sent, delivered, failed; recorded for a conversation; skipped where the channel does not apply' },
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
    deadlines: listOf({ id: { type: 'string' }, label: { type: 'string' }, dueAt: { type: 'string' } }),
    communications: listOf(communicationProperties),
    history: { type: 'array', items: historyEntrySchema },
  },
} as const;

export const caseStateSchema = liveStateSchema('EnforcementCaseState', {
  caseId: { type: 'string' },
  location: {
    type: 'object',
    description: 'The location and its organiser (the organiser\'s e-mail is not shown)',
    properties: placeOf('locationId', 'locationName', 'organiserId', 'organiserName', 'municipality', 'capacity', 'teamId', 'caseManagerId'),
  },
  status: { type: 'string', enum: ['open', 'closed'] },
  step: { type: ['string', 'null'] },
  block: { type: 'string', enum: [...blocks] },
  urgent: { type: 'boolean' },
  milestones: { type: 'array', items: milestoneSchema },
  steps: listOf({
    flow: { type: 'string' },
    workflowId: { type: 'string' },
    startedAt: { type: 'string' },
    endedAt: nullableString,
    outcome: { type: ['object', 'null'], additionalProperties: true },
  }),
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
});

export const caseSchema = registerRecordSchema('EnforcementCase', ['id', 'locationId', 'status', 'block', 'urgent'], {
  ...registerRecordProperties,
  municipality: { type: 'string' },
  status: { type: 'string', enum: ['open', 'closed'] },
  step: nullableString,
  block: { type: 'string' },
  urgent: { type: 'boolean' },
  waitingFor: nullableString,
  dueAt: nullableInstant,
  openedAt: instant,
  closedAt: nullableInstant,
  closedReason: nullableString,
}, 'EnforcementCaseState');

export const caseRef = { $ref: 'EnforcementCase#' } as const;

export const caseParams = idParams('caseId', { type: 'string', pattern: '^HH-[0-9A-F]{8}$' });

export const startBody = closedObject({
  locationId: idString,
  urgent: { type: 'boolean', default: false, description: 'Start with the decision in urgent necessity (integrity risk)' },
  milestone: closedObject({
    kind: { type: 'string', enum: [...milestoneKinds] },
    reference: closedObject({ type: { type: 'string', maxLength: 50 }, id: { type: 'string', maxLength: 100 } }, ['type', 'id']),
    note: text(),
  }, ['kind']),
}, ['locationId', 'milestone']);

export const listQuery = listQueryOf({
  status: { type: 'string', enum: ['open', 'closed'] },
  step: { type: 'string', enum: [...flows] },
  teamId: idString,
  caseManagerId: idString,
  urgent: { type: 'boolean' },
  dueBefore: instant,
  municipality: { type: 'string', maxLength: 100 },
  locationId: idString,
});

const body = <const P extends object>(required: readonly (keyof P & string)[], properties: P) => closedObject(properties, required);

export const commandBodies = {
  shortcomings: body(['shortcomings', 'remedyBy'], {
    shortcomings: { type: 'array', minItems: 1, maxItems: 30, items: text(1_000) },
    remedyBy: localDate,
  }),
  talk: body(['at', 'summary'], { at: instant, summary: text() }),
  informationSession: body(['at', 'place'], { at: instant, place: text(300), note: { type: 'string', maxLength: 2_000, default: '' } }),
  replacementCapacity: body(['reason'], { reason: text(2_000) }),
  mentesContact: body(['at'], { at: instant }),
  remedyOutcome: body(['remedied', 'evidence'], {
    remedied: { type: 'boolean' },
    evidence: text(),
    earlyEscalation: {
      ...closedObject({ reason: text() }, ['reason']),
      description: 'Not remedied before the remedy deadline has passed (e.g. the organiser refuses in writing): recorded as an early escalation with this reason',
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
