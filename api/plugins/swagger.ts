import { STATUS_CODES } from 'node:http';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { problemMediaType } from '../problems.js';
import { problemSchema } from '../schemas/common.js';

// The parts of an OpenAPI 3.0 document that transformDocument touches.
type Reference = { $ref: string };
type Response = { description: string; content?: Record<string, unknown> };
type Operation = { responses: Record<string, Response | Reference> };
interface OpenApiDocument {
  paths: Record<string, Record<string, Operation | unknown> | undefined>;
  components?: { responses?: Record<string, Response | Reference> } & Record<string, unknown>;
}

const verbs: Record<string, string> = { GET: 'get', POST: 'post', PUT: 'put', PATCH: 'patch', DELETE: 'delete' };

/** The singular of a path segment's last word: English -s/-ies and Dutch -ngen (meldingen → melding). */
export function singular(word: string): string {
  if (/ies$/.test(word)) return `${word.slice(0, -3)}y`;
  if (/ngen$/.test(word)) return word.slice(0, -2);
  if (/[^su]s$/.test(word)) return word.slice(0, -1);
  return word;
}

const isParam = (segment: string) => segment.startsWith(':') || segment.startsWith('{');
const capitalised = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

const isPlural = (word: string) => singular(word) !== word;

/** Whether a response schema is a list: an array, or a page of `items` (schemas/common.ts pageOf). */
function isList(schema: unknown): boolean {
  const s = schema as { type?: unknown; properties?: { items?: { type?: unknown } } } | undefined;
  return s?.type === 'array' || (s?.type === 'object' && s.properties?.items?.type === 'array');
}

/**
 * The operationId of a route, from its method and path: the verb (`get`, `post`, …; `list` for a GET
 * of a path that ends in a plural or answers a list), then the static segments in PascalCase, a segment before a
 * parameter in the singular. `GET /meldingen` → listMeldingen, `GET /meldingen/:meldingId` →
 * getMelding, `POST /meldingen/:meldingId/deadline/pause` → postMeldingDeadlinePause.
 */
export function deriveOperationId(method: string, url: string, listsItems = false): string {
  const segments = url.split('/').filter(Boolean);
  const words: string[] = [];
  segments.forEach((segment, i) => {
    if (isParam(segment)) return;
    const parts = segment.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w.toLowerCase());
    const next = segments[i + 1];
    if (next !== undefined && isParam(next) && parts.length > 0) parts.push(singular(parts.pop() as string));
    words.push(...parts);
  });
  const last = segments.at(-1);
  const collection = last !== undefined && !isParam(last) && (listsItems || isPlural(words.at(-1) ?? ''));
  const verb = method === 'GET' && collection ? 'list' : (verbs[method] ?? method.toLowerCase());
  return verb + words.map(capitalised).join('');
}

const operationIdPattern = /^[a-z][A-Za-z0-9]*$/;

/**
 * Gives every documented route a stable operationId (for client generators), in one place: the
 * route's own `schema.operationId` when it declares one, else derived from method and path. Refuses
 * at start-up an id that is not camelCase or that two routes would share.
 */
function assignOperationIds(app: FastifyInstance) {
  const owners = new Map<string, string>();
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = [route.method].flat().filter((m) => m !== 'HEAD');
    // HEAD twins of GET routes share the GET's schema object and are not documented.
    if (methods.length === 0 || route.schema?.hide) return;
    const where = `${methods.join(',')} ${route.url}`;
    if (methods.length > 1) throw new Error(`${where}: one route per method, so that each operation gets its own operationId`);
    const response = route.schema?.response as Record<string, unknown> | undefined;
    const operationId = route.schema?.operationId ?? deriveOperationId(methods[0] as string, route.url, isList(response?.[200]));
    if (!operationIdPattern.test(operationId)) throw new Error(`${where}: operationId ${operationId} is not camelCase`);
    const owner = owners.get(operationId);
    if (owner !== undefined && owner !== where) {
      throw new Error(`${where}: operationId ${operationId} is already ${owner}'s; declare schema.operationId on one of them`);
    }
    owners.set(operationId, where);
    // A copy: schema objects may be shared between routes. A public route needs no token.
    const isPublic = (route.config as { public?: boolean } | undefined)?.public === true;
    route.schema = { ...route.schema, operationId, ...(isPublic ? { security: [] } : {}) };
  });
}

const problemContent = { [problemMediaType]: { schema: { $ref: '#/components/schemas/Problem' } } };

/** Responses every operation can give besides the ones it declares: all of them problem+json. */
const sharedResponses: Record<string, Response> = {
  ClientError: {
    description:
      'Any other client error, e.g. a URL that is not validly percent-encoded (400), an unknown route (404), ' +
      'a request not received in time (408), a body too large (413), a path parameter too long (414), ' +
      'a body that is not JSON (415), headers too large (431): RFC 9457 problem details.',
    content: problemContent,
  },
  ServerError: { description: 'A defect or an unavailable dependency: RFC 9457 problem details.', content: problemContent },
};

const isErrorStatus = (code: string) => /^[45]/.test(code) || code === 'default';

/**
 * The generated document as the server behaves: error responses as application/problem+json (the
 * routes' schemas name the Problem schema; @fastify/swagger would declare it application/json), a
 * description per status, and the 4XX/5XX every operation can answer.
 */
export function transformDocument<T>(document: T): T {
  const doc = document as OpenApiDocument;
  doc.components = { ...doc.components, responses: { ...doc.components?.responses, ...sharedResponses } };
  for (const pathItem of Object.values(doc.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']) {
      const operation = pathItem?.[method] as Operation | undefined;
      if (!operation) continue;
      for (const [code, response] of Object.entries(operation.responses)) {
        if ('$ref' in response) continue;
        if (response.description === 'Default Response' || response.description === problemSchema.description) {
          response.description = STATUS_CODES[code] ?? response.description;
        }
        const json = response.content?.['application/json'];
        if (isErrorStatus(code) && json && response.content) {
          response.description = `${response.description}: RFC 9457 problem details.`;
          response.content = { [problemMediaType]: json };
        }
      }
      operation.responses['4XX'] ??= { $ref: '#/components/responses/ClientError' };
      operation.responses['5XX'] ??= { $ref: '#/components/responses/ServerError' };
    }
  }
  return document;
}

/** The OpenAPI 3 document at /docs/json and Swagger UI at /docs, generated from the routes' schemas. */
export default fp(async function openapi(app: FastifyInstance) {
  app.addSchema(problemSchema);
  assignOperationIds(app);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Handhaving orchestrator',
        description:
          'Reports, enforcement, inspections and risk screening for childcare in Flanders. ' +
          'Every route but health and docs needs a bearer token; errors are RFC 9457 problem+json.',
        version: '0.1.0',
      },
      // Relative: the document is served by the API it describes, wherever that is deployed.
      servers: [{ url: '/', description: 'The server that serves this document' }],
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
      security: [{ bearerAuth: [] }],
      tags: [
        { name: 'health', description: 'Liveness and readiness' },
        { name: 'session', description: 'The calling user' },
        { name: 'locations', description: 'Childcare locations and their organisers' },
        { name: 'dossiers', description: 'A location\'s dossier and its timeline' },
        { name: 'meldingen', description: 'Reports: intake, triage, assignment, deadlines, feedback, closure' },
        { name: 'handhaving', description: 'Enforcement cases: aanmaning, voornemen, beslissing, dringende beslissing, bezwaar' },
        { name: 'public', description: 'Public, read-only, without personal data' },
        { name: 'screening', description: 'Monthly risk screening: runs, selection, screening tasks and codes, reports, risk models' },
        { name: 'inspecties', description: 'Inspection requests to Zorginspectie (Modular): order, status, cancellation, report and advice' },
        { name: 'modular', description: 'The signed webhook Zorginspectie\'s Modular calls (machine to machine, HMAC)' },
      ],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
    transformObject: (documentObject) => transformDocument('openapiObject' in documentObject ? documentObject.openapiObject : documentObject.swaggerObject),
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' },
    // Swagger UI writes its own CSP (with hashes of its inline parts); it may not be framed either.
    staticCSP: true,
    transformStaticCSP: (header: string) => header.replace("frame-ancestors 'self'", "frame-ancestors 'none'"),
  });
});
