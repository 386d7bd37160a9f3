import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ConnectionError, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isDependencyUnavailable } from '../dependency-errors.js';
import { HttpProblem, type Problem, type ProblemField, problemMediaType, problemTypes } from '../problems.js';

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** "body.reporter.email" from ajv's "/reporter/email" plus the missing or unexpected property. */
function fieldOf(context: string | undefined, e: AjvError): string {
  const path = e.instancePath.split('/').filter(Boolean);
  const extra = e.params.missingProperty ?? e.params.additionalProperty;
  if (typeof extra === 'string') path.push(extra);
  return [context ?? 'body', ...path].join('.');
}

function validationFields(err: FastifyError): ProblemField[] {
  const context = (err as { validationContext?: string }).validationContext;
  return ((err.validation ?? []) as AjvError[]).map((e) => ({
    field: fieldOf(context, e),
    message: e.keyword === 'additionalProperties' ? 'is not an allowed property' : (e.message ?? 'is invalid'),
  }));
}

const clientErrorTypes: Record<number, string> = {
  400: problemTypes.validation,
  401: problemTypes.unauthorized,
  403: problemTypes.forbidden,
  404: problemTypes.notFound,
  408: problemTypes.requestTimeout,
  409: problemTypes.conflict,
  413: problemTypes.payloadTooLarge,
  414: problemTypes.uriTooLong,
  415: problemTypes.unsupportedMediaType,
  429: problemTypes.tooManyRequests,
  431: problemTypes.headersTooLarge,
};

/** The reason phrase of a status ("Payload Too Large"), the title of problems without a type of their own. */
export const titleOf = (status: number) => STATUS_CODES[status] ?? 'Error';

/** Details that say what to change instead of echoing a (possibly huge) URL back. */
function frameworkDetail(fe: FastifyError): string {
  switch (fe.code) {
    case 'FST_ERR_BAD_URL':
      return 'The URL path is not validly percent-encoded (RFC 3986)';
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return `A path parameter is longer than ${maxParamLength} characters`;
    default:
      return fe.message;
  }
}

function toProblem(err: FastifyError | HttpProblem | Error): Problem {
  if (err instanceof HttpProblem) {
    return { type: err.problemType, title: err.title, status: err.status, detail: err.detail, ...err.extra };
  }
  const fe = err as FastifyError;
  if (fe.validation) {
    const errors = validationFields(fe);
    return {
      type: problemTypes.validation,
      title: 'Bad Request',
      status: 400,
      detail: `The request is invalid: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`,
      errors,
    };
  }
  if (isDependencyUnavailable(err)) {
    return {
      type: problemTypes.unavailable,
      title: 'Service Unavailable',
      status: 503,
      detail: 'A service this request needs (Temporal or the database) cannot be reached; nothing was lost, try again later.',
    };
  }
  if (fe.code === 'FST_ERR_HANDLER_TIMEOUT') {
    return {
      type: problemTypes.unavailable,
      title: 'Service Unavailable',
      status: 503,
      detail:
        'The request took longer than the time allowed. A command may still be carried out, at most once: ' +
        'send it again with the same Idempotency-Key, or read the case, to learn its outcome.',
    };
  }
  const status = fe.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    // Fastify's own client errors (bad JSON, body too large, wrong content type, bad URL): safe to show.
    return {
      type: fe.code === 'FST_ERR_BAD_URL' ? problemTypes.badRequest : (clientErrorTypes[status] ?? 'about:blank'),
      title: titleOf(status),
      status,
      detail: frameworkDetail(fe),
    };
  }
  return { type: problemTypes.internal, title: 'Internal Server Error', status: 500, detail: 'An unexpected error occurred; it has been logged.' };
}

/** The longest path parameter the router accepts (Fastify's maxParamLength); longer answers 414. */
export const maxParamLength = 200;

export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: Problem) {
  return reply
    .code(problem.status)
    .type(problemMediaType)
    .header('x-request-id', request.id)
    .send({ ...problem, instance: request.url, requestId: request.id });
}

function logProblem(request: FastifyRequest, err: unknown, problem: Problem) {
  if (problem.status >= 500) request.log.error({ err }, 'request failed');
  else request.log.info({ status: problem.status, problem: problem.type }, 'request rejected');
}

/**
 * The router's errors, raised before a route is chosen (Fastify's `frameworkErrors` option): a path
 * that is not validly percent-encoded (400) and a path parameter over `maxParamLength` (414).
 */
export function frameworkErrors(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const problem = toProblem(err);
  logProblem(request, err, problem);
  sendProblem(request, reply, problem);
}

const clientErrorProblems: Record<string, { status: number; type: string; detail: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, type: problemTypes.headersTooLarge, detail: 'The request line and headers exceed the largest size accepted (16 KiB)' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, type: problemTypes.requestTimeout, detail: 'The request (headers and body) did not arrive within the time allowed' },
};

/** "/x?y" from the first line of a raw request, when the packet still holds it. */
function requestTargetOf(err: ConnectionError): string | undefined {
  const raw = err.rawPacket as unknown;
  if (!Buffer.isBuffer(raw)) return undefined;
  return /^[A-Z]{3,10} ([!-~]{1,2048}) HTTP\/1\.[01]\r?\n/.exec(raw.toString('latin1', 0, 2100))?.[1];
}

/**
 * What the Node HTTP server rejects before Fastify sees a request (its `clientError` event, the
 * `clientErrorHandler` option): headers too large (431), a request not received in time (408),
 * anything that does not parse as HTTP/1.1 (400). Written straight to the socket as problem+json,
 * then the connection is closed, as Node does.
 */
export function clientErrorHandler(this: FastifyInstance, err: ConnectionError, socket: Duplex) {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const known = clientErrorProblems[err.code];
  const status = known?.status ?? 400;
  const requestId = randomUUID();
  const problem: Problem = {
    type: known?.type ?? problemTypes.badRequest,
    title: titleOf(status),
    status,
    detail: known?.detail ?? 'The request is not valid HTTP/1.1',
    // Without a parsed request, the occurrence itself names the instance (RFC 9457 § 3.1.5).
    instance: requestTargetOf(err) ?? `urn:uuid:${requestId}`,
    requestId,
  };
  this.log.info({ status, problem: problem.type, code: err.code, requestId }, 'request rejected by the HTTP parser');
  // As Node's own handler: answer only when no response to this connection has started.
  const pending = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !pending?.headersSent) {
    const body = JSON.stringify(problem);
    socket.write(
      `HTTP/1.1 ${status} ${problem.title}\r\nConnection: close\r\nContent-Type: ${problemMediaType}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nx-request-id: ${requestId}\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}

/**
 * Fastify's `handlerTimeout` only holds for requests without a body: its timer is cleared when the
 * request stream closes, which for a POST is as soon as the body has been read (Fastify 5.12.8). So a
 * command whose workflow never answers held its client forever instead of answering 503 after 25 s
 * (found by test/integration/fuzz.test.ts). The same limit, kept by a timer of our own that only
 * the response clears; whichever timer fires first answers, the other sees the reply sent.
 */
function enforceHandlerTimeout(request: FastifyRequest, reply: FastifyReply) {
  const limitMs = request.routeOptions.handlerTimeout;
  if (!limitMs || limitMs <= 0) return;
  const timer = setTimeout(() => {
    if (reply.sent || reply.raw.headersSent) return;
    const err = Object.assign(new Error(`Request timed out after ${limitMs} ms`), { code: 'FST_ERR_HANDLER_TIMEOUT', statusCode: 503 });
    reply.send(err);
  }, limitMs);
  timer.unref();
  reply.raw.once('close', () => clearTimeout(timer));
}

/** One error handler for the whole API: RFC 9457 bodies, and a 5xx never shows its cause. */
/** Seconds a client waits before it sends a request that answered 503 again (with the same Idempotency-Key). */
export const retryAfterSeconds = 5;

export default fp(async function errors(app: FastifyInstance) {
  app.addHook('onRequest', async (request, reply) => enforceHandlerTimeout(request, reply));
  // Every 503 says when to try again (RFC 9110 Retry-After): Temporal, the database or a worker away.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (reply.statusCode === 503 && !reply.hasHeader('retry-after')) reply.header('retry-after', String(retryAfterSeconds));
    return payload;
  });

  app.setErrorHandler((err: FastifyError | HttpProblem, request, reply) => {
    const problem = toProblem(err);
    logProblem(request, err, problem);
    return sendProblem(request, reply, problem);
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, {
      type: problemTypes.notFound,
      title: 'Not Found',
      status: 404,
      detail: `No route ${request.method} ${request.url.split('?')[0]}`,
    }),
  );
});
