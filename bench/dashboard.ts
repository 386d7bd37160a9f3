/**
 * Dashboard benchmark: p50/p99 of every dashboard endpoint (docs/work-surfaces.md) over N requests,
 * answered by the real Fastify app (app.inject: routing, auth, validation, the SQL, serialization;
 * no network), on a scratch PostgreSQL database seeded with all of the synthetic Flanders (scale 1,
 * three years of history) plus a present in the registers (reports, enforcement cases, inspections,
 * screening tasks, written as rows: the shape the live processes project, for measuring only).
 *
 *   npx tsx bench/dashboard.ts [--requests 200] [--scale 1]
 *
 * TEST_DATABASE_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres) creates and drops
 * the scratch database. Also prints EXPLAIN (ANALYZE) timings of each view's statement. Prints;
 * asserts nothing (the target: p99 < 50 ms).
 */
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { type Kysely, sql } from 'kysely';
import { buildApp } from '../api/app.js';
import { dashboardViews, type DashboardFilter } from '../db/repositories/dashboard.js';
import type { Database } from '../db/schema.js';
import { seedFlanders } from '../db/seed/index.js';
import { loadConfig } from '../platform/config.js';
import { createProcessSettings } from '../workflows/settings.js';
import { createTokenService } from '../api/auth/tokens.js';
import { insertBenchReports } from './lists.js';
import { recordPickUps, scratchDatabase } from './system.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const requests = arg('requests', 200);
const scale = arg('scale', 1);

/** A present in the registers, the size the demo aims at and then some. */
async function present(db: Kysely<Database>) {
  await insertBenchReports(db, {
    label: 'Bench',
    source: sql`'derde'`,
    days: 400,
    handledEvery: 7,
    version: 1,
    from: sql`from generate_series(1, 6000) g
      join lateral (select dossiers.*, locations.organiser_id from dossiers join locations on locations.id = dossiers.location_id
                     order by dossiers.id offset (g::bigint * 7919) % (select count(*) from dossiers) limit 1) d on true`,
  });
  await recordPickUps(db, sql`true`);
  await sql`
    insert into enforcement_cases (id, workflow_id, location_id, organiser_id, dossier_id, team_id, case_manager_id, municipality, status, step, block,
                                   urgent, waiting_for, due_at, first_milestone, milestones, steps, opened_at, started_by, version)
    select 'HH-BENCH-' || g, 'handhaving:bench-' || g, d.location_id, l.organiser_id, d.id, d.team_id, d.case_manager_id, l.municipality,
           case when g % 3 = 0 then 'closed' else 'open' end, case when g % 3 = 0 then null when g % 2 = 0 then 'voornemen' else 'aanmaning' end,
           'opvolging', false, case when g % 3 <> 0 then case when g % 5 = 0 then 'juridisch nazicht door een jurist' else 'herstel nagaan' end end,
           case when g % 3 <> 0 then now() + (g % 20 - 5) * interval '1 day' end, '{}', '[]',
           jsonb_build_array(jsonb_build_object('flow', 'aanmaning', 'workflowId', 'x', 'startedAt', now() - g * interval '2 day', 'endedAt', null,
             'outcome', case when g % 3 = 0 then jsonb_build_object('result', 'remedied', 'reason', 'ok') end)),
           now() - g * interval '2 day', 'u-admin', 1
      from generate_series(1, 200) g
      join lateral (select * from dossiers order by id offset (g::bigint * 104729) % (select count(*) from dossiers) limit 1) d on true
      join locations l on l.id = d.location_id
    on conflict do nothing`.execute(db);
  await sql`
    insert into inspections (id, workflow_id, location_id, organiser_id, dossier_id, team_id, case_manager_id, reason, questions, urgency, four_eyes,
                             requested_by_type, status, deliveries, due_at, overdue, requested_at, closed_at, created_by, version)
    select 'INS-BENCH-' || g, 'inspectie:bench-' || g, d.location_id, l.organiser_id, d.id, d.team_id, d.case_manager_id, 'Bench', '[]',
           case when g % 4 = 0 then 'spoed' else 'regulier' end, g % 4 = 0, 'klantenbeheerder',
           (array['aangevraagd','ontvangen','gepland','bezoek_uitgevoerd','ontwerpverslag','eindverslag','geannuleerd'])[1 + g % 7], '[]',
           now() + (g % 60 - 10) * interval '1 day', g % 6 = 0, now() - g * interval '1 day', case when g % 7 >= 5 then now() end, 'u-admin', 1
      from generate_series(1, 300) g
      join lateral (select * from dossiers order by id offset (g::bigint * 15485863) % (select count(*) from dossiers) limit 1) d on true
      join locations l on l.id = d.location_id`.execute(db);
  await sql`
    insert into screening_tasks (id, month, workflow_id, dossier_id, location_id, team_id, assignee_id, rank, score, model_version, status, code,
                                 coded_at, due_at, overdue, version)
    select 'SCR-' || m.month || '-' || d.id, m.month, 'screening-task:' || m.month || d.id, d.id, d.location_id, d.team_id, d.case_manager_id,
           row_number() over (partition by m.month order by d.id), 0.5, 1,
           case when m.i > 0 then 'gecodeerd' else 'open' end,
           case when m.i > 0 then (array['risico','geen_risico','verder_onderzoek_nodig'])[1 + abs(hashtext(d.id)) % 3] end,
           case when m.i > 0 then now() end, now() + interval '10 days', false, 1
      from (select to_char(now() - i * interval '1 month', 'YYYY-MM') as month, i from generate_series(0, 11) i) m
      join lateral (select * from dossiers order by md5(id || m.month) limit 100) d on true`.execute(db);
  await sql`analyze`.execute(db);
}

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

async function main() {
  const t0 = performance.now();
  const { db, drop } = await scratchDatabase('postgres', { poolSize: 5 });
  try {
    const seeded = await seedFlanders(db, { scale, now: new Date() });
    await present(db);
    const counts = await sql<{ timeline: string; meldingen: string }>`select (select count(*) from timeline_entries) as timeline, (select count(*) from meldingen) as meldingen`.execute(db);
    console.log(`seeded scale ${scale} (${JSON.stringify(seeded.counts ?? {})}) and a present in ${((performance.now() - t0) / 1000).toFixed(1)} s; ` +
      `timeline ${counts.rows[0]!.timeline}, meldingen ${counts.rows[0]!.meldingen}`);

    const settings = createProcessSettings({ ...loadConfig({}), deadlineOverrides: {}, enforcementOverrides: {} });
    const tokens = createTokenService(randomBytes(32).toString('hex'), 'handhaving-bench');
    const app = await buildApp(
      { db, temporal: {} as Client, namespace: 'bench', taskQueue: 'bench', tokens, settings },
      // The per-user rate limit would answer 429 long before N requests: lifted for the measurement.
      { logger: false, bodyLimit: 1 << 20, rateLimits: { perUserPerMinute: 1_000_000_000 } } as Parameters<typeof buildApp>[1],
    );
    await app.ready();
    const skipRequests = process.argv.includes('--explain-only');
    const callers = { 'admin, all teams': 'u-admin', 'teamcoordinator Antwerpen': 'u-tc-antwerpen' };
    console.log(`\n${requests} requests per endpoint and caller (after 10 warm-up requests), milliseconds:`);
    console.log('endpoint'.padEnd(48), 'caller'.padEnd(28), 'p50'.padStart(7), 'p99'.padStart(7), 'max'.padStart(7), 'rows'.padStart(6));
    for (const view of skipRequests ? [] : Object.keys(dashboardViews)) {
      for (const [label, userId] of Object.entries(callers)) {
        const headers = { authorization: `Bearer ${tokens.sign({ sub: userId, role: 'from-db', name: userId })}` };
        const path = `/dashboard/${view}?from=2024-01`;
        let rows = 0;
        for (let i = 0; i < 10; i++) await app.inject({ method: 'GET', url: path, headers });
        const times: number[] = [];
        for (let i = 0; i < requests; i++) {
          const start = performance.now();
          const res = await app.inject({ method: 'GET', url: path, headers });
          times.push(performance.now() - start);
          if (res.statusCode !== 200) throw new Error(`${path} as ${userId}: ${res.statusCode} ${res.body}`);
          if (i === 0) rows = (res.json() as { rows: unknown[] }).rows.length;
        }
        times.sort((a, b) => a - b);
        console.log(`GET ${path}`.padEnd(48), label.padEnd(28), percentile(times, 50).toFixed(1).padStart(7), percentile(times, 99).toFixed(1).padStart(7),
          times[times.length - 1]!.toFixed(1).padStart(7), String(rows).padStart(6));
      }
    }
    console.log('\nEXPLAIN ANALYZE execution time of each statement (all teams, from 2024-01):');
    const kinds = settings.deadlineKinds;
    const filter: DashboardFilter = {
      teamId: null, from: new Date('2023-12-31T23:00:00Z'), to: new Date(Date.now() + 40 * 86_400_000), fromMonth: '2024-01', toMonth: '2099-12',
      crisisBudgetMs: kinds.crisis_report_acknowledgement.budget.amount * 3_600_000, regularBudgetMs: kinds.report_follow_up.budget.amount * 3_600_000,
    };
    for (const [view, query] of Object.entries(dashboardViews)) {
      const compiled = query(filter).compile(db);
      const plan = await db.executeQuery<{ 'QUERY PLAN': string }>({ ...compiled, sql: `explain (analyze, format text) ${compiled.sql}` });
      const lines = plan.rows.map((r) => r['QUERY PLAN']);
      console.log(`${view.padEnd(24)} ${lines.find((l) => l.startsWith('Execution Time')) ?? ''}`);
      if (process.argv.includes('--plans') || process.argv.includes(`--plan=${view}`)) console.log(lines.join('\n'));
    }
    await app.close();
  } finally {
    await drop();
  }
}

await main();
