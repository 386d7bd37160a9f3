import { idParams, nullableString } from '../../schemas/common.js';

// The schemas of the public routes.

const string = { type: 'string' } as const;

export const statusParams = idParams('locationId');

/** The follow-up status of a location with its public enforcement report. */
export const statusResponse = {
  type: 'object',
  required: ['locationId', 'name', 'municipality', 'status', 'statusLabel', 'enforcement'],
  properties: {
    locationId: string,
    name: string,
    municipality: string,
    status: { type: 'integer', enum: [1, 2, 3, 4] },
    statusLabel: string,
    enforcement: {
      type: 'array',
      items: {
        type: 'object',
        properties: { date: string, kind: string, cause: nullableString, explanation: nullableString, objection: nullableString },
      },
    },
  },
} as const;

export const decisionsQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['week'],
  properties: { week: { type: 'string', pattern: '^\\d{4}-W\\d{2}$', description: 'ISO week, e.g. 2026-W47' } },
} as const;

/** The suspension and revocation decisions of one week. */
export const decisionsResponse = {
  type: 'object',
  properties: {
    week: string,
    from: string,
    to: string,
    decisions: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          locationId: string,
          name: string,
          municipality: string,
          kind: string,
          urgent: { type: 'boolean' },
          decidedOn: string,
          effectiveFrom: string,
          endsOn: nullableString,
          explanation: string,
          objection: string,
          inForce: { type: 'boolean' },
        },
      },
    },
  },
} as const;

