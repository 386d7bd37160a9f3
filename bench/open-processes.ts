/**
 * Many open processes on one worker (issue 15, goal 3): `reports` reports registered and waiting
 * on their deadlines and `cases` enforcement cases in their terms (opened through the API, the
 * aanmaning sent, its remedy term running), then `probes` timer probes (bench/workflows.ts) due
 * within a window of `windowMs`, all on one worker with the production tuning
 * (platform/worker.ts workerTuningDefaults: a bounded sticky cache). Reports: the process's
 * memory (RSS, heap) before, with all open, and after the timers; probes: the lag between a
 * timer's due moment and the workflow task it woke (p50, p99, max), taken apart from each probe's
 * history. Bounded in count and in time; open workflows are terminated at the end.
 *
 * Two things the measurement must not mix up with timer lag (docs/performance.md, part 3):
 *  - the worker's backlog: the probes are armed only after every report is registered **and**
 *    the worker and the dev server have gone quiet (nothing in flight, the server's CPU low), so
 *    what is measured is a timer among 9,000 open processes, not a timer behind 9,000 intakes;
 *  - the probes' own density: the baseline on the idle worker fires the same number of probes in
 *    the same window, so the ratio compares like with like.
 * `experiments` (BENCH_OPEN_EXPERIMENTS=1) adds rounds that change one variable at a time: the
 * probe density, a fresh worker, the sticky cache, the poller count, the workflow-task slots.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { resolveLocationLink } from '../db/repositories/locations.js';
import { addDays, localDateOf } from '../workflows/clock/brussels-time.js';
import { enforcementCaseWorkflowId } from '../workflows/enforcement/definitions.js';
import { type WorkerTuning, workerTuningDefaults } from '../platform/worker.js';
import { meldingIdFor } from '../workflows/melding/client.js';
import { type MeldingInput, meldingWorkflowId, meldingWorkflowType, stateQuery } from '../workflows/melding/definitions.js';
import { processKindKey } from '../workflows/search-attributes.js';
import { devServerPid, machineTicks, procTicks } from './cpu.js';
import { type BenchDatabase, type BenchServer, type BenchSystem, load, log, percentile, startBenchSystem } from './system.js';

/** One round of probes and what the machine did meanwhile. */
export interface ProbeRound {
  label: string;
  probes: number;
  fired: number;
  /** Probes whose start reached the worker after their due moment: they measure the start, not a timer. */
  startedLate: number;
  /** The timer's own lag: its moment as the server holds it (TimerStarted + duration) → the workflow task it woke. */
  lag: Spread;
  /** As the probe sees it: the moment it asked for → the task it woke (adds `arming`). */
  probeLag: Spread;
  /** The lag taken apart from the histories: the probe's first task (arming), the server's timer queue, matching and the poll. */
  parts: { arming: Spread; timerQueue: Spread; dispatch: Spread };
  /** The same, for the probes in the slowest 1 %. */
  worst: { arming: number; timerQueue: number; dispatch: number };
  /** Lag p99 per third of the window: a backlog shows as a falling line, a capacity limit as a flat one. */
  p99ByThird: number[];
  /** This process's main thread (the API, the activities, the payload codec): event-loop delay, ms. */
  eventLoop: { p99: number; max: number };
  /** CPU share of one core during the round: this process, the dev server, the whole machine (of 100 % × cores). */
  cpu: { node: number; devServer: number; machine: number };
  /** Most workflow activations in flight at once (of maxConcurrentWorkflowTaskExecutions). */
  maxInFlight: number;
  loadavg: string;
}

interface Spread { p50: number; p99: number; max: number }

export interface OpenProcessesResult {
  reports: number;
  registered: number;
  /** Enforcement cases asked for, and those the register showed waiting in the aanmaning's terms. */
  cases: number;
  casesInTerm: number;
  casesSeconds: number;
  probes: number;
  startSeconds: number;
  registerSeconds: number;
  /** From the last registration until the worker and the dev server were quiet. */
  settleSeconds: number;
  cacheSize: number | undefined;
  memory: { label: string; rssMb: number; heapMb: number; cached?: number }[];
  lag: { p50: number; p99: number; max: number; fired: number };
  /** Baseline: the same probes in the same window, one worker, nothing else open. */
  idleLag: { p50: number; p99: number; max: number; fired: number };
  rounds: ProbeRound[];
}

const mb = (n: number) => Math.round(n / 1024 / 1024);
const spread = (xs: number[]): Spread => ({ p50: percentile(xs, 50), p99: percentile(xs, 99), max: xs.length ? Math.max(...xs) : NaN });
const tsMs = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) => (t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : NaN);

/** Samples CPU, event-loop delay and the worker's slots until `stop()`. */
function watch(sys: BenchSystem, devPid: number | undefined) {
  const eld = monitorEventLoopDelay({ resolution: 10 });
  eld.enable();
  const cpu0 = process.cpuUsage();
  const dev0 = procTicks(devPid);
  const m0 = machineTicks();
  const t0 = performance.now();
  let maxInFlight = 0;
  const timer = setInterval(() => {
    maxInFlight = Math.max(maxInFlight, sys.workerStatus().numInFlightWorkflowActivations);
  }, 100);
  return () => {
    clearInterval(timer);
    eld.disable();
    const seconds = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(cpu0);
    const m1 = machineTicks();
    return {
      eventLoop: { p99: Math.round(eld.percentile(99) / 1e6), max: Math.round(eld.max / 1e6) },
      cpu: {
        node: Math.round((c.user + c.system) / 1e4 / seconds),
        devServer: Math.round((procTicks(devPid) - dev0) / seconds),
        machine: Math.round((100 * (m1.busy - m0.busy)) / Math.max(1, m1.total - m0.total)) * 2,
      },
      maxInFlight,
    };
  };
}

export interface OpenProcessesOptions {
  reports: number;
  /** Enforcement cases opened and brought into their remedy term, each on its own location. */
  cases: number;
  probes: number;
  windowMs: number;
  /** Bounds the starting of the reports. */
  maxMs: number;
  /**
   * Bounds the wait for the worker to register them, which the machine's speed sets: 9,000 took
   * 239–255 s on the EPYC in two runs and 7,073 were registered after 266 s in a third, slower one.
   */
  registerMaxMs: number;
  /** Extra rounds, one variable at a time (bench/open-processes.ts header). */
  experiments?: boolean;
}

export async function runOpenProcessesBench(server: BenchServer, database: BenchDatabase, options: OpenProcessesOptions): Promise<OpenProcessesResult> {
  const run = randomBytes(3).toString('hex');
  const memory: OpenProcessesResult['memory'] = [];
  const rounds: ProbeRound[] = [];
  const sys = await startBenchSystem({ server, database });
  const devPid = devServerPid(server.dev.address);
  const sample = (label: string) => {
    globalThis.gc?.();
    const m = process.memoryUsage();
    const cached = sys.workerStatus().numCachedWorkflows;
    memory.push({ label, rssMb: mb(m.rss), heapMb: mb(m.heapUsed), cached });
    log(`  memory ${label}: RSS ${mb(m.rss)} MB, heap ${mb(m.heapUsed)} MB, ${cached} workflows in the worker's cache (load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')})`);
  };
  const started: string[] = [];
  const experiments = options.experiments ?? process.env.BENCH_OPEN_EXPERIMENTS === '1';
  try {
    // Starting the probes takes time too (the start rate of the warm-up, measured below): the first
    // is due only after all can have started, so that no probe measures its own start instead of a
    // timer (those that still start late are counted apart and left out).
    let msPerStart = 20;
    async function probes(label: string, count: number): Promise<ProbeRound> {
      const loadavg = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
      const firstAt = Date.now() + 5_000 + Math.ceil(2 * count * msPerStart);
      const ids: string[] = [];
      const stop = watch(sys, devPid);
      await load(async (i) => {
        const workflowId = `bench-probe-${run}-${label}-${i}`;
        await sys.temporal.workflow.start('benchTimerProbe', { workflowId, taskQueue: sys.taskQueue, args: [firstAt + Math.floor((i / count) * options.windowMs)] });
        ids.push(workflowId);
      }, { count, concurrency: 8, maxMs: 60_000 });
      const results: { id: string; fireAt: number; wokeAt: number }[] = [];
      const until = Date.now() + (firstAt - Date.now()) + options.windowMs + 60_000;
      for (const id of ids) {
        const left = until - Date.now();
        if (left <= 0) break;
        const r = await Promise.race([
          sys.temporal.workflow.getHandle(id).result() as Promise<{ fireAt: number; wokeAt: number }>,
          new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), left)),
        ]);
        if (r) results.push({ id, ...r });
      }
      const watched = stop();
      // Each probe's history: arming (its first task, until the timer is recorded), the server's
      // timer queue (the timer's moment → TimerFired), dispatch (TimerFired → the task's start).
      const parts = new Map<string, { arming: number; timerQueue: number; dispatch: number; late: boolean }>();
      await load(async (i) => {
        const r = results[i]!;
        const events = (await sys.temporal.workflow.getHandle(r.id).fetchHistory()).events ?? [];
        const timer = events.find((e) => e.timerStartedEventAttributes);
        const firedIndex = events.findIndex((e) => e.timerFiredEventAttributes);
        if (!timer || firedIndex < 0) {
          parts.set(r.id, { arming: NaN, timerQueue: NaN, dispatch: NaN, late: true });
          return;
        }
        const due = tsMs(timer.eventTime) + tsMs(timer.timerStartedEventAttributes!.startToFireTimeout);
        const fired = tsMs(events[firedIndex]!.eventTime);
        const wake = events.slice(firedIndex).find((e) => e.workflowTaskStartedEventAttributes);
        parts.set(r.id, { arming: due - r.fireAt, timerQueue: fired - due, dispatch: tsMs(wake?.eventTime) - fired, late: false });
      }, { count: results.length, concurrency: 8, maxMs: 60_000 });
      const armed = results.filter((r) => parts.get(r.id) && !parts.get(r.id)!.late);
      const lagOf = (r: { id: string }) => parts.get(r.id)!.timerQueue + parts.get(r.id)!.dispatch;
      const lags = armed.map(lagOf);
      const got = armed.map((r) => parts.get(r.id)!);
      const p99 = percentile(lags, 99);
      const worst = armed.filter((r) => lagOf(r) >= p99).map((r) => parts.get(r.id)!);
      const avg = (xs: number[]) => (xs.length ? Math.round(xs.reduce((a, b) => a + b, 0) / xs.length) : NaN);
      const third = options.windowMs / 3;
      const p99ByThird = [0, 1, 2].map((k) => percentile(armed.filter((r) => r.fireAt - firstAt >= k * third && r.fireAt - firstAt < (k + 1) * third).map(lagOf), 99));
      const round: ProbeRound = {
        label, probes: count, fired: armed.length, startedLate: [...parts.values()].filter((p) => p.late).length,
        lag: spread(lags), probeLag: spread(armed.map((r) => r.wokeAt - r.fireAt)),
        parts: { arming: spread(got.map((p) => p.arming)), timerQueue: spread(got.map((p) => p.timerQueue)), dispatch: spread(got.map((p) => p.dispatch)) },
        worst: { arming: avg(worst.map((p) => p.arming)), timerQueue: avg(worst.map((p) => p.timerQueue)), dispatch: avg(worst.map((p) => p.dispatch)) },
        p99ByThird, ...watched, loadavg,
      };
      rounds.push(round);
      log(`  probes ${label}: ${round.fired}/${count} fired (${round.startedLate} started late); timer lag p50 ${round.lag.p50} p99 ${round.lag.p99} max ${round.lag.max} ms; ` +
        `as the probe sees it p50 ${round.probeLag.p50} p99 ${round.probeLag.p99} ms; p99 of arming ${round.parts.arming.p99}, timer queue ${round.parts.timerQueue.p99}, dispatch ${round.parts.dispatch.p99} ms (slowest 1 %: ${round.worst.arming}/${round.worst.timerQueue}/${round.worst.dispatch}); ` +
        `p99 by third ${round.p99ByThird.join('/')}; event loop p99 ${round.eventLoop.p99} max ${round.eventLoop.max} ms; ` +
        `CPU node ${round.cpu.node} %, dev server ${round.cpu.devServer} %, machine ${round.cpu.machine} % of 200; ${round.maxInFlight} activations in flight at most; load ${loadavg}`);
      return round;
    }
    const short = (r: ProbeRound) => ({ p50: r.lag.p50, p99: r.lag.p99, max: r.lag.max, fired: r.fired });

    sample('worker idle');
    // Warm-up, not reported: the worker's first workflow tasks load the bundle and build its context.
    const warm = performance.now();
    await load(async (i) => {
      await sys.temporal.workflow.start('benchTimerProbe', { workflowId: `bench-probe-${run}-warm-${i}`, taskQueue: sys.taskQueue, args: [Date.now() + 500] });
    }, { count: 50, concurrency: 8, maxMs: 60_000 });
    msPerStart = (performance.now() - warm) / 50;
    await new Promise((r) => setTimeout(r, 3_000));
    log(`  warm-up: 50 probes started at ${(1000 / msPerStart).toFixed(0)}/s`);
    if (experiments) await probes('idle-200', Math.min(200, options.probes));
    const idleLag = short(await probes('idle', options.probes));

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
    const waitUntil = Date.now() + options.registerMaxMs;
    while (registered < starts.count && Date.now() < waitUntil) {
      await new Promise((r) => setTimeout(r, 1_000));
      registered = await count();
    }
    const registerSeconds = (performance.now() - t0) / 1000;
    log(`  ${registered} of ${starts.count} registered after ${registerSeconds.toFixed(1)} s`);
    const c0 = performance.now();
    const casesInTerm = await openCasesInTheirTerm(sys, database, options.cases, (workflowId) => started.push(workflowId));
    const casesSeconds = (performance.now() - c0) / 1000;
    log(`  ${casesInTerm} of ${options.cases} enforcement cases in their remedy term after ${casesSeconds.toFixed(1)} s`);
    // Quiet: nothing in flight on the worker and the dev server under 15 % of a core, for 3 s in a
    // row (bounded: 120 s). The intakes' last tasks and the server's visibility and transfer
    // queues finish here instead of during the probes.
    const settle0 = performance.now();
    let quietSince: number | undefined;
    let devTicks = procTicks(devPid);
    while (performance.now() - settle0 < 120_000) {
      await new Promise((r) => setTimeout(r, 500));
      const st = sys.workerStatus();
      const ticks = procTicks(devPid);
      const devCpu = (ticks - devTicks) * 2; // % of a core over the last 500 ms
      devTicks = ticks;
      if (st.numInFlightWorkflowActivations === 0 && st.numInFlightActivities === 0 && devCpu < 15) {
        quietSince ??= performance.now();
        if (performance.now() - quietSince >= 3_000) break;
      } else quietSince = undefined;
    }
    const settleSeconds = (performance.now() - settle0) / 1000;
    log(`  worker and dev server quiet ${settleSeconds.toFixed(1)} s after the last registration`);
    const open = `${registered} reports and ${casesInTerm} cases open`;
    sample(open);

    if (experiments) await probes('loaded-200', Math.min(200, options.probes));
    const lag = short(await probes('loaded', options.probes));
    sample(`${open}, ${lag.fired} timers fired`);

    if (experiments) {
      // One variable at a time, each on a fresh worker on the same task queue (its cache empty:
      // the reports are not woken during a round, so only the probes enter it).
      const variants: [string, WorkerTuning][] = [
        ['fresh worker (production tuning)', {}],
        ['cache 12,000', { maxCachedWorkflows: 12_000 }],
        ['20 workflow-task pollers', { workflowTaskPollerBehavior: { type: 'simple-maximum', maximum: 20 } }],
        ['100 workflow-task slots', { maxConcurrentWorkflowTaskExecutions: 100 }],
      ];
      for (const [label, tuning] of variants) {
        await sys.restartWorker({ ...workerTuningDefaults, ...tuning });
        await probes(label, options.probes);
      }
      // The memory of the sticky cache: wake 3,000 reports (a query replays one into the cache)
      // with the cache at the production 2,000, then at 12,000.
      for (const cache of [workerTuningDefaults.maxCachedWorkflows ?? 0, 12_000]) {
        await sys.restartWorker({ ...workerTuningDefaults, maxCachedWorkflows: cache });
        sample(`fresh worker, cache ${cache}, before waking reports`);
        const t = performance.now();
        const woken = await load(async (i) => {
          await sys.temporal.workflow.getHandle(started[i]!).query(stateQuery);
        }, { count: Math.min(3_000, started.length), concurrency: 16, maxMs: 120_000 });
        log(`  woke ${woken.count} reports by a query in ${((performance.now() - t) / 1000).toFixed(1)} s (p50 ${woken.p50.toFixed(0)} ms, p99 ${woken.p99.toFixed(0)} ms: a replay from history each)`);
        sample(`cache ${cache}, ${woken.count} reports woken`);
      }
    }
    return { reports: starts.count, registered, cases: options.cases, casesInTerm, casesSeconds, probes: options.probes, startSeconds, registerSeconds, settleSeconds, cacheSize: workerTuningDefaults.maxCachedWorkflows, memory, lag, idleLag, rounds };
  } finally {
    // Leave nothing running on the dev server for the next part of the bench: the year opens cases
    // on locations of the same seed, whose workflow ids (one case per location) these cases hold.
    // The cases first (their step flows end with them), then the reports.
    const order = [...started].reverse();
    const ended = await load(async (i) => {
      await sys.temporal.workflow.getHandle(order[i]!).terminate('bench done').catch(() => undefined);
    }, { count: order.length, concurrency: 16, maxMs: 180_000 });
    // Then whatever the task queue still runs (the step flows, whose parent's end reaches them a
    // moment later), until visibility shows none; bounded.
    const running = `TaskQueue = "${sys.taskQueue}" AND ExecutionStatus = "Running"`;
    let left = Number.NaN;
    for (const until = Date.now() + 60_000; Date.now() < until;) {
      left = (await sys.temporal.workflow.count(running)).count;
      if (left === 0) break;
      for await (const w of sys.temporal.workflow.list({ query: running })) await sys.temporal.workflow.getHandle(w.workflowId, w.runId).terminate('bench done').catch(() => undefined);
      await new Promise((r) => setTimeout(r, 1_000));
    }
    log(`  terminated ${ended.count} of ${order.length} in ${ended.seconds.toFixed(0)} s; still running on the task queue: ${left}`);
    await sys.stop();
  }
}

/**
 * Opens `count` enforcement cases through the API, each on its own location by its dossier's case
 * manager, and brings each into its terms as a case manager does: the shortcomings with a remedy
 * term of 14 days, then the talk, after which the written aanmaning goes out and the step waits
 * on Mentes's contact and the remedy deadline. Each is a case workflow and its step flow, both
 * open. Answers how many the register shows in that follow-up block (bounded wait).
 */
async function openCasesInTheirTerm(sys: BenchSystem, database: BenchDatabase, count: number, opened: (workflowId: string) => void): Promise<number> {
  if (count === 0) return 0;
  const dossiers = await database.db.selectFrom('dossiers').innerJoin('locations', 'locations.id', 'dossiers.location_id')
    .select(['dossiers.location_id', 'dossiers.case_manager_id'])
    .where('dossiers.case_manager_id', 'is not', null).where('locations.licence_status', '=', 'actief')
    .orderBy('dossiers.id', 'desc').limit(count).execute();
  const remedyBy = addDays(localDateOf(Date.now()), 14);
  /**
   * A command as the UI sends it, under an Idempotency-Key: again while the step does not take it
   * yet (409: refused, so a new request with a new key) or the system is busy (503: it may have
   * been admitted, so the same key, and it counts once); bounded.
   */
  async function post(path: string, as: string, json: unknown): Promise<{ id: string }> {
    const until = Date.now() + 60_000;
    let key = randomBytes(8).toString('hex');
    for (;;) {
      const res = await fetch(`${sys.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sys.token(as)}`, 'content-type': 'application/json', 'idempotency-key': `bench-open-${key}` },
        body: JSON.stringify(json),
      });
      const body = await res.text();
      if (res.status < 300) return JSON.parse(body) as { id: string };
      if ((res.status !== 409 && res.status !== 503) || Date.now() > until) throw new Error(`POST ${path} as ${as}: ${res.status} ${body.slice(0, 200)}`);
      if (res.status === 409) key = randomBytes(8).toString('hex');
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const result = await load(async (i) => {
    const { location_id: locationId, case_manager_id: kb } = dossiers[i]!;
    const { id } = await post('/handhaving', kb!, { locationId, milestone: { kind: 'rechtstreeks', note: 'Open proces (bench).' } });
    opened(enforcementCaseWorkflowId(locationId));
    await post(`/handhaving/${id}/shortcomings`, kb!, { shortcomings: ['Te weinig begeleiders voor het aantal kinderen'], remedyBy });
    await post(`/handhaving/${id}/talk`, kb!, { at: new Date().toISOString(), summary: 'Gesprek met de verantwoordelijke over de tekortkomingen.' });
  }, { count: dossiers.length, concurrency: 8, maxMs: 300_000 });
  if (result.errors) log(`  cases: ${result.errors} errors, first: ${result.firstError}`);
  const locations = dossiers.map((d) => d.location_id);
  const inTerm = async () => Number((await database.db.selectFrom('enforcement_cases').select((eb) => eb.fn.countAll().as('n'))
    .where('location_id', 'in', locations).where('status', '=', 'open').where('step', '=', 'aanmaning').where('block', '=', 'opvolging').executeTakeFirstOrThrow()).n);
  let n = await inTerm();
  for (const until = Date.now() + 120_000; n < result.count && Date.now() < until; n = await inTerm()) await new Promise((r) => setTimeout(r, 1_000));
  return n;
}
