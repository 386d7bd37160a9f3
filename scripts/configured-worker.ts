import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { Kysely } from 'kysely';
import type { ChannelOptions } from '../channels/clients.js';
import type { Database } from '../db/schema.js';
import { modularClientOptions } from '../modular/setup.js';
import type { Config } from '../platform/config.js';
import { type RunningService, runWorker } from '../platform/services.js';
import { ensureRetentionSchedule } from '../workflows/retention/schedule.js';
import { ensureScreeningSchedule } from '../workflows/screening/schedule.js';
import type { ProcessSettings } from '../workflows/settings.js';

// What `npm run worker` (scripts/worker.ts) and `npm start` (scripts/start.ts) start alike: the
// worker as the configuration describes it, and the schedules it serves. Not an entry.

export interface ConfiguredWorker {
  config: Config;
  address: string;
  db: Kysely<Database>;
  settings: ProcessSettings;
  dataConverter: DataConverter;
  /** Modular's URL; without it inspection orders wait (their activity retries) until a worker has it. */
  modularUrl: string | undefined;
  /** The sending channels (REGISTERED_MAIL_URL, EBOX_URL, SMTP_URL); an absent one leaves its letters queued. */
  channels: ChannelOptions;
}

export function runConfiguredWorker(w: ConfiguredWorker): Promise<RunningService> {
  return runWorker({
    modular: w.modularUrl ? modularClientOptions(w.config, w.modularUrl) : undefined,
    address: w.address,
    namespace: w.config.temporalNamespace,
    taskQueue: w.config.taskQueue,
    db: w.db,
    settings: w.settings,
    dataConverter: w.dataConverter,
    workflowBundlePath: w.config.workflowBundle,
    shutdownGraceMs: w.config.shutdownGraceMs,
    channels: w.channels,
  });
}

/** Creates or updates the monthly risk screening and the daily retention schedule; answers what each did. */
export async function ensureSchedules(client: Client, config: Config, settings: ProcessSettings): Promise<{ screening: string; retention: string }> {
  const where = { client, namespace: config.temporalNamespace, taskQueue: config.taskQueue };
  return {
    screening: await ensureScreeningSchedule({ ...where, settings: settings.screening() }),
    retention: await ensureRetentionSchedule({ ...where, retentionDays: config.reportRetentionDays, idempotencyKeyRetentionDays: config.idempotencyKeyRetentionDays }),
  };
}
