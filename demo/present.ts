import { casePlan, driveCase } from './cases.js';
import { DemoAbortedError, DemoHttp, pool, type TokenSigner } from './http.js';
import { driveInspection, inspectionPlan, requestDuringOutage } from './inspections.js';
import { driveMelding, meldingPlan } from './meldingen.js';
import { driveScreening } from './screening.js';
import { LocationAllocator, readWorld, type DemoLocation } from './world.js';

/**
 * The living demo (docs/synthetic-data.md, "The living demo"): a realistic present made through
 * the real API and workflows, as the seeded users would make it: reports in every phase,
 * enforcement cases at every step, inspections in every status and last month's screening with
 * open tasks. Idempotent: every report and inspection has a fixed external reference or
 * Idempotency-Key derived from `demoId`, every case its location, so a second run finds what the
 * first made and only finishes what was left unfinished.
 */
export interface PresentOptions {
  /** Base URL of the API, e.g. http://127.0.0.1:3000. */
  apiUrl: string;
  /** Signs bearer tokens for the seeded users (the development token service, api/auth/tokens.ts). */
  tokens: TokenSigner;
  /** The Modular simulator's base URL; undefined with a real Modular (statuses then follow Modular). */
  simulatorUrl?: string;
  /** Fixed id the references and keys derive from; default DEFAULT_DEMO_ID. */
  demoId?: string;
  /** N of last month's screening run; default: the server's SCREENING_SELECTION_SIZE. */
  screeningSelectionSize?: number;
  /** How long the simulated Modular outage lasts that keeps one request `aangevraagd`; default 90 s, 0: none. */
  modularOutageMs?: number;
  /** Stops the demo (e.g. on Ctrl-C): no new request; those under way finish. What was made stays, a later run finishes it. */
  signal?: AbortSignal;
  /** Also aborts the requests under way. */
  hardSignal?: AbortSignal;
  log?: (line: string) => void;
  /** Parallel lanes per process; default 3. */
  concurrency?: number;
}

export interface PresentSummary {
  elapsedMs: number;
  meldingen: { planned: number; byPhase: Record<string, number>; crisis: number; overdue: number };
  cases: { planned: number; made: number; byStep: Record<string, number> };
  inspections: { planned: number; byStatus: Record<string, number> };
  screening: { month: string; selected: number; open: number; coded: number } | null;
  failures: string[];
  requests: { total: number; starts: number; commands: number; rateLimited: number };
}

export const DEFAULT_DEMO_ID = 'DEMO1';

const count = (values: string[]) => values.reduce<Record<string, number>>((acc, v) => ({ ...acc, [v]: (acc[v] ?? 0) + 1 }), {});

export async function createPresent(options: PresentOptions): Promise<PresentSummary> {
  const started = Date.now();
  const log = options.log ?? ((line: string) => process.stdout.write(`[demo] ${line}\n`));
  const demoId = options.demoId ?? DEFAULT_DEMO_ID;
  const http = new DemoHttp({ apiUrl: options.apiUrl, tokens: options.tokens, signal: options.signal, hardSignal: options.hardSignal });
  const width = options.concurrency ?? 3;
  const failures: string[] = [];
  const fail = (what: string) => (f: { error: unknown }) => {
    const message = `${what}: ${f.error instanceof Error ? f.error.message : String(f.error)}`;
    failures.push(message);
    log(`could not make ${message}`);
  };

  const world = await readWorld(http);
  const now = Date.now();
  // Deterministic choice: cases first (one location each), then inspections, then reports.
  const alloc = new LocationAllocator(world);
  const caseLocations = new Map<number, DemoLocation>();
  for (const spec of casePlan) {
    const l = alloc.take();
    if (l) caseLocations.set(spec.n, l);
  }
  const inspectionLocations = new Map<number, DemoLocation>();
  for (const spec of inspectionPlan) inspectionLocations.set(spec.n, alloc.take() ?? alloc.takeShared(spec.n));
  const caseWithOpenAanmaning = caseLocations.get(3);
  const meldingLocations = new Map<number, DemoLocation>();
  for (const spec of meldingPlan) {
    meldingLocations.set(spec.n, spec.onCaseLocation && caseWithOpenAanmaning ? caseWithOpenAanmaning : alloc.takeShared(spec.n));
  }
  log(`${world.teams.length} teams, ${[...world.teams].reduce((n, t) => n + world.locationsOf(t).length, 0)} candidate locations; making ${meldingPlan.length} reports, ${caseLocations.size} enforcement cases, ${inspectionPlan.length} inspection requests and last month's screening`);

  const phase = async <T>(name: string, fn: () => Promise<T>): Promise<T | undefined> => {
    const t0 = Date.now();
    try {
      const result = await fn();
      log(`${name} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return result;
    } catch (err) {
      if (err instanceof DemoAbortedError) throw err;
      failures.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
      log(`${name} failed: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  };

  const meldingPhases: string[] = [];
  const meldingView: { phase: string; triage: string; overdue: boolean }[] = [];
  const caseSteps: string[] = [];
  const inspectionStatuses: string[] = [];

  // The processes run side by side, each with a few lanes; the report that starts enforcement on
  // an open case waits for the cases.
  const last = meldingPlan.filter((s) => s.onCaseLocation);
  const first = meldingPlan.filter((s) => !s.onCaseLocation);
  const driveMeldingen = async (specs: typeof meldingPlan) => {
    const failed = await pool(specs, width, async (spec) => {
      const m = await driveMelding(spec, meldingLocations.get(spec.n)!, { http, world, demoId, now, log });
      meldingPhases.push(m.phase);
      meldingView.push(m);
    });
    failed.forEach(fail('report'));
  };
  const casesDone = phase('enforcement cases', async () => {
    const specs = casePlan.filter((s) => caseLocations.has(s.n));
    const failed = await pool(specs, width, async (spec) => {
      const c = await driveCase(spec, caseLocations.get(spec.n)!, { http, world, demoId, log });
      caseSteps.push(c ? (c.status === 'closed' ? 'gesloten' : `${c.live?.current?.flow ?? c.step}/${c.live?.current?.block ?? c.block}`) : 'gesloten');
    });
    failed.forEach(fail('case'));
  });
  const inspectionsDone = phase('inspection requests', async () => {
    const specs = inspectionPlan.filter((s) => s.target !== 'aangevraagd');
    const failed = await pool(specs, width, async (spec) => {
      const v = await driveInspection(spec, inspectionLocations.get(spec.n)!, { http, world, demoId, simulatorUrl: options.simulatorUrl, log });
      inspectionStatuses.push(v.status);
    });
    failed.forEach(fail('inspection'));
  });
  const screening = phase('screening of last month', () => driveScreening({ http, world, now, selectionSize: options.screeningSelectionSize, log }));
  await Promise.all([
    phase('reports', async () => {
      await driveMeldingen(first);
      await casesDone;
      await driveMeldingen(last);
    }),
    casesDone,
    inspectionsDone,
    screening,
  ]);
  // Last, so nothing else of the demo waits for Modular: one request made while Modular is down.
  await phase('inspection waiting for Modular', async () => {
    for (const spec of inspectionPlan.filter((s) => s.target === 'aangevraagd')) {
      const v = await requestDuringOutage(spec, inspectionLocations.get(spec.n)!, { http, world, demoId, simulatorUrl: options.simulatorUrl, log }, options.modularOutageMs ?? 90_000);
      inspectionStatuses.push(v.status);
    }
  });

  const summary: PresentSummary = {
    elapsedMs: Date.now() - started,
    meldingen: {
      planned: meldingPlan.length,
      byPhase: count(meldingPhases),
      crisis: meldingView.filter((m) => m.triage === 'crisis').length,
      overdue: meldingView.filter((m) => m.overdue).length,
    },
    cases: { planned: casePlan.length, made: caseSteps.length, byStep: count(caseSteps) },
    inspections: { planned: inspectionPlan.length, byStatus: count(inspectionStatuses) },
    screening: (await screening) ?? null,
    failures,
    requests: { total: http.stats.requests, starts: http.stats.starts, commands: http.stats.commands, rateLimited: http.stats.rateLimited },
  };
  log(`done in ${(summary.elapsedMs / 1000).toFixed(1)} s: reports ${JSON.stringify(summary.meldingen.byPhase)} (crisis ${summary.meldingen.crisis}), `
    + `cases ${JSON.stringify(summary.cases.byStep)}, inspections ${JSON.stringify(summary.inspections.byStatus)}, `
    + `screening ${summary.screening ? `${summary.screening.month}: ${summary.screening.selected} selected, ${summary.screening.open} open` : 'not made'}; `
    + `${summary.requests.total} requests${failures.length ? `; ${failures.length} failed` : ''}`);
  return summary;
}
