import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDatabase } from '../../db/connect.js';
import { grantApplicationRole, migrateToLatest } from '../../db/migrate.js';
import * as dashboardDeltas from '../../db/migrations/2026_12_01_0600_dashboard_deltas.js';
import { type DashboardFilter, dashboardRows, type DashboardRow, type DashboardView, dashboardViews } from '../../db/repositories/dashboard.js';
import { foldDashboard, unfoldedDashboardRows } from '../../db/repositories/dashboard-fold.js';
import type { Database } from '../../db/schema.js';
import type { NewTimelineEntry } from '../../db/tables/timeline.js';
import { seedFlanders } from '../../db/seed/index.js';
import { dashboardRowsDirect } from './dashboard-direct.js';
import { startTestSystem, TEST_SEED_REFERENCE_DATE, type TestSystem } from './harness.js';
import { eventually, intake, locationOfTeam, post } from './melding-helpers.js';
import { reportRungs, secondsDeadline } from '../support/deadlines.js';

// The dashboard's summaries (migration 2026_12_01_0600_dashboard_deltas, docs/work-surfaces.md):
// every view, read as summary + unfolded deltas, equals the same view computed from the registers
// and the timeline alone (dashboard-direct.ts), whenever the fold ran: before it, after a partial
// one, after a full one, while writers write. Both read in ONE snapshot with one now(), so what
// depends on the clock is the same for both. The period is fixed (2000–2099): nothing depends on
// the day the test runs.

const SECOND = 1_000;
// Report deadlines of seconds: the projection flips `overdue` (an UPDATE the triggers net) while the test runs.
const deadlineOverrides = { report_follow_up: secondsDeadline(6 * SECOND, ...reportRungs(2 * SECOND)) };

const period = { from: new Date('1999-12-31T23:00:00Z'), to: new Date('2099-12-31T23:00:00Z'), fromMonth: '2000-01', toMonth: '2099-12' };
const views = Object.keys(dashboardViews) as DashboardView[];
const teams = [null, 'team-antwerpen', 'team-limburg'];

/** The median's precision: the width of the pick-up bucket at that many minutes (the histogram's grid), plus rounding. */
function medianTolerance(minutes: number): number {
  const s = minutes * 60;
  const width = s <= 60 ? 1 : s <= 600 ? 10 : s <= 7200 ? 60 : s <= 172_800 ? 900 : s <= 1_209_600 ? 3_600 : 86_400;
  return width / 60 + 0.1;
}

const plain = (v: unknown) => (v instanceof Date ? v.toISOString() : v);

/** Every view for every team, summary and direct, in one snapshot; medians (each triage's and the overall one) within their bucket, the rest exactly. */
async function expectEqualToRegisters(db: Kysely<Database>, f: Omit<DashboardFilter, 'teamId'>, label: string) {
  const pairs = await db.transaction().setIsolationLevel('repeatable read').execute(async (tx) => {
    const out: { view: DashboardView; teamId: string | null; summary: DashboardRow[]; direct: DashboardRow[] }[] = [];
    for (const teamId of teams) {
      for (const view of views) {
        out.push({ view, teamId, summary: await dashboardRows(tx, view, { ...f, teamId }), direct: await dashboardRowsDirect(tx, view, { ...f, teamId }) });
      }
    }
    return out;
  });
  for (const { view, teamId, summary, direct } of pairs) {
    const where = `${label}: ${view}, ${teamId ?? 'all teams'}`;
    expect(summary.length, where).toBe(direct.length);
    summary.forEach((row, i) => {
      const other = direct[i]!;
      expect(Object.keys(row), where).toEqual(Object.keys(other));
      for (const [key, value] of Object.entries(row)) {
        const expected = other[key];
        if (/median/i.test(key) && typeof value === 'number' && typeof expected === 'number') {
          expect(Math.abs(value - expected), `${where}, ${key} of ${JSON.stringify(other)}`).toBeLessThanOrEqual(medianTolerance(expected));
        } else {
          expect(plain(value), `${where}, ${key} of ${JSON.stringify(other)}`).toEqual(plain(expected));
        }
      }
    });
  }
  return pairs;
}

const dashboardFilter = (sys: TestSystem): Omit<DashboardFilter, 'teamId'> => {
  const kinds = sys.settings.deadlineKinds;
  const ms = (k: { budget: { unit: string; amount: number } }) => k.budget.amount * (k.budget.unit === 'seconds' ? 1_000 : k.budget.unit === 'minutes' ? 60_000 : 3_600_000);
  return { ...period, crisisBudgetMs: ms(kinds.crisis_report_acknowledgement), regularBudgetMs: ms(kinds.report_follow_up) };
};

/** History steps of one dossier as the seed writes them (the timeline is the history's only register). */
async function historySteps(db: Kysely<Database>, dossierId: string, steps: { kind: string; at: string; details?: Record<string, unknown> }[]) {
  const rows: NewTimelineEntry[] = steps.map((s, i) => ({
    dossier_id: dossierId, occurred_at: new Date(s.at), kind: s.kind, title: `Test ${s.kind}`, details: JSON.stringify(s.details ?? {}),
    actor_id: null, idempotency_key: `dashboard-test:${dossierId}:${s.at}:${i}`,
  }));
  await db.insertInto('timeline_entries').values(rows).execute();
}

describe('dashboard summaries (PostgreSQL, through the running system)', () => {
  let sys: TestSystem;
  let filter: Omit<DashboardFilter, 'teamId'>;

  beforeAll(async () => {
    sys = await startTestSystem({ deadlineOverrides });
    filter = dashboardFilter(sys);
  });
  afterAll(async () => sys?.stop());

  it('equal the registers as the seed left them, before and after a fold, as the application\'s role', async () => {
    await expectEqualToRegisters(sys.appDb, filter, 'seeded');
    expect(await foldDashboard(sys.appDb, 1_000_000)).not.toBeNull();
    await expectEqualToRegisters(sys.appDb, filter, 'seeded, folded');
  });

  it('stay equal while reports are taken in and picked up through the API, folded at arbitrary moments', async () => {
    const antwerpen = await locationOfTeam(sys, 'team-antwerpen', 1);
    const limburg = await locationOfTeam(sys, 'team-limburg', 1);
    const created: { id: string; assignee: string }[] = [];
    for (const [i, loc] of [antwerpen, limburg, antwerpen, limburg, antwerpen, limburg].entries()) {
      const body = i % 3 === 2 ? intake.crisis(loc.location_id) : intake.regular(loc.location_id);
      const res = await post(sys, '/meldingen', `u-tc-${loc.team_id.replace(/^team-/, '')}`, body);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      created.push({ id: res.body.id, assignee: res.body.assigneeId ?? loc.case_manager_id! });
      await expectEqualToRegisters(sys.appDb, filter, `after intake ${i + 1}`);
      // A partial fold (a handful of deltas per summary) between two writes.
      if (i % 2 === 1) await foldDashboard(sys.appDb, 3);
    }
    for (const [i, m] of created.entries()) {
      if (i === created.length - 1) break; // one left waiting: inside or past its budget, never picked up
      const ack = await post(sys, `/meldingen/${m.id}/acknowledge`, m.assignee, { note: 'Opgenomen' });
      expect(ack.status, JSON.stringify(ack.body)).toBeLessThan(300);
    }
    await eventually(async () => (await sys.db.selectFrom('meldingen').select('id').where('id', 'in', created.map((c) => c.id)).where('picked_up_at', 'is not', null).execute()).length,
      (n) => n === created.length - 1);
    await expectEqualToRegisters(sys.appDb, filter, 'after pick-ups, unfolded');
    await foldDashboard(sys.appDb, 1);
    await expectEqualToRegisters(sys.appDb, filter, 'after pick-ups, one delta per summary folded');
    expect(await foldDashboard(sys.appDb, 1_000_000)).not.toBeNull();
    await expectEqualToRegisters(sys.appDb, filter, 'after pick-ups, folded');

    // The HTTP answer is the repository's (a period of at most 10 years).
    const res = await sys.http('/dashboard/deadline-performance?from=2020-01&to=2029-12&teamId=team-antwerpen', { as: 'u-admin' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { rows: DashboardRow[] };
    const decade = { from: new Date('2019-12-31T23:00:00Z'), to: new Date('2029-12-31T23:00:00Z'), fromMonth: '2020-01', toMonth: '2029-12' };
    const direct = await dashboardRowsDirect(sys.appDb, 'deadline-performance', { ...filter, ...decade, teamId: 'team-antwerpen' });
    expect(body.rows.map((r) => r.crisisReceived + '/' + r.regularReceived + '/' + r.historyRegular))
      .toEqual(direct.map((r) => r.crisisReceived + '/' + r.regularReceived + '/' + r.historyRegular));
  });

  it('stay equal through updates, deletes, the history\'s funnel and many concurrent writers with a fold among them', async () => {
    const dossier = await locationOfTeam(sys, 'team-limburg', 2);
    // A dossier's steps: aanmaning → voornemen escalates the aanmaning; a later schorsing the voornemen.
    await historySteps(sys.db, dossier.id, [
      { kind: 'aanmaning', at: '2025-02-03T09:00:00Z', details: { termijn_tot: '2025-03-03' } },
      { kind: 'voornemen', at: '2025-04-07T09:00:00Z', details: { hoorrecht_tot: '2025-05-07' } },
    ]);
    await expectEqualToRegisters(sys.appDb, filter, 'two history steps, unfolded');
    await foldDashboard(sys.appDb, 1_000_000);
    await historySteps(sys.db, dossier.id, [{ kind: 'schorsing', at: '2025-06-02T09:00:00Z', details: { dringende_noodzakelijkheid: true } }]);
    await expectEqualToRegisters(sys.appDb, filter, 'a third step on a folded dossier');
    await sql`delete from timeline_entries where dossier_id = ${dossier.id} and kind = 'voornemen' and idempotency_key like 'dashboard-test:%'`.execute(sys.db);
    await expectEqualToRegisters(sys.appDb, filter, 'the middle step deleted');
    await foldDashboard(sys.appDb, 1_000_000);
    await expectEqualToRegisters(sys.appDb, filter, 'the middle step deleted, folded');

    // Registers changed by statements of many rows (as retention and the bench write).
    await sql`update meldingen set phase = 'afgesloten', closed_at = timestamptz '2026-06-15T10:00:00Z' where id in (select id from meldingen where phase <> 'afgesloten' order by id limit 5)`.execute(sys.db);
    await sql`update inspections set overdue = not overdue`.execute(sys.db);
    await sql`update screening_tasks set status = 'gecodeerd', code = 'risico', coded_at = timestamptz '2026-06-15T10:00:00Z' where id in (select id from screening_tasks where status = 'open' order by id limit 3)`.execute(sys.db);
    await sql`update enforcement_cases set steps = steps || jsonb_build_array(jsonb_build_object('flow', 'voornemen', 'startedAt', '2026-05-04T08:00:00Z',
               'outcome', jsonb_build_object('result', 'decided', 'decision', 'schorsing'))) where id in (select id from enforcement_cases order by id limit 2)`.execute(sys.db);
    await expectEqualToRegisters(sys.appDb, filter, 'statements of many rows, unfolded');

    // Writers in their own transactions at once, a fold in the middle of them: nobody waits for a counter row.
    const dossiers = await sys.db.selectFrom('dossiers').select('id').orderBy('id').limit(40).execute();
    const writers = dossiers.map((d, i) => sys.appDb.transaction().execute(async (tx) => {
      await historySteps(tx, d.id, [{ kind: i % 2 ? 'aanmaning' : 'voornemen', at: `2026-0${1 + (i % 9)}-1${i % 10}T08:00:00Z` }]);
      await sql`update meldingen set overdue = not overdue where id = (select id from meldingen where dossier_id = ${d.id} order by id limit 1)`.execute(tx);
    }));
    const folds = [foldDashboard(sys.appDb, 5), foldDashboard(sys.appDb, 1_000_000)];
    await Promise.all([...writers, ...folds]);
    await expectEqualToRegisters(sys.appDb, filter, 'concurrent writers, partly folded');
    for (let moved: number | null = -1; moved !== 0;) moved = await foldDashboard(sys.appDb, 1_000_000);
    expect(await unfoldedDashboardRows(sys.db)).toBe(0);
    await expectEqualToRegisters(sys.appDb, filter, 'concurrent writers, folded');
  });

  it('are filled from the existing rows by the migration (an existing database)', async () => {
    const before = await expectEqualToRegisters(sys.db, filter, 'before the migration again');
    // This migration alone, down and up again (later migrations, if any, stay).
    await sys.db.transaction().execute((tx) => dashboardDeltas.down(tx));
    // Written while the summaries do not exist: only the back-fill can count it.
    await sql`update meldingen set overdue = not overdue where id in (select id from meldingen order by id limit 3)`.execute(sys.db);
    await sys.db.transaction().execute((tx) => dashboardDeltas.up(tx));
    // The new tables' grants, as `npm run migrate` gives them after every migration.
    await grantApplicationRole(sys.db, inject('pgAppRole'));
    expect(await unfoldedDashboardRows(sys.db)).toBe(0);
    const after = await expectEqualToRegisters(sys.appDb, filter, 'back-filled');
    expect(after.length).toBe(before.length);
  });
});

describe('dashboard summaries on the embedded database (PGlite)', () => {
  let db: Kysely<Database>;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'handhaving-dashboard-pglite-'));
    ({ db } = await connectDatabase({ kind: 'embedded', dataDir: dir }));
    await migrateToLatest(db);
    await seedFlanders(db, { scale: 0.02, now: new Date(`${TEST_SEED_REFERENCE_DATE}T12:00:00Z`) });
  }, 300_000); // PGlite migrates and seeds in tens of seconds, minutes on a loaded machine
  afterAll(async () => {
    await db?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('equal the registers after the seed, writes of many rows, a partial and a full fold', async () => {
    const f = { ...period, crisisBudgetMs: 3_600_000, regularBudgetMs: 86_400_000 };
    await expectEqualToRegisters(db, f, 'PGlite seeded');
    const dossier = (await db.selectFrom('dossiers').select('id').orderBy('id').limit(1).executeTakeFirstOrThrow()).id;
    await historySteps(db, dossier, [
      { kind: 'aanmaning', at: '2025-02-03T09:00:00Z', details: { termijn_tot: '2025-03-03' } },
      { kind: 'opheffing', at: '2025-04-07T09:00:00Z' },
    ]);
    await sql`update meldingen set picked_up_at = received_at + interval '95 minutes' where id in (select id from meldingen order by id limit 10)`.execute(db);
    await expectEqualToRegisters(db, f, 'PGlite written, unfolded');
    await foldDashboard(db, 2);
    await expectEqualToRegisters(db, f, 'PGlite partly folded');
    await foldDashboard(db, 1_000_000);
    expect(await unfoldedDashboardRows(db)).toBe(0);
    await expectEqualToRegisters(db, f, 'PGlite folded');
  });
});
