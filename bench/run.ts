/**
 * `npm run bench`: the performance figures of issue 15, each beside a baseline measured in the
 * same run, written to bench/RESULTS.md (with the machine and the date) and printed.
 *
 *   npm run bench                     full profile (about 16 minutes on 2 cores)
 *   BENCH_PROFILE=quick npm run bench a smaller run of every part (about 3 minutes)
 *
 * Parts: intake (and each lever of it), lists and dashboard at volume on PostgreSQL and PGlite,
 * 10,000 open processes on one worker, a year of Flanders (bench/year.ts); on request
 * (BENCH_PARTS=…,scoring, full profile) the risk scoring of 6,300 and 630,000 locations
 * (bench/scoring.ts, issue 11, about 2 minutes more). One Temporal dev server (in
 * memory, 127.0.0.1, a free port) and scratch databases, all removed at the end. Every client and
 * worker uses the payload codec, as production does. BENCH_PARTS=intake,lists,open,year,scoring
 * (default intake,lists,open,year) runs a subset; BENCH_OUT writes elsewhere than bench/RESULTS.md.
 */
import { writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type IntakeResults, runIntakeBench } from './intake.js';
import { fullVolume, type ListsResult, runListsBench } from './lists.js';
import { type OpenProcessesResult, runOpenProcessesBench } from './open-processes.js';
import { runScoringBench } from './scoring.js';
import { type BenchDatabase, log, scratchDatabase, startBenchServer } from './system.js';
import { printYear, runYear, type YearResult, yearDefaults } from './year.js';

const profileName = process.env.BENCH_PROFILE === 'quick' ? 'quick' : 'full';
const quick = profileName === 'quick';
const parts = new Set((process.env.BENCH_PARTS ?? 'intake,lists,open,year').split(',').map((p) => p.trim()));
const out = process.env.BENCH_OUT ?? fileURLToPath(new URL('./RESULTS.md', import.meta.url));

const profile = {
  intake: quick ? { sequential: 15, pauseMs: 100, concurrent: 40, maxMs: 15_000, levers: false } : { sequential: 30, pauseMs: 100, concurrent: 300, maxMs: 40_000, levers: true },
  lists: quick
    ? { requests: 15, volume: { reports: 10_000, cases: 1_000, timeline: 63_000 }, embedded: { reports: 5_000, cases: 500, timeline: 40_000 }, embeddedSeed: 0.1 }
    : { requests: 300, volume: fullVolume, embedded: fullVolume, embeddedSeed: 1 },
  // 10,000 open processes: reports waiting on their deadlines, cases in their terms (each a case
  // workflow and its step flow) and the timer probes that measure the lag among them.
  open: quick
    ? { reports: 300, cases: 20, probes: 100, windowMs: 5_000, maxMs: 30_000, registerMaxMs: 30_000 }
    : { reports: 8_000, cases: 1_000, probes: 1_000, windowMs: 30_000, maxMs: 180_000, registerMaxMs: 480_000 },
  // The bench's year runs a day in 700 ms (the year in ~4.5 minutes); `npm run simulate:year` in 1 s.
  year: quick ? { ...yearDefaults, scale: 0.1, days: 30, dayMs: 1_000, maxMs: 45_000 } : { ...yearDefaults, dayMs: 700, maxMs: 330_000 },
};

const machine = () => {
  const c = cpus();
  return `${c.length} × ${c[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GB RAM (${(freemem() / 2 ** 30).toFixed(1)} GB free), ` +
    `${process.platform} ${process.arch}, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' / ')}`;
};
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const x = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');
const yes = (ok: boolean) => (ok ? '**met**' : '**not met**');

const started = new Date();
const machineAtStart = machine();
const t0 = performance.now();
log(`npm run bench (${profileName}) on ${machineAtStart}`);

let intake: IntakeResults | undefined;
const lists: ListsResult[] = [];
let open: OpenProcessesResult | undefined;
let year: { result: YearResult; lines: string[] } | undefined;
let scoring: string[] | undefined;
const failures: string[] = [];

const server = await startBenchServer();
let shared: BenchDatabase | undefined;
try {
  if (parts.has('intake') || parts.has('open') || parts.has('year')) {
    const t = performance.now();
    shared = await scratchDatabase('postgres', { seedScale: 1 });
    log(`scratch PostgreSQL database with the synthetic Flanders in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  }
  const part = async (name: string, fn: () => Promise<void>) => {
    if (!parts.has(name)) return;
    const t = performance.now();
    log(`\n== ${name}`);
    try {
      await fn();
    } catch (err) {
      failures.push(`${name}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      log(`  FAILED: ${err instanceof Error ? err.message : String(err)}`);
    }
    log(`  (${((performance.now() - t) / 1000).toFixed(0)} s)`);
  };
  await part('intake', async () => {
    intake = await runIntakeBench(server, shared!, profile.intake);
  });
  await part('lists', async () => {
    for (const kind of ['postgres', 'embedded'] as const) {
      const t = performance.now();
      const db = await scratchDatabase(kind, { seedScale: kind === 'embedded' ? profile.lists.embeddedSeed : 1 });
      log(`  ${kind}: migrated and seeded in ${((performance.now() - t) / 1000).toFixed(0)} s`);
      try {
        lists.push(await runListsBench(db, { requests: profile.lists.requests, volume: kind === 'embedded' ? profile.lists.embedded : profile.lists.volume }));
      } finally {
        await db.drop();
      }
    }
  });
  await part('open', async () => {
    // Its own database: its cases stay open in the register (their workflows are terminated at the
    // end), and the year opens cases on locations of the same seed.
    const db = await scratchDatabase('postgres', { seedScale: 1 });
    try {
      open = await runOpenProcessesBench(server, db, profile.open);
    } finally {
      await db.drop();
    }
  });
  await part('year', async () => {
    const result = await runYear(server, shared!, profile.year);
    year = { result, lines: printYear(result) };
  });
  if (!quick && parts.has('scoring')) {
    await part('scoring', async () => {
      scoring = await runScoringBench();
    });
  }
} finally {
  await shared?.drop();
  await server.stop();
}

// ----- bench/RESULTS.md ----------------------------------------------------------------------------
const seconds = (performance.now() - t0) / 1000;
const md: string[] = [
  '# Benchmark results',
  '',
  `Written by \`${quick ? 'BENCH_PROFILE=quick ' : ''}npm run bench\` (bench/run.ts) on ${started.toISOString()} in ${(seconds / 60).toFixed(1)} minutes.`,
  '',
  `- Machine at the start: ${machineAtStart}`,
  `- Machine at the end: ${machine()}`,
  `- Profile: ${profileName} (parts: ${[...parts].join(', ')})`,
  '- One Temporal dev server (CLI v1.5.1, in memory) and PostgreSQL on 127.0.0.1; API, worker and load in this one process; every Temporal payload encrypted by the codec.',
  '- Every figure stands beside a baseline measured in the same run: on a shared 2-core machine the ratios mean more than the milliseconds. What each part does and why: [docs/performance.md](../docs/performance.md).',
  '',
];
if (failures.length) md.push('## Parts that failed', '', ...failures.map((f) => `- ${f.split('\n')[0]}`), '');

if (intake) {
  const i = intake;
  const kept = i.variants.find((v) => v.lever === 'kept');
  const before = i.variants.find((v) => v.lever === 'before issue 15');
  md.push(
    '## 1. Intake: `POST /meldingen`',
    '',
    `Baselines (same server, same input, same codec). p50: one call at a time, ${profile.intake.pauseMs} ms apart (the previous call's ` +
      'background work, in this one process, done); back to back: the next call as soon as the previous answered.',
    '',
    '| baseline | p50 | p50 back to back | p99 | per second with 8 clients |',
    '| --- | ---: | ---: | ---: | ---: |',
    `| bare workflow start (StartWorkflowExecution, no worker involved) | ${f1(i.bareStart.p50)} ms | ${f1(i.bareStartBackToBack.p50)} ms | ${f1(i.bareStart.p99)} ms | ${f1(i.bareStartConcurrent.perSecond)} |`,
    `| raw Temporal client, the API's update-with-start (production path) | ${f1(i.rawUpdateWithStart.p50)} ms | ${f1(i.rawUpdateWithStartBackToBack.p50)} ms | ${f1(i.rawUpdateWithStart.p99)} ms | ${f1(i.rawUpdateWithStartConcurrent.perSecond)} |`,
    '',
    `Eager workflow start with update-with-start: ${i.eagerStart.supported ? `accepted, p50 ${f1(i.eagerStart.result!.p50)} ms` : `refused by the server: \`${i.eagerStart.note}\``}.`,
    '',
    'Each lever alone, through the API (1 client for p50, as above; 8 concurrent clients for the rate). The time is the POST until its answer is read; after every 201 the register is read (not timed): a miss would mean the report was not there when the POST answered.',
    '',
    '| lever | variant | p50 | p50 / bare start | p50 back to back / bare start back to back | p50 / raw client | per second, 8 clients | rate / raw client | p99, 8 clients | errors | register misses |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...i.variants.map((v) => `| ${v.lever} | ${v.variant} | ${f1(v.sequential.p50)} ms | ${x(v.sequential.p50, i.bareStart.p50)} | ${f1(v.backToBack.p50)} ms = ${x(v.backToBack.p50, i.bareStartBackToBack.p50)} | ${x(v.sequential.p50, i.rawUpdateWithStart.p50)} | ` +
      `${f1(v.concurrent.perSecond)} | ${x(v.concurrent.perSecond, i.rawUpdateWithStartConcurrent.perSecond)} | ${f1(v.concurrent.p99)} ms | ${v.sequential.errors + v.backToBack.errors + v.concurrent.errors} | ${v.registerMisses} |`),
    '',
  );
  if (kept) {
    md.push(
      `Goal: p50 ≤ 3× a bare start: ${x(kept.sequential.p50, i.bareStart.p50)}, ${yes(kept.sequential.p50 <= 3 * i.bareStart.p50)} ` +
        `(back to back: ${x(kept.backToBack.p50, i.bareStartBackToBack.p50)}, ${yes(kept.backToBack.p50 <= 3 * i.bareStartBackToBack.p50)}). ` +
        `≥ 40 intakes/s with 8 clients: ${f1(kept.concurrent.perSecond)}/s, ${yes(kept.concurrent.perSecond >= 40)}. ` +
        `Register shows the report when the POST answers: ${yes(i.variants.every((v) => v.registerMisses === 0))}.` +
        (before ? ` Against the path before issue 15: p50 ${x(kept.sequential.p50, before.sequential.p50)}, rate ${x(kept.concurrent.perSecond, before.concurrent.perSecond)}.` : ''),
      '',
    );
  }
}

if (lists.length) {
  md.push('## 2. Lists and dashboard at volume', '');
  for (const l of lists) {
    md.push(
      `### ${l.database === 'postgres' ? 'PostgreSQL' : 'Embedded (PGlite)'}`,
      '',
      `Volume (bulk SQL in ${l.volumeSeconds.toFixed(0)} s): ${Object.entries(l.counts).map(([k, v]) => `${v.toLocaleString('en')} ${k}`).join(', ')}. ` +
        `Baseline: \`GET /me\` (authentication and one indexed read through the same app) p50 ${f1(l.baseline.p50)} ms, p99 ${f1(l.baseline.p99)} ms.`,
      '',
      '| request | caller | p50 | p99 | p99 / baseline p99 | rows | p99 < 50 ms |',
      '| --- | --- | ---: | ---: | ---: | ---: | --- |',
      ...l.figures.map((f) => `| \`GET ${f.endpoint}\` | ${f.caller} | ${f1(f.p50)} ms | ${f1(f.p99)} ms | ${x(f.p99, l.baseline.p99)} | ${f.rows} | ${f.p99 < 50 ? 'yes' : '**no**'} |`),
      '',
      '<details><summary>Plans (EXPLAIN ANALYZE) of the list statements</summary>',
      '',
      ...Object.entries(l.plans).flatMap(([label, lines]) => [`${label}:`, '', '```', ...lines, '```', '']),
      '</details>',
      '',
    );
  }
}

if (open) {
  const o = open;
  md.push(
    '## 3. Open processes on one worker',
    '',
    `${o.registered.toLocaleString('en')} reports registered and waiting on their deadlines (of ${o.reports.toLocaleString('en')} started in ${o.startSeconds.toFixed(0)} s; ${o.registered === o.reports ? 'all registered' : `the wait for the rest ended`} after ${o.registerSeconds.toFixed(0)} s), ` +
      `${o.casesInTerm.toLocaleString('en')} enforcement cases in their remedy term (of ${o.cases.toLocaleString('en')} opened through the API in ${o.casesSeconds.toFixed(0)} s; each a case workflow and its aanmaning flow, its letters handed to the outbox) ` +
      `plus ${o.probes.toLocaleString('en')} timer probes due within the window: ${(o.registered + o.casesInTerm + o.probes).toLocaleString('en')} open processes (${(o.registered + 2 * o.casesInTerm + o.probes).toLocaleString('en')} workflows) on one worker with the production tuning (sticky cache ${o.cacheSize?.toLocaleString('en') ?? 'SDK default'}).`,
    '',
    '| moment | RSS | heap |',
    '| --- | ---: | ---: |',
    ...o.memory.map((m) => `| ${m.label} | ${m.rssMb} MB | ${m.heapMb} MB |`),
    '',
    '| timer lag (due → workflow task that it woke) | p50 | p99 | max | timers fired |',
    '| --- | ---: | ---: | ---: | ---: |',
    `| baseline: nothing else open | ${o.idleLag.p50} ms | ${o.idleLag.p99} ms | ${o.idleLag.max} ms | ${o.idleLag.fired} |`,
    `| with all reports and cases open | ${o.lag.p50} ms | ${o.lag.p99} ms | ${o.lag.max} ms | ${o.lag.fired} of ${o.probes} |`,
    '',
    `Goal: timer lag p99 < 2 s: ${yes(o.lag.p99 < 2_000 && o.lag.fired === o.probes && o.casesInTerm === o.cases)}; p99 against the idle baseline ${x(o.lag.p99, o.idleLag.p99)}.`,
    '',
  );
}

if (year) {
  md.push('## 4. A year of Flanders', '', '```', ...year.lines, '```', '',
    `Goal: under 10 minutes on 2 cores: ${year.result.seconds.toFixed(0)} s, ${yes(year.result.seconds < 600)}; invariants: ${yes(year.result.invariants.every((i) => i.ok))}.`, '');
}

if (scoring) md.push('## 5. Risk scoring (issue 11)', '', '```', ...scoring, '```', '');

writeFileSync(out, `${md.join('\n')}\n`);
log(`\nwrote ${out} (${(seconds / 60).toFixed(1)} minutes)`);
process.exit(failures.length ? 1 : 0);
