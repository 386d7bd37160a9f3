import type {
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
  RouteGenericInterface,
  RouteHandlerMethod,
} from 'fastify';
import { pageOf } from '../schemas/common.js';
import type { RouteDoc } from './route-options.js';

/** A register's records as its routes name them: the collection, one record's path parameter and schema (reads and commands alike). */
export interface RecordRoutes {
  /** The collection, e.g. '/locations'; one record is `${path}/:${idParam}`. */
  path: string;
  idParam: string;
  params: object;
  /** One record's schema, e.g. `{ $ref: 'Location#' }`: the list answers a page of them (pageOf). */
  record: object;
}

/** What a register's two reads document: its records' routes, the list's query string and the summaries. */
export interface RecordReads extends RecordRoutes {
  query: object;
  listSummary: string;
  oneSummary: string;
}

type Handler<G extends RouteGenericInterface> = RouteHandlerMethod<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, G>;

interface ReadHandlers<L extends RouteGenericInterface, O extends RouteGenericInterface> {
  /** A page of the records that match the query (400 for a query the schema refuses). */
  list: Handler<L>;
  /** One record; 404 when it does not exist or lies outside the caller's scope. */
  one: Handler<O>;
}

/**
 * Registers a register's two reads, the same for every process and resource: `GET path` (a page,
 * 400 for a bad query) and `GET path/:id` (one record, 400 for a bad id, 404 when absent).
 *
 *   registerReads(app, protectedRoutes('locations', staffReaders), {
 *     path: '/locations', idParam: 'locationId', params: idParams('locationId'), query: listQueryOf({ q }),
 *     record: { $ref: 'Location#' }, listSummary: 'Search childcare locations', oneSummary: 'One location',
 *   }, { list, one });
 */
export function registerReads<L extends RouteGenericInterface, O extends RouteGenericInterface>(
  app: FastifyInstance,
  route: (doc: RouteDoc) => object,
  spec: RecordReads,
  handlers: ReadHandlers<L, O>,
): void {
  app.get<L>(spec.path, route({ summary: spec.listSummary, querystring: spec.query, response: { 200: pageOf(spec.record) }, problems: [400] }), handlers.list);
  app.get<O>(`${spec.path}/:${spec.idParam}`, route({ summary: spec.oneSummary, params: spec.params, response: { 200: spec.record }, problems: [400, 404] }), handlers.one);
}
