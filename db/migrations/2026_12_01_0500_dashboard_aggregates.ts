import { type Kysely, sql } from 'kysely';

// Frozen in time: takes Kysely<any> and imports nothing from the application.
//
// Issue 15, goal 2: the team dashboard (db/repositories/dashboard.ts, docs/work-surfaces.md) answers
// from aggregates per month and team that do not grow with the history a request would otherwise
// scan, instead of aggregating the registers and the 630,000 timeline entries on every request.
//
// - Seven small tables `dashboard_*`, one row per (team, month, what is counted): counters only.
// - Kept by statement-level AFTER triggers on the source tables (meldingen, enforcement_cases,
//   enforcement_decisions, inspections, screening_tasks, timeline_entries), in the transaction of
//   the write: each trigger computes what the statement's rows contributed before (OLD TABLE) and
//   after (NEW TABLE), and adds the difference with one INSERT … ON CONFLICT DO UPDATE. So the
//   aggregates hold for every writer: the projections of the workflows, the seed, the bench's bulk
//   SQL, retention's scrubbing, on PostgreSQL and on PGlite (plpgsql and transition tables are part
//   of both). An UPDATE that changes nothing a view counts adds nothing and locks no counter row.
//   The rows are written in key order within a statement, so two writers of single rows never
//   wait for each other in opposite orders.
// - SECURITY DEFINER with a fixed search_path: the application's role (db/migrate.ts,
//   grantApplicationRole) fires them without needing more than it has on the source tables.
// - What depends on the clock is not stored: what is overdue now, and which reports are still
//   inside their pick-up budget, are read from the registers with the partial indexes below,
//   which hold the present only; which history steps are still inside their term is read through
//   two expression indexes on the term.
// - Backfill: the same contribution queries over the existing rows.
// - Pick-up times (deadline performance) cannot be summed as percentiles: they are kept as a
//   histogram per (month, team, triage) with the bucket's upper bound in seconds as the key:
//   1 s up to 1 minute, 10 s up to 10 minutes, 1 minute up to 2 hours, 15 minutes up to 48 hours,
//   1 hour up to 14 days, then days. "Within budget" is exact for every budget on that grid
//   (whole hours and days, as configured; the tests' seconds); the median is the upper bound of
//   the bucket of the middle report(s): too high by less than one bucket's width. A copy of each
//   histogram row under team '*' answers "all teams" without adding up the teams.
// - Not followed: a dossier that changes team and a location whose capacity changes (neither
//   happens in this system: the seed writes both); the aggregates keep the team and capacity at
//   the time of the entry. TRUNCATE of a source table is not followed either.

/** A Brussels month of an instant, as the date of its first day. */
const month = (col: string) => `(date_trunc('month', (${col}) at time zone 'Europe/Brussels'))::date`;

const ENFORCEMENT_KINDS = `('aanmaning','voornemen','schorsing','opheffing')`;

/** Key of the transaction-level advisory locks of the funnel's history ("dashfunn"). */
const FUNNEL_LOCK_KEY = 1684108147;

interface Aggregate {
  table: string;
  keys: string[];
  values: string[];
  /** A SELECT of the keys and values (in that order) that the rows of `rel` contribute. */
  contribution: (rel: string) => string;
}

/** The statement that adds (contributions of `plus`) − (contributions of `minus`) to the aggregate. */
function upsert(a: Aggregate, plus: string | null, minus: string | null): string {
  const keys = a.keys.join(', ');
  const parts = [
    ...(plus ? [`select * from (${plus}) p`] : []),
    ...(minus ? [`select ${a.keys.map((k) => `m.${k}`).join(', ')}, ${a.values.map((v) => `-m.${v}`).join(', ')} from (${minus}) m`] : []),
  ];
  return `
    insert into ${a.table} as a (${keys}, ${a.values.join(', ')})
    select ${keys}, ${a.values.map((v) => `sum(${v})::int`).join(', ')}
      from (${parts.join(' union all ')}) d (${keys}, ${a.values.join(', ')})
     group by ${keys}
    having ${a.values.map((v) => `sum(${v}) <> 0`).join(' or ')}
     order by ${keys}
        on conflict (${keys}) do update set ${a.values.map((v) => `${v} = a.${v} + excluded.${v}`).join(', ')}`;
}

// ---------------------------------------------------------------------------------------------
// The aggregates and what each source row contributes to them.

const phaseCounts = (contribution: (rel: string) => string): Aggregate => ({
  table: 'dashboard_phase_counts',
  keys: ['team_id', 'process', 'phase', 'variant', 'closed_month'],
  values: ['items', 'overdue'],
  contribution,
});

/** Phases: open items under closed_month 'infinity', closed ones under the month they closed. */
const meldingPhases = phaseCounts((rel) => `
  select coalesce(r.team_id, '') as team_id, 'melding' as process, r.phase, r.triage as variant,
         case when r.phase <> 'afgesloten' then 'infinity'::date else ${month('r.closed_at')} end as closed_month,
         1 as items, r.overdue::int as overdue
    from ${rel} r
   where r.phase <> 'afgesloten' or r.closed_at is not null`);

/** Only closed cases: whether an open case is overdue depends on the clock (read from the register). */
const casePhases = phaseCounts((rel) => `
  select r.team_id, 'handhaving' as process, case when r.status = 'closed' then 'gesloten' else coalesce(r.step, 'geen') end as phase,
         case when r.status = 'closed' then '' else r.block end as variant, ${month('r.closed_at')} as closed_month, 1 as items, 0 as overdue
    from ${rel} r
   where r.status <> 'open' and r.closed_at is not null`);

const inspectionPhases = phaseCounts((rel) => `
  select r.team_id, 'inspectie' as process, r.status as phase, r.urgency as variant,
         case when r.status not in ('eindverslag', 'geannuleerd') then 'infinity'::date else ${month('r.closed_at')} end as closed_month,
         1 as items, r.overdue::int as overdue
    from ${rel} r
   where r.status not in ('eindverslag', 'geannuleerd') or r.closed_at is not null`);

const screeningPhases = phaseCounts((rel) => `
  select coalesce(r.team_id, '') as team_id, 'screening' as process, r.status as phase, '' as variant,
         case when r.status = 'open' then 'infinity'::date else ${month('r.coded_at')} end as closed_month,
         1 as items, r.overdue::int as overdue
    from ${rel} r
   where r.status = 'open' or r.coded_at is not null`);

/**
 * Deadline performance: reports per (team, month of receipt, triage, pick-up bucket; -1: not
 * picked up), each also under team '*' (all teams) and triage '*' (both), so that every view of it
 * reads one ordered range of the primary key.
 */
const pickups: Aggregate = {
  table: 'dashboard_pickup_counts',
  keys: ['team_id', 'month', 'triage', 'pickup_s'],
  values: ['reports'],
  contribution: (rel) => `
    select tm.team_id, ${month('r.received_at')} as month, tr.triage,
           case when r.picked_up_at is null then -1 else dashboard_pickup_bucket(extract(epoch from r.picked_up_at - r.received_at)) end as pickup_s,
           1 as reports
      from ${rel} r
     cross join lateral (values (coalesce(r.team_id, '')), ('*')) tm (team_id)
     cross join lateral (values (case when r.triage = 'crisis' then 'crisis' else 'regulier' end), ('*')) tr (triage)
     where r.phase <> 'te_koppelen'`,
};

/** The history's reports (melding, crisismelding) and inspections (by advice) per month. */
const timelineCounts: Aggregate = {
  table: 'dashboard_timeline_counts',
  keys: ['team_id', 'month', 'kind', 'detail'],
  values: ['entries'],
  contribution: (rel) => `
    select coalesce(d.team_id, '') as team_id, ${month('r.occurred_at')} as month, r.kind,
           case when r.kind = 'inspectie' then coalesce(r.details ->> 'advies', 'onbekend') else '' end as detail, 1 as entries
      from ${rel} r left join dossiers d on d.id = r.dossier_id
     where (r.kind in ('melding', 'crisismelding') and r.details ->> 'meldingId' is null)
        or (r.kind = 'inspectie' and r.details ->> 'inspectionId' is null)`,
};

const decisionKeys = { table: 'dashboard_decision_counts', keys: ['team_id', 'month', 'kind', 'urgent'], values: ['decisions', 'capacity'] };

/** Decisions of the history (timeline schorsing/opheffing, the location's capacity). */
const historyDecisions: Aggregate = {
  ...decisionKeys,
  contribution: (rel) => `
    select d.team_id, ${month('r.occurred_at')} as month, r.kind, coalesce((r.details ->> 'dringende_noodzakelijkheid')::boolean, false) as urgent,
           1 as decisions, l.capacity
      from ${rel} r join dossiers d on d.id = r.dossier_id join locations l on l.id = d.location_id
     where r.kind in ('schorsing', 'opheffing')`,
};

/** Decisions of the register, under the team of their case. */
const registerDecisions: Aggregate = {
  ...decisionKeys,
  contribution: (rel) => `
    select c.team_id, ${month('r.decided_at')} as month, r.kind, r.urgent, 1 as decisions, r.capacity_freed as capacity
      from ${rel} r join enforcement_cases c on c.id = r.case_id`,
};

const funnelKeys = {
  table: 'dashboard_funnel_counts',
  keys: ['team_id', 'month', 'stage', 'source'],
  values: ['started', 'escalated', 'remedied', 'decided', 'schorsing', 'opheffing'],
};

/** The register's enforcement steps (enforcement_cases.steps) by their outcome, per month started. */
const registerFunnel: Aggregate = {
  ...funnelKeys,
  contribution: (rel) => `
    select r.team_id, ${month(`(s ->> 'startedAt')::timestamptz`)} as month, coalesce(s ->> 'flow', '') as stage, 'register' as source, 1 as started,
           case when s -> 'outcome' ->> 'result' in ('not_remedied', 'proceed')
                  or (s -> 'outcome' ->> 'result' = 'decided' and (s -> 'outcome' ->> 'escalateToOpheffing')::boolean) then 1 else 0 end as escalated,
           case when s -> 'outcome' ->> 'result' in ('remedied', 'closed') then 1 else 0 end as remedied,
           case when s -> 'outcome' ->> 'result' = 'decided' then 1 else 0 end as decided,
           case when s -> 'outcome' ->> 'decision' = 'schorsing' then 1 else 0 end as schorsing,
           case when s -> 'outcome' ->> 'decision' = 'opheffing' then 1 else 0 end as opheffing
      from ${rel} r cross join lateral jsonb_array_elements(r.steps) s
     where s ->> 'startedAt' is not null`,
};

/**
 * The history's enforcement steps (timeline), each by the dossier's next step: escalated when it is
 * a later one; otherwise counted under `remedied`, of which the dashboard subtracts those whose
 * term has not passed yet (read through the term indexes). `steps`: rows (id, dossier_id, kind,
 * occurred_at, details) of whole dossiers.
 */
const historyFunnel = (steps: string): string => `
  select d.team_id, ${month('s.occurred_at')} as month,
         case when s.kind in ('schorsing', 'opheffing') and coalesce((s.details ->> 'dringende_noodzakelijkheid')::boolean, false) then 'dringende_beslissing'
              when s.kind in ('schorsing', 'opheffing') then 'beslissing' else s.kind end as stage,
         'historiek' as source, 1 as started,
         case when (s.kind = 'aanmaning' and s.next_kind in ('voornemen', 'schorsing', 'opheffing'))
                or (s.kind = 'voornemen' and s.next_kind in ('schorsing', 'opheffing'))
                or (s.kind = 'schorsing' and s.next_kind in ('voornemen', 'opheffing')) then 1 else 0 end as escalated,
         case when (s.kind = 'aanmaning' and s.next_kind is distinct from 'voornemen' and s.next_kind is distinct from 'schorsing' and s.next_kind is distinct from 'opheffing')
                or (s.kind = 'voornemen' and s.next_kind is distinct from 'schorsing' and s.next_kind is distinct from 'opheffing') then 1 else 0 end as remedied,
         case when s.kind in ('schorsing', 'opheffing') then 1 else 0 end as decided,
         case when s.kind = 'schorsing' then 1 else 0 end as schorsing,
         case when s.kind = 'opheffing' then 1 else 0 end as opheffing
    from (select x.id, x.dossier_id, x.kind, x.occurred_at, x.details,
                 lead(x.kind) over (partition by x.dossier_id order by x.occurred_at, x.id) as next_kind
            from (${steps}) x) s
    join dossiers d on d.id = s.dossier_id`;

const historyFunnelAggregate: Aggregate = { ...funnelKeys, contribution: historyFunnel };

const inspectionCounts: Aggregate = {
  table: 'dashboard_inspection_counts',
  keys: ['team_id', 'requested_month', 'status', 'urgency'],
  values: ['items', 'overdue', 'advice_enforce'],
  contribution: (rel) => `
    select r.team_id, ${month('r.requested_at')} as requested_month, r.status, r.urgency, 1 as items, r.overdue::int as overdue,
           case when r.advice_enforce then 1 else 0 end as advice_enforce
      from ${rel} r`,
};

const screeningCounts: Aggregate = {
  table: 'dashboard_screening_counts',
  keys: ['team_id', 'month', 'status', 'code', 'overdue'],
  values: ['tasks'],
  contribution: (rel) => `
    select coalesce(r.team_id, '') as team_id, r.month, r.status, coalesce(r.code, '') as code, r.overdue, 1 as tasks
      from ${rel} r`,
};

/** The aggregates each source table feeds with row-local contributions. */
const sources: Record<string, Aggregate[]> = {
  meldingen: [meldingPhases, pickups],
  enforcement_cases: [casePhases, registerFunnel],
  enforcement_decisions: [registerDecisions],
  inspections: [inspectionPhases, inspectionCounts],
  screening_tasks: [screeningPhases, screeningCounts],
  timeline_entries: [timelineCounts, historyDecisions],
};

const tableDefinitions = [
  `create table dashboard_phase_counts (
     team_id text not null, process text not null, phase text not null, variant text not null, closed_month date not null,
     items integer not null, overdue integer not null,
     primary key (team_id, process, phase, variant, closed_month))`,
  `create table dashboard_pickup_counts (
     team_id text not null, month date not null, triage text not null, pickup_s integer not null, reports integer not null,
     primary key (team_id, month, triage, pickup_s))`,
  `create table dashboard_timeline_counts (
     team_id text not null, month date not null, kind text not null, detail text not null, entries integer not null,
     primary key (team_id, month, kind, detail))`,
  `create table dashboard_decision_counts (
     team_id text not null, month date not null, kind text not null, urgent boolean not null, decisions integer not null, capacity integer not null,
     primary key (team_id, month, kind, urgent))`,
  `create table dashboard_funnel_counts (
     team_id text not null, month date not null, stage text not null, source text not null,
     started integer not null, escalated integer not null, remedied integer not null, decided integer not null,
     schorsing integer not null, opheffing integer not null,
     primary key (team_id, month, stage, source))`,
  `create table dashboard_inspection_counts (
     team_id text not null, requested_month date not null, status text not null, urgency text not null,
     items integer not null, overdue integer not null, advice_enforce integer not null,
     primary key (team_id, requested_month, status, urgency))`,
  `create table dashboard_screening_counts (
     team_id text not null, month text not null, status text not null, code text not null, overdue boolean not null, tasks integer not null,
     primary key (team_id, month, status, code, overdue))`,
];

const tables = ['dashboard_phase_counts', 'dashboard_pickup_counts', 'dashboard_timeline_counts', 'dashboard_decision_counts',
  'dashboard_funnel_counts', 'dashboard_inspection_counts', 'dashboard_screening_counts'];

/** Indexes of the registers for what the views read there: the present only (partial). */
const indexes = [
  // Overdue now, per team (dashboard overdue); index-only with the assignee and due moment.
  `create index meldingen_dashboard_overdue_idx on meldingen (team_id) include (assignee_id, due_at) where overdue and phase <> 'afgesloten'`,
  `create index inspections_dashboard_overdue_idx on inspections (team_id) include (case_manager_id, due_at) where overdue and status not in ('eindverslag', 'geannuleerd')`,
  `create index screening_tasks_dashboard_overdue_idx on screening_tasks (team_id) include (assignee_id, due_at) where overdue and status = 'open'`,
  // Open enforcement cases per team: their phase (step, block) and whether overdue (due_at < now()).
  `create index enforcement_cases_dashboard_open_idx on enforcement_cases (team_id, due_at) include (step, block, case_manager_id, waiting_for) where status = 'open'`,
  // Reports not picked up, by receipt: those still inside their budget are not decided yet.
  `create index meldingen_dashboard_waiting_idx on meldingen (received_at) include (team_id, triage) where picked_up_at is null and phase <> 'te_koppelen'`,
  // The history's steps whose term has not passed yet (ISO dates compare as text).
  `create index timeline_aanmaning_term_idx on timeline_entries ((details ->> 'termijn_tot')) where kind = 'aanmaning'`,
  `create index timeline_voornemen_hearing_idx on timeline_entries ((details ->> 'hoorrecht_tot')) where kind = 'voornemen'`,
];

const indexNames = ['meldingen_dashboard_overdue_idx', 'inspections_dashboard_overdue_idx', 'screening_tasks_dashboard_overdue_idx',
  'enforcement_cases_dashboard_open_idx', 'meldingen_dashboard_waiting_idx', 'timeline_aanmaning_term_idx', 'timeline_voornemen_hearing_idx'];

/** The trigger function of a source table: every aggregate it feeds, for the statement's rows. */
function triggerFunction(source: string, aggregates: Aggregate[], funnel: boolean): string {
  const each = (plus: string | null, minus: string | null) =>
    aggregates.map((a) => `${upsert(a, plus && a.contribution(plus), minus && a.contribution(minus))};`).join('\n');
  // The history's funnel: the steps of the touched dossiers before and after the statement.
  const now = `select t.id, t.dossier_id, t.kind, t.occurred_at, t.details from timeline_entries t where t.dossier_id = any($1) and t.kind in ${ENFORCEMENT_KINDS}`;
  const without = (rel: string) => `select a.* from (${now}) a where not exists (select 1 from ${rel} n where n.id = a.id)`;
  const old = `select o.id, o.dossier_id, o.kind, o.occurred_at, o.details from old_rows o where o.kind in ${ENFORCEMENT_KINDS}`;
  const funnelDelta = (before: string) => upsert(historyFunnelAggregate, historyFunnel(now), historyFunnel(before)).replace(/'/g, "''");
  const touched = (rels: string[]) =>
    `select array_agg(distinct x.dossier_id order by x.dossier_id) into touched from (${rels.map((r) => `select dossier_id from ${r} where kind in ${ENFORCEMENT_KINDS}`).join(' union all ')}) x;`;
  return `
    create function dashboard_${source}_changed() returns trigger language plpgsql security definer as $fn$
    declare
      touched text[];
    begin
      if TG_OP = 'INSERT' then
        ${each('new_rows', null)}
        ${funnel ? touched(['new_rows']) : ''}
      elsif TG_OP = 'UPDATE' then
        ${each('new_rows', 'old_rows')}
        ${funnel ? touched(['new_rows', 'old_rows']) : ''}
      else
        ${each(null, 'old_rows')}
        ${funnel ? touched(['old_rows']) : ''}
      end if;
      ${funnel ? `
      if touched is not null then
        -- Writers of the same dossier's steps take turns (a step's successor decides it): one lock
        -- per dossier, or, for a bulk write, the whole history. Then a fresh snapshot (READ
        -- COMMITTED) sees what the one before committed.
        if cardinality(touched) > 64 then
          perform pg_advisory_xact_lock(${FUNNEL_LOCK_KEY}, 0);
        else
          perform pg_advisory_xact_lock_shared(${FUNNEL_LOCK_KEY}, 0);
          perform pg_advisory_xact_lock(${FUNNEL_LOCK_KEY}, hashtext(x)) from unnest(touched) as x;
        end if;
        -- Planned for each statement: one dossier or all of them.
        if TG_OP = 'INSERT' then
          execute '${funnelDelta(without('new_rows'))}' using touched;
        elsif TG_OP = 'UPDATE' then
          execute '${funnelDelta(`${without('new_rows')} union all ${old}`)}' using touched;
        else
          execute '${funnelDelta(`${now} union all ${old}`)}' using touched;
        end if;
      end if;` : ''}
      return null;
    end;
    $fn$`;
}

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of tableDefinitions) await sql.raw(statement).execute(db);
  for (const statement of indexes) await sql.raw(statement).execute(db);

  // The pick-up histogram's bucket of a delay in seconds: its upper bound, in seconds.
  await sql`
    create function dashboard_pickup_bucket(seconds numeric) returns integer language sql immutable parallel safe as $$
      select (case when seconds <= 0 then 0
                   when seconds <= 60 then ceil(seconds)
                   when seconds <= 600 then ceil(seconds / 10) * 10
                   when seconds <= 7200 then ceil(seconds / 60) * 60
                   when seconds <= 172800 then ceil(seconds / 900) * 900
                   when seconds <= 1209600 then ceil(seconds / 3600) * 3600
                   else ceil(least(seconds, 2000000000) / 86400) * 86400 end)::integer
    $$`.execute(db);

  // Backfill: what the existing rows contribute (the triggers do not exist yet).
  for (const [source, aggregates] of Object.entries(sources)) {
    for (const a of aggregates) await sql.raw(upsert(a, a.contribution(source), null)).execute(db);
  }
  await sql.raw(upsert(historyFunnelAggregate,
    historyFunnel(`select id, dossier_id, kind, occurred_at, details from timeline_entries where kind in ${ENFORCEMENT_KINDS}`), null)).execute(db);

  for (const [source, aggregates] of Object.entries(sources)) {
    await sql.raw(triggerFunction(source, aggregates, source === 'timeline_entries')).execute(db);
    // Name resolution fixed to this schema (pg_temp last), as the function runs as its owner.
    await sql.raw(`
      do $$ begin
        execute format('alter function dashboard_${source}_changed() set search_path = pg_catalog, %I, pg_temp', current_schema());
      end $$`).execute(db);
    await sql.raw(`create trigger dashboard_${source}_inserted after insert on ${source} referencing new table as new_rows
                   for each statement execute function dashboard_${source}_changed()`).execute(db);
    await sql.raw(`create trigger dashboard_${source}_updated after update on ${source} referencing old table as old_rows new table as new_rows
                   for each statement execute function dashboard_${source}_changed()`).execute(db);
    await sql.raw(`create trigger dashboard_${source}_deleted after delete on ${source} referencing old table as old_rows
                   for each statement execute function dashboard_${source}_changed()`).execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const source of Object.keys(sources)) {
    for (const op of ['inserted', 'updated', 'deleted']) await sql.raw(`drop trigger if exists dashboard_${source}_${op} on ${source}`).execute(db);
    await sql.raw(`drop function if exists dashboard_${source}_changed()`).execute(db);
  }
  await sql`drop function if exists dashboard_pickup_bucket(numeric)`.execute(db);
  for (const name of indexNames) await sql.raw(`drop index if exists ${name}`).execute(db);
  for (const table of tables) await sql.raw(`drop table if exists ${table}`).execute(db);
}
