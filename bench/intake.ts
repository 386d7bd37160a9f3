/**
 * Intake (issue 15, goal 1): `POST /meldingen` against a bare workflow start and the raw Temporal
 * client doing the same update-with-start, all on the same dev server in the same run, and each
 * lever of the intake path alone (docs/performance.md).
 *
 * Every variant runs on its own task queue with its own worker and API, over one scratch database
 * seeded with all of Flanders. Each figure is a ratio to the baselines of this run: absolute
 * milliseconds on a shared 2-core machine mean little. After each 201 the register is read: the
 * report must be there when the POST answers (counted as `register misses`).
 */
import { randomBytes } from 'node:crypto';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { resolveLocationLink } from '../db/repositories/locations.js';
import { meldingIdFor } from '../workflows/melding/client.js';
import type { WorkerTuning } from '../platform/worker.js';
import { intakeUpdate, type IntakePath, type MeldingInput, meldingWorkflowId, meldingWorkflowType } from '../workflows/melding/definitions.js';
import { processKindKey } from '../workflows/search-attributes.js';
import {
  type BenchDatabase,
  type BenchServer,
  type BenchSystem,
  type LoadResult,
  load,
  log,
  ms,
  ratio,
  startBenchSystem,
} from './system.js';

export interface IntakeProfile {
  /** Sequential intakes per p50 measurement. */
  sequential: number;
  /**
   * The pause before each sequential call of the p50 (one report at a time, the system quiet
   * between them: the previous report's start and first workflow task, which share this process,
   * are done); the same calls back to back are measured too.
   */
  pauseMs: number;
  /**
   * Intakes per throughput measurement (8 clients). 300 in the full profile: 100 lasted under 3 s,
   * so any stall moved the rate (2026-12-03 08:03: the production default at 34 intakes/s, the same
   * path with other worker tunings at 53–69 in the same run, beside a Temporal dev server that an
   * earlier, interrupted bench had left running).
   */
  concurrent: number;
  /** Upper bound of each measurement. */
  maxMs: number;
  /** Measure every lever (full) or only the baselines, before and kept (quick). */
  levers: boolean;
}

export interface IntakeVariantResult {
  lever: string;
  variant: string;
  sequential: LoadResult;
  backToBack: LoadResult;
  concurrent: LoadResult;
  registerMisses: number;
  note?: string;
}

export interface IntakeResults {
  bareStart: LoadResult;
  bareStartBackToBack: LoadResult;
  bareStartConcurrent: LoadResult;
  rawUpdateWithStart: LoadResult;
  rawUpdateWithStartBackToBack: LoadResult;
  rawUpdateWithStartConcurrent: LoadResult;
  eagerStart: { supported: boolean; note: string; result?: LoadResult };
  variants: IntakeVariantResult[];
}

const clerk = 'u-tc-antwerpen';
const clients = 8;

interface Variant {
  lever: string;
  variant: string;
  intakePath?: IntakePath;
  tuning?: WorkerTuning;
  poolSize?: number;
}

export async function runIntakeBench(server: BenchServer, database: BenchDatabase, profile: IntakeProfile): Promise<IntakeResults> {
  const run = randomBytes(3).toString('hex');
  const locations = (await database.db
    .selectFrom('dossiers').select(['location_id']).where('case_manager_id', 'is not', null)
    .orderBy('id').limit(500).execute()).map((r) => r.location_id);
  const sequentially = { count: profile.sequential, concurrency: 1, maxMs: profile.maxMs, pauseMs: profile.pauseMs };
  let n = 0;
  const body = () => ({
    source: 'derde',
    channel: 'webformulier',
    reporter: { name: 'Sam Janssens', email: 'sam.janssens@voorbeeld.test' },
    location: { locationId: locations[n++ % locations.length] },
    description: 'De verzorgers reageren niet op vragen van ouders en de ruimte is rommelig.',
    categories: ['kwaliteit_pedagogisch'],
    immediateDanger: false,
  });

  async function measureApi(sys: BenchSystem, label: string): Promise<{ sequential: LoadResult; backToBack: LoadResult; concurrent: LoadResult; misses: number }> {
    const headers = { authorization: `Bearer ${sys.token(clerk)}`, 'content-type': 'application/json' };
    let misses = 0;
    const once = async (i: number, phase: string) => {
      const key = `bench-${run}-${label}-${phase}-${i}`;
      const sent = performance.now();
      const res = await fetch(`${sys.url}/meldingen`, { method: 'POST', headers: { ...headers, 'idempotency-key': key }, body: JSON.stringify(body()) });
      if (res.status !== 201) throw new Error(`POST /meldingen ${res.status}: ${(await res.text()).slice(0, 300)}`);
      const { id } = (await res.json()) as { id: string };
      const answered = performance.now() - sent;
      // The register must show the report when the POST answers (not timed).
      const row = await database.db.selectFrom('meldingen').select('id').where('id', '=', id).executeTakeFirst();
      if (!row) misses += 1;
      return answered;
    };
    // Warm-up: the first workflow tasks of a new worker load the bundle.
    await load((i) => once(i, 'warm'), { count: 10, concurrency: 2, maxMs: 30_000 });
    const sequential = await load((i) => once(i, 'seq'), sequentially);
    const backToBack = await load((i) => once(i, 'b2b'), { ...sequentially, pauseMs: 0 });
    const concurrent = await load((i) => once(i, 'conc'), { count: profile.concurrent, concurrency: clients, maxMs: profile.maxMs });
    return { sequential, backToBack, concurrent, misses };
  }

  async function inputFor(sys: BenchSystem, key: string): Promise<MeldingInput> {
    const b = body();
    const receivedAt = new Date();
    return {
      meldingId: meldingIdFor({ idempotencyKey: key }),
      receivedAt: receivedAt.toISOString(),
      source: 'derde',
      channel: 'webformulier',
      externalRef: null,
      idempotencyKey: key,
      reporter: b.reporter,
      description: b.description,
      categories: b.categories,
      immediateDanger: false,
      locationHint: b.location,
      link: (await resolveLocationLink(sys.db, b.location)) ?? null,
      createdBy: { id: clerk, role: 'teamcoordinator' },
      settings: sys.settings.melding(receivedAt),
    };
  }

  const none: LoadResult = { count: 0, errors: 0, seconds: 0, perSecond: NaN, p50: NaN, p99: NaN };
  const results: IntakeResults = {
    bareStart: none, bareStartBackToBack: none, bareStartConcurrent: none,
    rawUpdateWithStart: none, rawUpdateWithStartBackToBack: none, rawUpdateWithStartConcurrent: none,
    eagerStart: { supported: false, note: '' }, variants: [],
  };

  // ----- baselines, on the production configuration ----------------------------------------
  {
    const sys = await startBenchSystem({ server, database });
    try {
      // A bare start: the StartWorkflowExecution round trip alone, on a queue no worker polls
      // (the workflows are terminated afterwards), with the same encrypted input.
      const bareQueue = `${sys.taskQueue}-bare`;
      const bareIds: string[] = [];
      const input = await inputFor(sys, `bench-${run}-bare-input`);
      const bare = async (i: number, phase: string) => {
        const workflowId = `bench-bare-${run}-${phase}-${i}`;
        await sys.temporal.workflow.start(meldingWorkflowType, { workflowId, taskQueue: bareQueue, args: [input] });
        bareIds.push(workflowId);
      };
      await load((i) => bare(i, 'warm'), { count: 10, concurrency: 1, maxMs: 30_000 });
      results.bareStart = await load((i) => bare(i, 'seq'), sequentially);
      results.bareStartBackToBack = await load((i) => bare(i, 'b2b'), { ...sequentially, pauseMs: 0 });
      results.bareStartConcurrent = await load((i) => bare(i, 'conc'), { count: profile.concurrent, concurrency: clients, maxMs: profile.maxMs });
      await Promise.all(bareIds.map((id) => sys.temporal.workflow.getHandle(id).terminate('bench').catch(() => undefined)));

      // The raw client doing the API's update-with-start with the same input (the issue's baseline).
      const raw = async (i: number, phase: string) => {
        const key = `bench-${run}-raw-${phase}-${i}`;
        const input = await inputFor(sys, key);
        const start = new WithStartWorkflowOperation(meldingWorkflowType, {
          workflowId: meldingWorkflowId(input.meldingId), taskQueue: sys.taskQueue, args: [input],
          workflowIdConflictPolicy: 'USE_EXISTING', workflowIdReusePolicy: 'REJECT_DUPLICATE',
          typedSearchAttributes: [{ key: processKindKey, value: 'melding' }],
        });
        await sys.temporal.workflow.executeUpdateWithStart(intakeUpdate, { startWorkflowOperation: start });
      };
      await load((i) => raw(i, 'warm'), { count: 10, concurrency: 2, maxMs: 30_000 });
      results.rawUpdateWithStart = await load((i) => raw(i, 'seq'), sequentially);
      results.rawUpdateWithStartBackToBack = await load((i) => raw(i, 'b2b'), { ...sequentially, pauseMs: 0 });
      results.rawUpdateWithStartConcurrent = await load((i) => raw(i, 'conc'), { count: profile.concurrent, concurrency: clients, maxMs: profile.maxMs });
      log(`  bare start p50 ${ms(results.bareStart.p50)} (back to back ${ms(results.bareStartBackToBack.p50)}); raw update-with-start p50 ${ms(results.rawUpdateWithStart.p50)} ` +
        `(back to back ${ms(results.rawUpdateWithStartBackToBack.p50)}), ${results.rawUpdateWithStartConcurrent.perSecond.toFixed(1)}/s with ${clients} clients`);
    } finally {
      await sys.stop();
    }
  }

  // ----- eager workflow start: does update-with-start take it (SDK 1.24, server 1.29)? -------
  {
    const sys = await startBenchSystem({ server, database, sharedConnection: true });
    try {
      const eager = async (i: number) => {
        const input = await inputFor(sys, `bench-${run}-eager-${i}`);
        const start = new WithStartWorkflowOperation(meldingWorkflowType, {
          workflowId: meldingWorkflowId(input.meldingId), taskQueue: sys.taskQueue, args: [input],
          workflowIdConflictPolicy: 'USE_EXISTING', requestEagerStart: true,
        });
        await sys.temporal.workflow.executeUpdateWithStart(intakeUpdate, { startWorkflowOperation: start });
      };
      try {
        await eager(-1);
        results.eagerStart = { supported: true, note: 'accepted', result: await load(eager, sequentially) };
      } catch (err) {
        results.eagerStart = { supported: false, note: (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 200) };
      }
      log(`  eager start with update-with-start: ${results.eagerStart.supported ? `p50 ${ms(results.eagerStart.result!.p50)}` : `refused: ${results.eagerStart.note}`}`);
    } finally {
      await sys.stop();
    }
  }

  // ----- the levers, each alone, then what is kept ---------------------------------------------
  // The workflow's own intake (update-with-start) is `registeredBy: 'workflow'`; the default since
  // issue 15's last lever is the API registering the report and starting the workflow bare after its commit.
  const byWorkflow = (path: Omit<IntakePath, 'registeredBy'> = {}): IntakePath => ({ registeredBy: 'workflow', ...path });
  const variants: Variant[] = [
    { lever: 'before issue 15', variant: 'two saves, normal activities', intakePath: byWorkflow({ localActivities: false, singleSave: false }) },
    ...(profile.levers ? [
      { lever: 'one save instead of two', variant: 'one save, normal activities', intakePath: byWorkflow({ localActivities: false, singleSave: true }) },
      { lever: 'local activities', variant: 'two saves, local activities', intakePath: byWorkflow({ localActivities: true, singleSave: false }) },
    ] : []),
    { lever: 'both', variant: 'update-with-start, one save, local activity', intakePath: byWorkflow() },
    { lever: 'kept', variant: 'API registers with the start queued, started after the commit (production default)' },
    ...(profile.levers ? [
      { lever: 'worker concurrency', variant: 'maxConcurrentWorkflowTaskExecutions 5', tuning: { maxConcurrentWorkflowTaskExecutions: 5 } },
      { lever: 'worker concurrency', variant: 'maxConcurrentWorkflowTaskExecutions 10', tuning: { maxConcurrentWorkflowTaskExecutions: 10 } },
      { lever: 'worker concurrency', variant: 'maxConcurrentWorkflowTaskExecutions 100, 20 pollers', tuning: { maxConcurrentWorkflowTaskExecutions: 100, workflowTaskPollerBehavior: { type: 'simple-maximum', maximum: 20 } } },
      { lever: 'worker cache', variant: 'maxCachedWorkflows 0 (no sticky cache)', tuning: { maxCachedWorkflows: 0, maxConcurrentWorkflowTaskExecutions: 40 } },
      { lever: 'worker cache', variant: 'maxCachedWorkflows 10,000', tuning: { maxCachedWorkflows: 10_000 } },
      { lever: 'pool size', variant: 'pool 2', poolSize: 2 },
      { lever: 'pool size', variant: 'pool 20', poolSize: 20 },
    ] satisfies Variant[] : []),
  ];
  for (const v of variants) {
    const sys = await startBenchSystem({ server, database, intakePath: v.intakePath, tuning: v.tuning, poolSize: v.poolSize });
    try {
      const label = `v${variants.indexOf(v)}-${v.variant.replace(/[^A-Za-z0-9]+/g, '').slice(0, 24)}`;
      const { sequential, backToBack, concurrent, misses } = await measureApi(sys, label);
      results.variants.push({ lever: v.lever, variant: v.variant, sequential, backToBack, concurrent, registerMisses: misses });
      log(`  ${v.lever.padEnd(24)} ${v.variant.padEnd(56)} p50 ${ms(sequential.p50).padStart(9)} (${ratio(sequential.p50, results.bareStart.p50)} bare start; ` +
        `back to back ${ms(backToBack.p50)}, ${ratio(backToBack.p50, results.bareStartBackToBack.p50)})  ` +
        `${concurrent.perSecond.toFixed(1).padStart(5)}/s with ${clients} clients (p99 ${ms(concurrent.p99)})  errors ${sequential.errors + concurrent.errors}  register misses ${misses}` +
        (sequential.firstError ?? concurrent.firstError ? `  first error: ${sequential.firstError ?? concurrent.firstError}` : ''));
    } finally {
      await sys.stop();
    }
  }
  return results;
}
