// Schema pieces shared by every resource. Registered once with app.addSchema so the OpenAPI
// document names them as components.

export const problemSchema = {
  $id: 'Problem',
  type: 'object',
  description: 'RFC 9457 problem details (application/problem+json).',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', description: 'A URI reference naming the kind of problem.' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    requestId: { type: 'string' },
    errors: {
      type: 'array',
      description: 'The failing fields of a validation problem.',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
} as const;

export const problemRef = { $ref: 'Problem#' } as const;

/** Error responses every protected route can give, merged into each route's `response`. */
export function errorResponses(...statuses: number[]) {
  return Object.fromEntries([401, 403, 503, ...statuses].map((s) => [s, problemRef]));
}

export const pagingQuery = {
  limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
  offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
} as const;

export const idPattern = '^[A-Za-z0-9_.:-]{1,64}$';

/** A page of a list: the items, the total that matches the filters, and the paging used. */
export function pageOf(items: object) {
  return {
    type: 'object',
    required: ['items', 'total', 'limit', 'offset'],
    properties: {
      items: { type: 'array', items },
      total: { type: 'integer' },
      limit: { type: 'integer' },
      offset: { type: 'integer' },
    },
  } as const;
}
