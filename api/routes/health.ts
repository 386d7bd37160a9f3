import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { AppDependencies } from '../dependencies.js';
import { sendProblem } from '../plugins/errors.js';
import { problemTypes } from '../problems.js';
import { problemRef } from '../schemas/common.js';

const checkTimeoutMs = 2_000;

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${checkTimeoutMs} ms`)), checkTimeoutMs).unref()),
  ]);
}

const statusSchema = {
  type: 'object',
  required: ['status'],
  properties: {
    status: { type: 'string', enum: ['ok'] },
    checks: {
      type: 'object',
      properties: { database: { type: 'string' }, temporal: { type: 'string' } },
    },
  },
} as const;

export default async function healthRoutes(app: FastifyInstance, deps: AppDependencies) {
  app.get('/healthz', {
    config: { public: true },
    schema: { tags: ['health'], summary: 'Liveness: the process answers', security: [], response: { 200: statusSchema } },
  }, async () => ({ status: 'ok' as const }));

  app.get('/readyz', {
    config: { public: true },
    schema: {
      tags: ['health'],
      summary: 'Readiness: Temporal and the database answer',
      security: [],
      response: { 200: statusSchema, 503: problemRef },
    },
  }, async (request, reply) => {
    const [database, temporal] = await Promise.allSettled([
      withTimeout(sql`select 1`.execute(deps.db), 'the database'),
      withTimeout(deps.temporal.workflowService.describeNamespace({ namespace: deps.namespace }), 'Temporal'),
    ]);
    const failures = [
      database.status === 'rejected' ? `database: ${(database.reason as Error).message}` : undefined,
      temporal.status === 'rejected' ? `temporal: ${(temporal.reason as Error).message}` : undefined,
    ].filter(Boolean);
    if (failures.length > 0) {
      request.log.warn({ failures }, 'not ready');
      return sendProblem(request, reply, {
        type: problemTypes.unavailable,
        title: 'Service Unavailable',
        status: 503,
        detail: `Not ready: ${failures.join('; ')}`,
      });
    }
    return { status: 'ok' as const, checks: { database: 'ok', temporal: 'ok' } };
  });
}
