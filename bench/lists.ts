/**
 * Lists and dashboard at volume (issue 15, goal 2): 100,000 reports, 10,000 enforcement cases and
 * 630,000 timeline entries, on PostgreSQL and on the embedded database (PGlite). The volume is
 * written by bulk SQL (`bulkVolume`), not through workflows: the rows have the shape the live
 * processes project. Every request goes through the real Fastify app (app.inject: routing, auth,
 * validation, the SQL, serialisation; no network). Also prints the plan (EXPLAIN ANALYZE) of each
 * statement a list request sends, recorded as the app sent it, to show which index answers it.
 */
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { type CompiledQuery, type Kysely, type KyselyPlugin, type RawBuilder, sql } from 'kysely';
import { buildApp } from '../api/app.js';
import type { Database } from '../db/schema.js';
import { loadConfig } from '../platform/config.js';
import { createProcessSettings } from '../workflows/settings.js';
import { createTokenService } from '../api/auth/tokens.js';
import { type BenchDatabase, log, percentile, recordPickUps } from './system.js';
import { foldDashboard } from '../db/repositories/dashboard-fold.js';
import { dashboardViews, type DashboardFilter } from '../db/repositories/dashboard.js';

export interface Volume {
  reports: number;
  cases: number;
  /** Timeline entries in total (the seed's own included). */
  timeline: number;
}

export const fullVolume: Volume = { reports: 100_000, cases: 10_000, timeline: 630_000 };

/** How a benchmark writes its reports (meldingen): one for each `g` of `from`. */
export interface BenchReports {
  /** The ids: `MEL-<label>-<g>`; also the description (`Bench`, `Bulk`). */
  label: string;
  /** The source of each report: an SQL expression in `g`. */
  source: RawBuilder<unknown>;
  /** Received within this many days before now. */
  days: number;
  /** Every this-many-th report (unless open) is being handled. */
  handledEvery: number;
  version: number;
  /** The rows: `g` and `d`, a dossier with location_id, organiser_id, team_id and case_manager_id. */
  from: RawBuilder<unknown>;
}

/**
 * Reports as the live processes project them: 2 % open and assigned (a due moment, some overdue),
 * one in `handledEvery` being handled, the rest closed; one in ten a crisis.
 */
export async function insertBenchReports(db: Kysely<Database>, r: BenchReports): Promise<void> {
  const days = sql.lit(r.days);
  const handled = sql.lit(r.handledEvery);
  await sql`
    insert into meldingen (id, workflow_id, source, channel, received_at, location_id, organiser_id, dossier_id, description, categories,
                           immediate_danger, triage_proposed, triage, triage_confirmed, phase, assignee_id, team_id, due_at, deadline_paused,
                           overdue, follow_ups, closed_at, created_by, version)
    select ${`MEL-${r.label.toUpperCase()}-`} || g, ${`melding:MEL-${r.label.toUpperCase()}-`} || g, ${r.source}, 'webformulier',
           now() - (g % ${days}) * interval '1 day' - (g % 24) * interval '1 hour', d.location_id, d.organiser_id, d.id, ${r.label}, '[]',
           g % 10 = 0, case when g % 10 = 0 then 'crisis' else 'regulier' end, case when g % 10 = 0 then 'crisis' else 'regulier' end, true,
           case when g % 50 = 0 then 'toegewezen' when g % ${handled} = 0 then 'in_behandeling' else 'afgesloten' end,
           d.case_manager_id, d.team_id,
           case when g % 50 = 0 then now() + (g % 48 - 24) * interval '1 hour' end, false, g % 50 = 0 and g % 48 < 24, '[]',
           case when g % 50 <> 0 and g % ${handled} <> 0 then now() - (g % ${days}) * interval '1 day' + interval '3 days' end, 'u-admin', ${sql.lit(r.version)}
      ${r.from}`.execute(db);
}

/** Writes the volume in a few statements; answers the row counts after it. */
export async function bulkVolume(db: Kysely<Database>, v: Volume): Promise<Record<string, number>> {
  await sql`select setseed(0.15)`.execute(db);
  await sql`create temporary table bench_dossiers as
    select row_number() over (order by d.id) as rn, d.id, d.location_id, d.team_id, d.case_manager_id, l.organiser_id, l.municipality
      from dossiers d join locations l on l.id = d.location_id`.execute(db);
  const n = `(select count(*) from bench_dossiers)`;
  // Reports: 2 % open and assigned (a due moment, some overdue), 12 % being handled, the rest closed.
  await insertBenchReports(db, {
    label: 'Bulk',
    source: sql`(array['derde','voorziening','parket','klantenbeheerder'])[1 + g % 4]`,
    days: 1095,
    handledEvery: 8,
    version: 3,
    from: sql`from generate_series(1, ${v.reports}::int) g
      join bench_dossiers d on d.rn = 1 + (g::bigint * 7919) % ${sql.raw(n)}`,
  });
  await sql`
    insert into enforcement_cases (id, workflow_id, location_id, organiser_id, dossier_id, team_id, case_manager_id, municipality, status, step, block,
                                   urgent, waiting_for, due_at, first_milestone, milestones, steps, opened_at, closed_at, started_by, version)
    select 'HH-BULK-' || g, 'handhaving:bulk-' || g, d.location_id, d.organiser_id, d.id, d.team_id, d.case_manager_id, d.municipality,
           case when g % 20 = 0 then 'open' else 'closed' end,
           case when g % 20 <> 0 then null when g % 3 = 0 then 'voornemen' else 'aanmaning' end,
           'opvolging', g % 50 = 0, case when g % 20 = 0 then 'herstel nagaan' end,
           case when g % 20 = 0 then now() + (g % 30 - 5) * interval '1 day' end,
           '{"kind":"advies_handhaving"}', '[]',
           jsonb_build_array(jsonb_build_object('flow', 'aanmaning', 'workflowId', 'x', 'startedAt', now() - (g % 1095) * interval '1 day', 'endedAt', null,
             'outcome', case when g % 20 <> 0 then jsonb_build_object('result', case when g % 3 = 0 then 'not_remedied' else 'remedied' end, 'reason', 'ok') end)),
           now() - (g % 1095) * interval '1 day', case when g % 20 <> 0 then now() - (g % 1095) * interval '1 day' + interval '30 days' end, 'u-admin', 1
      from generate_series(1, ${v.cases}::int) g
      join bench_dossiers d on d.rn = 1 + (g::bigint * 104729) % ${sql.raw(n)}`.execute(db);
  const existing = Number((await sql<{ n: string }>`select count(*) as n from timeline_entries`.execute(db)).rows[0]!.n);
  const more = Math.max(0, v.timeline - existing);
  await sql`
    insert into timeline_entries (dossier_id, occurred_at, kind, title, details, actor_id, idempotency_key)
    select d.id, now() - (g % 1095) * interval '1 day' - (g % 1440) * interval '1 minute',
           (array['melding','melding','melding','crisismelding','inspectie','inspectieverslag','aanmaning','voornemen','notitie','screening'])[1 + g % 10],
           'Bulk', jsonb_build_object('meldingId', 'MEL-BULK-' || (g % ${v.reports}::int)), null, 'bulk:' || g
      from generate_series(1, ${more}::int) g
      join bench_dossiers d on d.rn = 1 + (g::bigint * 15485863) % ${sql.raw(n)}`.execute(db);
  // What the deadline-performance view reads: when each closed or handled report was picked up.
  await recordPickUps(db, sql`m.id like 'MEL-BULK-%'`);
  await sql`drop table bench_dossiers`.execute(db);
  // The writes' triggers appended dashboard deltas; the worker's fold moves them into the
  // summaries every few seconds. Here it runs once to the end (the steady state).
  const foldStart = performance.now();
  let folded = 0;
  for (let moved = -1; moved !== 0;) folded += moved = (await foldDashboard(db, 200_000)) ?? 0;
  log(`  dashboard fold of the bulk write: ${folded.toLocaleString('en')} deltas in ${((performance.now() - foldStart) / 1000).toFixed(1)} s`);
  // The steady state autovacuum keeps: statistics and visibility maps (index-only scans).
  await sql`vacuum analyze`.execute(db);
  const counts = await sql<{ meldingen: string; cases: string; timeline: string; audit: string }>`
    select (select count(*) from meldingen) as meldingen, (select count(*) from enforcement_cases) as cases,
           (select count(*) from timeline_entries) as timeline, (select count(*) from audit_log) as audit`.execute(db);
  const c = counts.rows[0]!;
  return { meldingen: Number(c.meldingen), cases: Number(c.cases), timeline: Number(c.timeline), audit: Number(c.audit) };
}

export interface ListFigure {
  endpoint: string;
  caller: string;
  p50: number;
  p99: number;
  max: number;
  rows: number;
}

export interface ListsResult {
  database: 'postgres' | 'embedded';
  counts: Record<string, number>;
  volumeSeconds: number;
  figures: ListFigure[];
  /** The bare `select 1` through the same app stack: the baseline of the figures. */
  baseline: { p50: number; p99: number };
  plans: Record<string, string[]>;
}

/** The list and dashboard requests measured. `{dossier}`: a dossier with many entries. */
export const endpoints = [
  '/meldingen',
  '/meldingen?phase=toegewezen&sort=due_at',
  '/meldingen?sort=received_at&order=desc',
  '/meldingen?teamId=team-antwerpen&phase=in_behandeling',
  '/handhaving',
  '/handhaving?status=open',
  '/dossiers/{dossier}/timeline',
  '/dashboard/phases?from=2024-01',
  '/dashboard/overdue?from=2024-01',
  '/dashboard/deadline-performance?from=2024-01',
  '/dashboard/enforcement-funnel?from=2024-01',
  '/dashboard/decisions?from=2024-01',
  '/dashboard/inspections?from=2024-01',
  '/dashboard/screening?from=2024-01',
];

export async function runListsBench(database: BenchDatabase, options: { requests: number; volume: Volume }): Promise<ListsResult> {
  const { db } = database;
  const t0 = performance.now();
  const counts = await bulkVolume(db, options.volume);
  const volumeSeconds = (performance.now() - t0) / 1000;
  log(`  ${database.kind}: volume written in ${volumeSeconds.toFixed(1)} s: ${JSON.stringify(counts)}`);

  const settings = createProcessSettings({ ...loadConfig({}), deadlineOverrides: {}, enforcementOverrides: {} });
  const tokens = createTokenService(randomBytes(32).toString('hex'), 'handhaving-bench');
  const recorder = statementRecorder(db);
  const app = await buildApp(
    { db: db.withPlugin(recorder.plugin), temporal: {} as Client, namespace: 'bench', taskQueue: 'bench', tokens, settings },
    { logger: false, bodyLimit: 1 << 20, rateLimits: { perUserPerMinute: 1e9, perAddressPerMinute: 1e9 } },
  );
  await app.ready();
  const busiest = (await sql<{ dossier_id: string; team_id: string }>`
    select t.dossier_id, d.team_id from timeline_entries t join dossiers d on d.id = t.dossier_id
     group by t.dossier_id, d.team_id order by count(*) desc limit 1`.execute(db)).rows[0]!;
  const dossier = busiest.dossier_id;
  const dossierCoordinator = `u-tc-${busiest.team_id.replace(/^team-/, '')}`;
  // Need to know (api/access/scope.ts): no role sees every report; the widest list readers are a
  // crisis coordinator (every crisis report) and a team coordinator (the team's); the dashboard's
  // widest reader is the admin (all teams).
  const dashboardCallers = { 'admin, all teams': 'u-admin', 'team coordinator Antwerpen': 'u-tc-antwerpen' };
  const figures: ListFigure[] = [];
  const listStatements: Record<string, CompiledQuery[]> = {};

  const authorization = (userId: string) => ({ authorization: `Bearer ${tokens.sign({ sub: userId, role: 'from-db', name: userId })}` });
  async function measure(path: string, userId: string) {
    const headers = authorization(userId);
    for (let i = 0; i < 5; i++) await app.inject({ method: 'GET', url: path, headers });
    const times: number[] = [];
    let rows = 0;
    const stopAt = performance.now() + 60_000;
    for (let i = 0; i < options.requests && performance.now() < stopAt; i++) {
      const start = performance.now();
      const res = await app.inject({ method: 'GET', url: path, headers });
      times.push(performance.now() - start);
      if (res.statusCode !== 200) throw new Error(`${path} as ${userId}: ${res.statusCode} ${res.body.slice(0, 300)}`);
      if (i === 0) {
        const body = res.json() as { items?: unknown[]; rows?: unknown[] } | unknown[];
        rows = Array.isArray(body) ? body.length : (body.items ?? body.rows ?? []).length;
      }
    }
    return { p50: percentile(times, 50), p99: percentile(times, 99), max: Math.max(...times), rows };
  }

  // Baseline: the cheapest authenticated read, through the same stack.
  const base = await measure('/me', 'u-admin');
  for (const endpoint of endpoints) {
    const callers = endpoint.startsWith('/dashboard') ? dashboardCallers
      : endpoint.startsWith('/meldingen') ? { 'team coordinator Antwerpen': 'u-tc-antwerpen', 'crisis coordinator': 'u-cc-1' }
        : endpoint.startsWith('/handhaving') ? { 'team coordinator Antwerpen': 'u-tc-antwerpen', jurist: 'u-jur-1' }
          : { 'team coordinator of the dossier': '{tc}' };
    for (const [caller, userIdOrTeam] of Object.entries(callers)) {
      const userId = userIdOrTeam === '{tc}' ? dossierCoordinator : userIdOrTeam;
      const path = endpoint.replace('{dossier}', dossier);
      const f = await measure(path, userId);
      figures.push({ endpoint: path, caller, ...f });
      if (!endpoint.startsWith('/dashboard')) {
        const sent = await recorder.record(() => app.inject({ method: 'GET', url: path, headers: authorization(userId) }));
        listStatements[`GET ${path} as ${caller}`] = sent.filter((q) => listTables.test(q.sql));
      }
      log(`  ${database.kind.padEnd(9)} GET ${path.padEnd(56)} ${caller.padEnd(27)} p50 ${f.p50.toFixed(1).padStart(6)} p99 ${f.p99.toFixed(1).padStart(6)} ms  rows ${f.rows}`);
    }
  }
  await app.close();

  const plans = { ...(await explainLists(db, listStatements)), ...(await explainDashboard(db, settings)) };
  return { database: database.kind, counts, volumeSeconds, figures, baseline: { p50: base.p50, p99: base.p99 }, plans };
}

/**
 * The plan of each dashboard view's statement (all teams, from 2024-01, as the admin's request),
 * with the delta tables as the fold left them and again with 2,000 unfolded reports' deltas (what
 * a read adds between two folds), for docs/performance.md.
 */
async function explainDashboard(db: Kysely<Database>, settings: ReturnType<typeof createProcessSettings>): Promise<Record<string, string[]>> {
  const kinds = settings.deadlineKinds;
  const to = new Date();
  to.setUTCMonth(to.getUTCMonth() + 1, 1);
  const filter: DashboardFilter = {
    teamId: null, from: new Date('2023-12-31T23:00:00Z'), to, fromMonth: '2024-01', toMonth: to.toISOString().slice(0, 7),
    crisisBudgetMs: kinds.crisis_report_acknowledgement.budget.amount * 3_600_000, regularBudgetMs: kinds.report_follow_up.budget.amount * 3_600_000,
  };
  const plans: Record<string, string[]> = {};
  const explainAll = async (suffix: string) => {
    for (const [view, query] of Object.entries(dashboardViews)) {
      const compiled = query(filter).compile(db);
      const plan = await db.executeQuery<{ 'QUERY PLAN': string }>({ ...compiled, sql: `explain (analyze, costs off) ${compiled.sql}` });
      plans[`GET /dashboard/${view}${suffix}`] = plan.rows.map((r) => r['QUERY PLAN']);
    }
  };
  await explainAll('');
  // Between two folds: 2,000 more reports written and half of them changed, nothing folded.
  await insertBenchReports(db, {
    label: 'Unfolded',
    source: sql`'derde'`,
    days: 30,
    handledEvery: 7,
    version: 1,
    from: sql`from generate_series(1, 2000) g
      join lateral (select dossiers.*, locations.organiser_id from dossiers join locations on locations.id = dossiers.location_id
                     order by dossiers.id offset g % 500 limit 1) d on true`,
  });
  for (let i = 0; i < 1000; i += 100) {
    await sql`update meldingen set picked_up_at = received_at + interval '10 minutes', overdue = not overdue
               where id in (select 'MEL-UNFOLDED-' || g from generate_series(${i + 1}::int, ${i + 100}::int) g)`.execute(db);
  }
  await explainAll(' (with 2,000 reports\' deltas unfolded)');
  for (let moved = -1; moved !== 0;) moved = (await foldDashboard(db, 200_000)) ?? 0;
  return plans;
}

/** The registers the lists read: their statements are planned, not the caller's own lookups. */
const listTables = /from "(meldingen|enforcement_cases|timeline_entries)"/;

/**
 * Records the statements the app sends during `record`, compiled as the driver receives them (the
 * plugin runs last, so it sees what every other transformation made of the query). A query built
 * into another one (a subquery in a `sql` template) is transformed too but never executed: only a
 * query that comes back with a result was sent.
 */
function statementRecorder(db: Kysely<Database>) {
  const executor = db.getExecutor();
  let recording: CompiledQuery[] | undefined;
  const compiled = new WeakMap<object, CompiledQuery>();
  const plugin: KyselyPlugin = {
    transformQuery: ({ node, queryId }) => {
      if (recording) compiled.set(queryId, executor.compileQuery(node, queryId));
      return node;
    },
    transformResult: async ({ queryId, result }) => {
      const sent = compiled.get(queryId);
      if (recording && sent) recording.push(sent);
      return result;
    },
  };
  return {
    plugin,
    async record(run: () => Promise<unknown>): Promise<CompiledQuery[]> {
      recording = [];
      try {
        await run();
        return recording;
      } finally {
        recording = undefined;
      }
    },
  };
}

/** The plan of each statement a list request sent (with its parameters), for docs/performance.md. */
async function explainLists(db: Kysely<Database>, statements: Record<string, CompiledQuery[]>): Promise<Record<string, string[]>> {
  const plans: Record<string, string[]> = {};
  for (const [request, sent] of Object.entries(statements)) {
    for (const [i, compiled] of sent.entries()) {
      const res = await db.executeQuery<{ 'QUERY PLAN': string }>({ ...compiled, sql: `explain (analyze, costs off) ${compiled.sql}` });
      const label = sent.length > 1 ? `${request}, statement ${i + 1} of ${sent.length}` : request;
      plans[label] = [compiled.sql, ...res.rows.map((r) => r['QUERY PLAN'])];
    }
  }
  return plans;
}
