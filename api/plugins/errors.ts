import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isDependencyUnavailable } from '../dependency-errors.js';
import { HttpProblem, type Problem, type ProblemField, problemTypes } from '../problems.js';

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
  401: problemTypes.unauthorized,
  403: problemTypes.forbidden,
  404: problemTypes.notFound,
  409: problemTypes.conflict,
  413: problemTypes.payloadTooLarge,
  415: problemTypes.unsupportedMediaType,
};

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
  const status = fe.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    // Fastify's own client errors (bad JSON, body too large, wrong content type): safe to show.
    return {
      type: clientErrorTypes[status] ?? (status === 400 ? problemTypes.validation : 'about:blank'),
      title: status === 413 ? 'Payload Too Large' : status === 415 ? 'Unsupported Media Type' : 'Bad Request',
      status,
      detail: fe.message,
    };
  }
  return { type: problemTypes.internal, title: 'Internal Server Error', status: 500, detail: 'An unexpected error occurred; it has been logged.' };
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: Problem) {
  return reply
    .code(problem.status)
    .type('application/problem+json')
    .send({ ...problem, instance: request.url, requestId: request.id });
}

/** One error handler for the whole API: RFC 9457 bodies, and a 5xx never shows its cause. */
export default fp(async function errors(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError | HttpProblem, request, reply) => {
    const problem = toProblem(err);
    if (problem.status >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ status: problem.status, problem: problem.type }, 'request rejected');
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
