import type { RouteShorthandOptions } from 'fastify';
import type { Role } from '../../db/tables/reference.js';
import { errorResponses, problemResponses } from '../schemas/common.js';

/** What a route documents: everything of its schema but the tag, and the problem statuses it answers besides its own responses. */
export interface RouteDoc {
  summary: string;
  description?: string;
  params?: object;
  querystring?: object;
  headers?: object;
  body?: object;
  /** Content types of the body other than JSON, e.g. `['text/csv']`. */
  consumes?: string[];
  /** The route's own answers, e.g. `{ 200: …, 201: … }`. */
  response: Record<number, unknown>;
  /** Statuses answered with a problem (application/problem+json), e.g. `[400, 404]`. */
  problems?: number[];
  operationId?: string;
}

function schemaOf(tag: string, { problems = [], response, ...doc }: RouteDoc, errors: (...s: number[]) => object, extra: object = {}) {
  return { tags: [tag], ...extra, ...doc, response: { ...response, ...errors(...problems) } };
}

/**
 * The options of the routes of one OpenAPI tag open to the given roles: `config.roles` (checked by
 * api/plugins/auth.ts), the tag, and the problems every protected route can give (401, 403, 503)
 * besides the route's own `problems`.
 *
 *   const route = protectedRoutes('work', staffReaders);
 *   app.get('/work/filters', route({ summary: '…', response: { 200: page }, problems: [400] }), handler);
 */
export function protectedRoutes(tag: string, roles: readonly Role[]) {
  return (doc: RouteDoc) => ({ config: { roles }, schema: schemaOf(tag, doc, errorResponses) }) satisfies RouteShorthandOptions;
}

/**
 * The options of routes without a bearer token (`config.public`): only the problems the route
 * names. `security: []` in the document where the route says so (the public, read-only routes).
 *
 *   const route = publicRoutes('public', { noSecurity: true });
 *   app.get('/public/decisions', route({ summary: '…', querystring, response: { 200: answer }, problems: [400, 503] }), handler);
 */
export function publicRoutes(tag: string, { noSecurity = false }: { noSecurity?: boolean } = {}) {
  return (doc: RouteDoc) => ({ config: { public: true }, schema: schemaOf(tag, doc, problemResponses, noSecurity ? { security: [] } : {}) }) satisfies RouteShorthandOptions;
}
