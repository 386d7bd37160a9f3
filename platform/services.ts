import type { FastifyInstance } from 'fastify';
import { type AppDependencies, type AppOptions, buildApp } from '../api/app.js';
import { createWorker, type WorkerSetup } from './worker.js';

export interface RunningService {
  stop(): Promise<void>;
}

/** Starts a worker polling in the background; stop() lets running activities finish first. */
export async function runWorker(setup: WorkerSetup): Promise<RunningService> {
  const { worker, close } = await createWorker(setup);
  const running = worker.run();
  return {
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      try {
        await running;
      } finally {
        await close();
      }
    },
  };
}

export interface RunningApi extends RunningService {
  app: FastifyInstance;
  url: string;
}

/** Builds the API and listens; stop() stops accepting and lets in-flight requests finish. */
export async function runApi(deps: AppDependencies, options: AppOptions, host: string, port: number): Promise<RunningApi> {
  const app = await buildApp(deps, options);
  await app.listen({ host, port });
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;
  return {
    app,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`,
    stop: () => app.close(),
  };
}
