/**
 * Many open processes on one worker (issue 15, goal 3): `reports` reports registered and waiting
 * on their deadlines, then `probes` timer probes (bench/workflows.ts) due within a window of
 * `windowMs`, all on one worker with the production tuning (platform/worker.ts workerTuningDefaults:
 * a bounded sticky cache). Reports: the process's memory (RSS, heap) before, with all open,
 * and after the timers; probes: the lag between a timer's due moment and the workflow task it
 * woke (p50, p99, max). Bounded in count and in time; open workflows are terminated at the end.
 */
import { randomBytes } from 'node:crypto';
import { resolveLocationLink } from '../db/repositories/locations.js';
import { meldingIdFor } from '../workflows/melding/client.js';
import { type MeldingInput, meldingWorkflowId, meldingWorkflowType } from '../workflows/melding/definitions.js';
import { processKindKey } from '../workflows/search-attributes.js';
import { type BenchDatabase, type BenchServer, load, log, percentile, startBenchSystem } from './system.js';

export interface OpenProcessesResult {
  reports: number;
  registered: number;
  probes: number;
  startSeconds: number;
  registerSeconds: number;
  cacheSize: number | undefined;
  memory: { label: string; rssMb: number; heapMb: number }[];
  lag: { p50: number; p99: number; max: number; fired: number };
  /** Baseline: the same probes, one worker, nothing else open. */
  idleLag: { p50: number; p99: number; max: number; fired: number };
}

const mb = (n: number) => Math.round(n / 1024 / 1024);

export async function runOpenProcessesBench(server: BenchServer, database: BenchDatabase, options: { reports: number; probes: number; windowMs: number; maxMs: number }): Promise<OpenProcessesResult> {
  const run = randomBytes(3).toString('hex');
  const memory: OpenProcessesResult['memory'] = [];
  const sample = (label: string) => {
    globalThis.gc?.();
    const m = process.memoryUsage();
    memory.push({ label, rssMb: mb(m.rss), heapMb: mb(m.heapUsed) });
    log(`  memory ${label}: RSS ${mb(m.rss)} MB, heap ${mb(m.heapUsed)} MB`);
  };
  const sys = await startBenchSystem({ server, database });
  const started: string[] = [];
  try {
    async function probes(label: string, count: number) {
      const firstAt = Date.now() + 5_000;
      const ids: string[] = [];
      await load(async (i) => {
        const workflowId = `bench-probe-${run}-${label}-${i}`;
        await sys.temporal.workflow.start('benchTimerProbe', { workflowId, taskQueue: sys.taskQueue, args: [firstAt + Math.floor((i / count) * options.windowMs)] });
        ids.push(workflowId);
      }, { count, concurrency: 8, maxMs: 60_000 });
      const lags: number[] = [];
      const until = Date.now() + options.windowMs + 5_000 + 60_000;
      for (const id of ids) {
        const left = until - Date.now();
        if (left <= 0) break;
        const r = await Promise.race([
          sys.temporal.workflow.getHandle(id).result() as Promise<{ fireAt: number; wokeAt: number }>,
          new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), left)),
        ]);
        if (r) lags.push(r.wokeAt - r.fireAt);
      }
      return { p50: percentile(lags, 50), p99: percentile(lags, 99), max: lags.length ? Math.max(...lags) : NaN, fired: lags.length };
    }

    sample('worker idle');
    const idleLag = await probes('idle', Math.min(200, options.probes));
    log(`  timer lag, nothing else open: p50 ${idleLag.p50} ms, p99 ${idleLag.p99} ms, max ${idleLag.max} ms (${idleLag.fired} timers)`);

    const locations = (await database.db.selectFrom('dossiers').select(['location_id']).where('case_manager_id', 'is not', null).orderBy('id').limit(2_000).execute()).map((r) => r.location_id);
    const links = new Map<string, MeldingInput['link']>();
    for (const id of locations.slice(0, 200)) links.set(id, (await resolveLocationLink(database.db, { locationId: id })) ?? null);
    const linkIds = [...links.keys()];
    const t0 = performance.now();
    const starts = await load(async (i) => {
      const key = `bench-open-${run}-${i}`;
      const receivedAt = new Date();
      const locationId = linkIds[i % linkIds.length]!;
      const input: MeldingInput = {
        meldingId: meldingIdFor({ idempotencyKey: key }), receivedAt: receivedAt.toISOString(), source: 'derde', channel: 'webformulier',
        externalRef: null, idempotencyKey: key, reporter: null, description: 'Open proces (bench).', categories: ['kwaliteit_pedagogisch'],
        immediateDanger: false, locationHint: { locationId }, link: links.get(locationId) ?? null,
        createdBy: { id: 'u-tc-antwerpen', role: 'teamcoordinator' }, settings: sys.settings.melding(receivedAt),
      };
      const workflowId = meldingWorkflowId(input.meldingId);
      await sys.temporal.workflow.start(meldingWorkflowType, { workflowId, taskQueue: sys.taskQueue, args: [input], typedSearchAttributes: [{ key: processKindKey, value: 'melding' }] });
      started.push(workflowId);
    }, { count: options.reports, concurrency: 16, maxMs: options.maxMs });
    const startSeconds = (performance.now() - t0) / 1000;
    log(`  started ${starts.count} reports in ${startSeconds.toFixed(1)} s (${starts.perSecond.toFixed(0)}/s)${starts.errors ? `, ${starts.errors} errors: ${starts.firstError}` : ''}`);
    // Registered: the worker has run each one's intake (its row is in the register).
    const count = async () => Number((await database.db.selectFrom('meldingen').select((eb) => eb.fn.countAll().as('n')).where('description', '=', 'Open proces (bench).').executeTakeFirstOrThrow()).n);
    let registered = await count();
    const waitUntil = Date.now() + options.maxMs;
    while (registered < starts.count && Date.now() < waitUntil) {
      await new Promise((r) => setTimeout(r, 1_000));
      registered = await count();
    }
    const registerSeconds = (performance.now() - t0) / 1000;
    log(`  ${registered} of ${starts.count} registered after ${registerSeconds.toFixed(1)} s`);
    sample(`${registered} reports open`);

    const lag = await probes('loaded', options.probes);
    log(`  timer lag with ${registered} reports open: p50 ${lag.p50} ms, p99 ${lag.p99} ms, max ${lag.max} ms (${lag.fired} of ${options.probes} timers)`);
    sample(`${registered} reports open, ${lag.fired} timers fired`);
    return { reports: starts.count, registered, probes: options.probes, startSeconds, registerSeconds, cacheSize: 2_000, memory, lag, idleLag };
  } finally {
    // Leave nothing running on the dev server for the next part of the bench.
    await load(async (i) => {
      await sys.temporal.workflow.getHandle(started[i]!).terminate('bench done').catch(() => undefined);
    }, { count: started.length, concurrency: 16, maxMs: 120_000 });
    await sys.stop();
  }
}
