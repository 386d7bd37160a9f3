// Response and parameter schemas that only the screening routes use (the shared ones: api/schemas/screening.ts).
import { instant, nullableInstant } from '../../schemas/common.js';

/** One line of the list of runs. */
const runSummary = {
  type: 'object',
  properties: {
    month: { type: 'string' },
    status: { type: 'string' },
    modelVersion: { type: ['integer', 'null'] },
    selectionSize: { type: 'integer' },
    startedAt: instant,
    completedAt: nullableInstant,
  },
} as const;

export const runListQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { limit: { type: 'integer', minimum: 1, maximum: 120, default: 24 } },
} as const;

export const runList = { type: 'object', properties: { items: { type: 'array', items: runSummary } } } as const;

export const reportsResponse = {
  type: 'object',
  required: ['months', 'cumulative'],
  properties: {
    months: {
      type: 'array',
      items: { type: 'object', required: ['month', 'report'], properties: { month: { type: 'string' }, report: { $ref: 'ScreeningReport#' } } },
    },
    cumulative: { $ref: 'ScreeningReport#' },
  },
} as const;

export const modelList = { type: 'object', properties: { items: { type: 'array', items: { $ref: 'RiskModel#' } } } } as const;

export const versionParams = {
  type: 'object',
  additionalProperties: false,
  required: ['version'],
  properties: { version: { type: 'integer', minimum: 1 } },
} as const;
