import { type Kysely, sql } from 'kysely';

// Frozen in time: takes Kysely<any> and imports nothing from the application.
//
// Issue 15, goal 2: the deadline-performance view computed every month's median pick-up time from
// the whole histogram on every read (≈10,000 buckets for all teams over three years: a sort and
// two window passes, 27 ms of the 37 on PostgreSQL, p99 over 50 ms on the embedded database).
// A median changes only when its month's histogram does, and the histogram's summary
// (`dashboard_pickup_counts`) is written by the fold alone. So its statement triggers recompute
// the median of every (team, month, triage) the fold's statement touched, in the fold's
// transaction: `dashboard_pickup_medians` always holds the median of the summary as committed.
// A reader takes it for every group without unfolded deltas and computes the others (usually the
// current month's, if any) from summary + deltas as before: still exact, still fresh.
// The median's definition is unchanged (db/repositories/dashboard.ts): percentile_cont(0.5) of the
// picked-up reports' buckets, the mean of the middle one or two, in seconds.

const groupOf = 'team_id, month, triage';

/** The medians of the groups in `touched` (a relation of team_id, month, triage), from the summary. */
const mediansOf = (touched: string) => `
  select r.team_id, r.month, r.triage,
         ((min(r.pickup_s) filter (where r.upto > (r.picked - 1) / 2))::numeric
          + min(r.pickup_s) filter (where r.upto > r.picked / 2)) / 2 as median_s
    from (select c.team_id, c.month, c.triage, c.pickup_s,
                 sum(c.reports) over (partition by c.team_id, c.month, c.triage order by c.pickup_s) as upto,
                 sum(c.reports) over (partition by c.team_id, c.month, c.triage) as picked
            from dashboard_pickup_counts c
            join (select distinct ${groupOf} from ${touched}) t using (${groupOf})
           where c.pickup_s >= 0 and c.reports > 0) r
   group by r.team_id, r.month, r.triage`;

const refresh = (touched: string) => `
      insert into dashboard_pickup_medians as m (${groupOf}, median_s)
      ${mediansOf(touched)}
          on conflict (${groupOf}) do update set median_s = excluded.median_s;
      -- A group whose last picked-up report left it has no median any more.
      delete from dashboard_pickup_medians m
       using (select distinct ${groupOf} from ${touched}) t
       where m.team_id = t.team_id and m.month = t.month and m.triage = t.triage
         and not exists (select 1 from dashboard_pickup_counts c
                          where c.team_id = t.team_id and c.month = t.month and c.triage = t.triage and c.pickup_s >= 0 and c.reports > 0);`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table dashboard_pickup_medians (team_id text not null, month date not null, triage text not null,
              median_s numeric not null, primary key (team_id, month, triage))`.execute(db);
  await sql.raw(`
    create function dashboard_pickup_counts_changed() returns trigger language plpgsql as $fn$
    begin
      if TG_OP = 'DELETE' then
        ${refresh('old_rows')}
      else
        ${refresh('new_rows')}
      end if;
      return null;
    end;
    $fn$`).execute(db);
  await sql`
    do $$ begin
      execute format('alter function dashboard_pickup_counts_changed() set search_path = pg_catalog, %I, pg_temp', current_schema());
    end $$`.execute(db);
  // One trigger per event: a trigger with transition tables takes one event only.
  await sql`create trigger dashboard_pickup_counts_inserted after insert on dashboard_pickup_counts referencing new table as new_rows
              for each statement execute function dashboard_pickup_counts_changed()`.execute(db);
  await sql`create trigger dashboard_pickup_counts_updated after update on dashboard_pickup_counts referencing new table as new_rows
              for each statement execute function dashboard_pickup_counts_changed()`.execute(db);
  await sql`create trigger dashboard_pickup_counts_deleted after delete on dashboard_pickup_counts referencing old table as old_rows
              for each statement execute function dashboard_pickup_counts_changed()`.execute(db);
  // Back-fill after the triggers, in the migration's transaction: the fold waits for the triggers' lock.
  await sql.raw(`insert into dashboard_pickup_medians (${groupOf}, median_s) ${mediansOf('dashboard_pickup_counts')}`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const event of ['inserted', 'updated', 'deleted']) {
    await sql.raw(`drop trigger if exists dashboard_pickup_counts_${event} on dashboard_pickup_counts`).execute(db);
  }
  await sql`drop function if exists dashboard_pickup_counts_changed()`.execute(db);
  await sql`drop table if exists dashboard_pickup_medians`.execute(db);
}
