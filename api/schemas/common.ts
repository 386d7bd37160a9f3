// Schema pieces shared by every resource. Registered once with app.addSchema so the OpenAPI
// document names them as components; the builders below write the shapes every route repeats
// (closed objects, path parameters, list query strings, pages of a list, problem responses).

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

/** A problem response for each status: `{ 400: Problem, 404: Problem }`. */
export function problemResponses(...statuses: number[]): Record<number, typeof problemRef> {
  return Object.fromEntries(statuses.map((s) => [s, problemRef]));
}

/** Error responses every protected route can give (401, 403, 503) and the route's own, merged into each route's `response`. */
export function errorResponses(...statuses: number[]) {
  return problemResponses(401, 403, 503, ...statuses);
}

// ----- values -------------------------------------------------------------------------------------

export const idPattern = '^[A-Za-z0-9_.:-]{1,64}$';
/** An identifier of a record: a user, team, location, organiser, dossier, … */
export const idString = { type: 'string', pattern: idPattern } as const;
export const nullableString = { type: ['string', 'null'] } as const;
export const instant = { type: 'string', format: 'date-time' } as const;
export const nullableInstant = { type: ['string', 'null'], format: 'date-time' } as const;
/** A list of strings as a record or a state shows it. */
export const stringList = { type: 'array', items: { type: 'string' } } as const;
/** A list of objects with these properties, as a record or a state shows it. */
export function listOf<const P extends object>(properties: P) {
  return { type: 'array', items: { type: 'object', properties } } as const;
}

/** The header that makes a retried request count once (intake, commands, notes). */
export const idempotencyHeaders = {
  type: 'object',
  properties: { 'idempotency-key': { type: 'string', pattern: '^[A-Za-z0-9_.:-]{8,100}$' } },
} as const;

// ----- objects ------------------------------------------------------------------------------------

/**
 * A closed object: a request body, query string or nested input that takes no other properties.
 * `required` is left out of the schema when none is named.
 */
export function closedObject<const P extends object, const R extends readonly (keyof P & string)[] = []>(properties: P, required?: R) {
  return { type: 'object', additionalProperties: false, ...(required ? { required } : {}), properties } as const;
}

/** The path parameters naming one record, e.g. `idParams('meldingId', { type: 'string', pattern: '^MEL-…$' })`. */
export function idParams<const K extends string, const S extends object = typeof idString>(name: K, schema?: S) {
  return {
    type: 'object',
    required: [name],
    properties: { [name]: schema ?? idString } as { [k in K]: S },
  } as const;
}

/** One entry of a workflow's history, as its live state lists it. */
export const historyEntrySchema = {
  type: 'object',
  properties: { at: { type: 'string' }, actorId: { type: 'string' }, action: { type: 'string' }, detail: { type: 'string' } },
} as const;

/** A workflow's live state as a component: what a register record's `live` refers to by its `$id`. */
export function liveStateSchema<const P extends object>($id: string, properties: P) {
  return { $id, type: 'object', properties } as const;
}

/** What a workflow's live state ends with: when it closed, its history and its version (reports, inspections). */
export const liveStateEnd = {
  closedAt: nullableString,
  history: { type: 'array', items: historyEntrySchema },
  version: { type: 'integer' },
} as const;

/**
 * A register's record (PostgreSQL) as a component: its properties, then `live`, the live state of
 * its workflow (the state component's `$id`) or null once the workflow no longer exists.
 */
export function registerRecordSchema<const P extends object, const R extends readonly string[]>($id: string, required: R, properties: P, liveStateId: string) {
  return {
    $id,
    type: 'object',
    required,
    properties: { ...properties, live: { anyOf: [{ $ref: `${liveStateId}#` }, { type: 'null' }] } },
  } as const;
}

// ----- lists --------------------------------------------------------------------------------------

/** `limit` and `offset` of a list's query string; a list with other bounds says them. */
export function paging({ maxLimit = 500, defaultLimit = 50 }: { maxLimit?: number; defaultLimit?: number } = {}) {
  return {
    limit: { type: 'integer', minimum: 1, maximum: maxLimit, default: defaultLimit },
    offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
  } as const;
}

export const pagingQuery = paging();

/** The query string of a paged list: its filters (closed: no other parameter) with `limit` and `offset`. */
export function listQueryOf<const F extends object>(filters: F, page: ReturnType<typeof paging> = pagingQuery) {
  return closedObject({ ...filters, ...page });
}

/**
 * A page of a list: the items, the total that matches the filters, and the paging used; `extra`
 * adds required properties of the page itself (e.g. the unread count, the scope).
 */
export function pageOf<const E extends Record<string, object> = Record<never, never>>(items: object, extra?: E) {
  return {
    type: 'object',
    required: ['items', 'total', 'limit', 'offset', ...Object.keys(extra ?? {})],
    properties: {
      items: { type: 'array', items },
      total: { type: 'integer', description: 'How many match the filters; with `totalCapped`, at least this many (counting stops at the next thousand past the page).' },
      totalCapped: { type: 'boolean', description: 'True when more than `total` match (narrow the filters to count them); absent or false: `total` is exact.' },
      limit: { type: 'integer' },
      offset: { type: 'integer' },
      ...extra,
    },
  } as const;
}

// ----- the place of a record ---------------------------------------------------------------------

/**
 * How a record or a state names its place: the location, its organiser and dossier, the team and
 * the case manager. Each property is declared once here; a schema takes those it shows with
 * `placeOf(...)` (where one is nullable in that record, the schema says so itself).
 */
const placeProperties = {
  locationId: { type: 'string' },
  locationName: { type: 'string' },
  municipality: { type: 'string' },
  capacity: { type: 'integer', description: 'The number of childcare places of the location' },
  organiserId: { type: 'string' },
  organiserName: { type: 'string' },
  dossierId: { type: 'string' },
  teamId: { type: 'string', description: 'The team that holds the dossier' },
  caseManagerId: { ...nullableString, description: 'The dossier\'s case manager (klantenbeheerder); null when none is assigned' },
  caseManagerName: nullableString,
} as const;

type PlaceProperty = keyof typeof placeProperties;

/** The place properties named, in that order: `placeOf('locationId', 'teamId')`. */
export function placeOf<const K extends PlaceProperty>(...names: K[]): Pick<typeof placeProperties, K> {
  return Object.fromEntries(names.map((name) => [name, placeProperties[name]])) as Pick<typeof placeProperties, K>;
}

// ----- records in the register --------------------------------------------------------------------

/**
 * What every process's record in the register says of where it belongs: its workflow and the
 * location, organiser, dossier, team and case manager (reports have their own, nullable, link).
 */
export const registerRecordProperties = {
  id: { type: 'string' },
  workflowId: { type: 'string' },
  ...placeOf('locationId', 'organiserId', 'dossierId', 'teamId', 'caseManagerId'),
} as const;

/** A deadline's budget as a live state shows it: so many hours, calendar days or working days. */
export const budgetSchema = { type: 'object', properties: { unit: { type: 'string' }, amount: { type: 'number' } } } as const;
