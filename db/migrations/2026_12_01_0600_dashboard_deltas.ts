import { type Kysely, sql } from 'kysely';

// Frozen in time: takes Kysely<any> and imports nothing from the application.
//
// Issue 15, goal 2: the team dashboard (db/repositories/dashboard.ts, docs/work-surfaces.md) reads
// summaries per team and month instead of aggregating the registers and the 630,000 timeline
// entries on every request — WITHOUT making writers wait for each other. The first attempt
// (69f5e71, reverted in 885ce3e) kept counter rows (team × month) up to date in the writing
// transaction with INSERT … ON CONFLICT DO UPDATE: every intake of a team and month updated the
// same row and waited for the one before to commit (timer lag p99 3.2 s → 22.6 s, 724 of 9,000
// reports not registered). Here:
//
// - Writers only APPEND. Statement-level AFTER triggers (transition tables) on the registers and
//   the timeline insert signed delta rows (what the statement's NEW rows contribute minus what its
//   OLD rows did, per bucket; buckets that net to zero are left out) into `dashboard_*_deltas`,
//   whose only key is a bigserial id: no writer ever waits for a row another writer holds (a
//   sequence's nextval does not wait).
// - The summaries `dashboard_*_counts` are written by the fold only (`dashboard_fold(max)`, below;
//   platform/dashboard-fold.ts runs it from the worker): one at a time (a transaction-level
//   advisory lock, tried, never waited for), it DELETEs a bounded batch of deltas … RETURNING them,
//   adds them up per bucket and upserts the sums, in one statement per summary, so a reader sees a
//   delta either in its delta table or in its summary, never both or neither.
// - Readers sum summary + deltas (UNION ALL) in one statement: exact and fresh whatever the fold's
//   timing; the fold only keeps the delta tables small.
// - The history's enforcement funnel is not row-local (a step counts as escalated or remedied by
//   the dossier's NEXT step), so a writer cannot compute its delta without seeing the other
//   writers' uncommitted steps. The timeline's trigger appends the dossier to
//   `dashboard_funnel_dirty` instead; the fold recomputes the contribution of each dirty dossier
//   (`dashboard_funnel_dossiers`: what each dossier's steps add, the summary's 'historiek' rows
//   their sum), and a reader replaces the stored contribution of every dossier still dirty by the
//   one computed from its timeline now. Still exact; the cost of a read grows with the number of
//   dirty dossiers (after a fold: none).
// - What depends on the clock is not stored: what is overdue now, the reports still inside their
//   pick-up budget and the history's steps whose term has not passed are read from the registers
//   through the partial and expression indexes below, which hold the present only.
// - Pick-up times are kept as a histogram per (team, month, triage, bucket of the pick-up time);
//   its upper bound in seconds is the key (1 s up to 1 minute, 10 s up to 10 minutes, 1 minute
//   up to 2 hours, 15 minutes up to 48 hours, 1 hour up to 14 days, then days): "within budget" is
//   exact for every budget on that grid (whole hours and days, as configured); the median is the
//   upper bound of the middle report's bucket (too high by less than one bucket). Copies under
//   team '*' and triage '*' answer "all teams" and "both" from one range of the key.
// - Not followed (as before): a dossier that changes team and a location whose capacity changes
//   (neither happens in this system); TRUNCATE of a source table.
// - No SECURITY DEFINER: the triggers run as the writer, and the application's role holds INSERT
//   on every table and USAGE on every sequence of the schema (db/migrate.ts,
//   grantApplicationRole), the delta tables and their sequences included; the fold as the
//   application's role holds DELETE on the deltas and INSERT/UPDATE on the summaries. The search
//   path of every function is pinned (pg_temp last), so a temporary table cannot stand in.
// - Back-fill: the triggers are created first, then the summaries are filled from the existing
//   rows, in the migration's transaction: a writer waits for CREATE TRIGGER's lock until it
//   commits, so no row is counted twice or missed.

/** A Brussels month of an instant, as the date of its first day. */
const month = (col: string) => `(date_trunc('month', (${col}) at time zone 'Europe/Brussels'))::date`;

const ENFORCEMENT_KINDS = `('aanmaning','voornemen','schorsing','opheffing')`;

/** Key of the fold's transaction-level advisory lock ("dashfold"). */
const FOLD_LOCK_KEY = 1684108148;

interface Aggregate {
  table: string;
  deltas: string;
  keys: string[];
  values: string[];
  /** A SELECT of the keys and values (in that order) that the rows of `rel` contribute. */
  contribution: (rel: string) => string;
}

/** (contributions of `plus`) − (contributions of `minus`), summed per bucket, zero buckets left out. */
function netted(a: Aggregate, plus: string | null, minus: string | null): string {
  const keys = a.keys.join(', ');
  const parts = [
    ...(plus ? [`select * from (${plus}) p`] : []),
    ...(minus ? [`select ${a.keys.map((k) => `m.${k}`).join(', ')}, ${a.values.map((v) => `-m.${v}`).join(', ')} from (${minus}) m`] : []),
  ];
  return `
    select ${keys}, ${a.values.map((v) => `sum(${v})::int`).join(', ')}
      from (${parts.join(' union all ')}) d (${keys}, ${a.values.join(', ')})
     group by ${keys}
    having ${a.values.map((v) => `sum(${v}) <> 0`).join(' or ')}`;
}

/** A writer's statement: append the net contribution as delta rows (no key of their own to collide on). */
const appendDeltas = (a: Aggregate, plus: string | null, minus: string | null) =>
  `insert into ${a.deltas} (${a.keys.join(', ')}, ${a.values.join(', ')}) ${netted(a, plus, minus)}`;

/** Adds rows (keys, values) of `source` to the summary; the fold's and the back-fill's upsert. */
const upsertSums = (a: Aggregate, source: string) => `
    insert into ${a.table} as a (${a.keys.join(', ')}, ${a.values.join(', ')})
    select ${a.keys.join(', ')}, ${a.values.map((v) => `sum(${v})::int`).join(', ')} from ${source}
     group by ${a.keys.join(', ')}
        on conflict (${a.keys.join(', ')}) do update set ${a.values.map((v) => `${v} = a.${v} + excluded.${v}`).join(', ')}`;

// ---------------------------------------------------------------------------------------------
// The aggregates and what each source row contributes to them.

const phaseCounts = (contribution: (rel: string) => string): Aggregate => ({
  table: 'dashboard_phase_counts',
  deltas: 'dashboard_phase_deltas',
  keys: ['team_id', 'process', 'phase', 'variant', 'closed_month'],
  values: ['items', 'overdue'],
  contribution,
});

/** Phases: open items under closed_month 'infinity', closed ones under the month they closed. */
const meldingPhases = phaseCounts((rel) => `
  select coalesce(r.team_id, '') as team_id, 'melding' as process, r.phase, coalesce(r.triage, '') as variant,
         case when r.phase <> 'afgesloten' then 'infinity'::date else ${month('r.closed_at')} end as closed_month,
         1 as items, r.overdue::int as overdue
    from ${rel} r
   where r.phase <> 'afgesloten' or r.closed_at is not null`);

/** Only closed cases: whether an open case is overdue depends on the clock (read from the register). */
const casePhases = phaseCounts((rel) => `
  select coalesce(r.team_id, '') as team_id, 'handhaving' as process, 'gesloten' as phase, '' as variant,
         ${month('r.closed_at')} as closed_month, 1 as items, 0 as overdue
    from ${rel} r
   where r.status = 'closed' and r.closed_at is not null`);

const inspectionPhases = phaseCounts((rel) => `
  select coalesce(r.team_id, '') as team_id, 'inspectie' as process, r.status as phase, r.urgency as variant,
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
 * picked up), each also under team '*' (all teams) and triage '*' (both).
 */
const pickups: Aggregate = {
  table: 'dashboard_pickup_counts',
  deltas: 'dashboard_pickup_deltas',
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
  deltas: 'dashboard_timeline_deltas',
  keys: ['team_id', 'month', 'kind', 'detail'],
  values: ['entries'],
  contribution: (rel) => `
    select coalesce(d.team_id, '') as team_id, ${month('r.occurred_at')} as month, r.kind,
           case when r.kind = 'inspectie' then coalesce(r.details ->> 'advies', 'onbekend') else '' end as detail, 1 as entries
      from ${rel} r left join dossiers d on d.id = r.dossier_id
     where (r.kind in ('melding', 'crisismelding') and r.details ->> 'meldingId' is null)
        or (r.kind = 'inspectie' and r.details ->> 'inspectionId' is null)`,
};

const decisionKeys = {
  table: 'dashboard_decision_counts',
  deltas: 'dashboard_decision_deltas',
  keys: ['team_id', 'month', 'kind', 'urgent'],
  values: ['decisions', 'capacity'],
};

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
    select coalesce(c.team_id, '') as team_id, ${month('r.decided_at')} as month, r.kind, r.urgent, 1 as decisions, r.capacity_freed as capacity
      from ${rel} r join enforcement_cases c on c.id = r.case_id`,
};

const funnelValues = ['started', 'escalated', 'remedied', 'decided', 'schorsing', 'opheffing'];

/** The register's enforcement steps (enforcement_cases.steps) by their outcome, per month started. */
const registerFunnel: Aggregate = {
  table: 'dashboard_funnel_counts',
  deltas: 'dashboard_funnel_deltas',
  keys: ['team_id', 'month', 'stage', 'source'],
  values: funnelValues,
  contribution: (rel) => `
    select coalesce(r.team_id, '') as team_id, ${month(`(s ->> 'startedAt')::timestamptz`)} as month, coalesce(s ->> 'flow', '') as stage,
           'register' as source, 1 as started,
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
 * The history's enforcement steps of the dossiers in `dossiers` (an array expression), per dossier,
 * month and stage: escalated when the dossier's next step is a later one, otherwise counted under
 * `remedied`, of which the dashboard subtracts those whose term has not passed yet.
 */
const historyFunnel = (dossiers: string | null): string => `
  select s.dossier_id, d.team_id, ${month('s.occurred_at')} as month,
         case when s.kind in ('schorsing', 'opheffing') and coalesce((s.details ->> 'dringende_noodzakelijkheid')::boolean, false) then 'dringende_beslissing'
              when s.kind in ('schorsing', 'opheffing') then 'beslissing' else s.kind end as stage,
         count(*)::int as started,
         count(*) filter (where (s.kind = 'aanmaning' and s.next_kind in ('voornemen', 'schorsing', 'opheffing'))
                             or (s.kind = 'voornemen' and s.next_kind in ('schorsing', 'opheffing'))
                             or (s.kind = 'schorsing' and s.next_kind in ('voornemen', 'opheffing')))::int as escalated,
         count(*) filter (where (s.kind = 'aanmaning' and s.next_kind is distinct from 'voornemen' and s.next_kind is distinct from 'schorsing' and s.next_kind is distinct from 'opheffing')
                             or (s.kind = 'voornemen' and s.next_kind is distinct from 'schorsing' and s.next_kind is distinct from 'opheffing'))::int as remedied,
         count(*) filter (where s.kind in ('schorsing', 'opheffing'))::int as decided,
         count(*) filter (where s.kind = 'schorsing')::int as schorsing,
         count(*) filter (where s.kind = 'opheffing')::int as opheffing
    from (select x.dossier_id, x.kind, x.occurred_at, x.details,
                 lead(x.kind) over (partition by x.dossier_id order by x.occurred_at, x.id) as next_kind
            from timeline_entries x
           where x.kind in ${ENFORCEMENT_KINDS} ${dossiers ? `and x.dossier_id = any(${dossiers})` : ''}) s
    join dossiers d on d.id = s.dossier_id
   group by 1, 2, 3, 4`;

const inspectionCounts: Aggregate = {
  table: 'dashboard_inspection_counts',
  deltas: 'dashboard_inspection_deltas',
  keys: ['team_id', 'requested_month', 'status', 'urgency'],
  values: ['items', 'overdue', 'advice_enforce'],
  contribution: (rel) => `
    select coalesce(r.team_id, '') as team_id, ${month('r.requested_at')} as requested_month, r.status, r.urgency, 1 as items, r.overdue::int as overdue,
           case when r.advice_enforce then 1 else 0 end as advice_enforce
      from ${rel} r`,
};

const screeningCounts: Aggregate = {
  table: 'dashboard_screening_counts',
  deltas: 'dashboard_screening_deltas',
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

/** Every summary once (with its delta table). */
const aggregates: Aggregate[] = [meldingPhases, pickups, timelineCounts, historyDecisions, registerFunnel, inspectionCounts, screeningCounts];

/** The summaries' columns: key columns first. */
const columns: Record<string, string> = {
  dashboard_phase_counts: 'team_id text not null, process text not null, phase text not null, variant text not null, closed_month date not null, items integer not null, overdue integer not null',
  dashboard_pickup_counts: 'team_id text not null, month date not null, triage text not null, pickup_s integer not null, reports integer not null',
  dashboard_timeline_counts: 'team_id text not null, month date not null, kind text not null, detail text not null, entries integer not null',
  dashboard_decision_counts: 'team_id text not null, month date not null, kind text not null, urgent boolean not null, decisions integer not null, capacity integer not null',
  dashboard_funnel_counts: 'team_id text not null, month date not null, stage text not null, source text not null, ' +
    'started integer not null, escalated integer not null, remedied integer not null, decided integer not null, schorsing integer not null, opheffing integer not null',
  dashboard_inspection_counts: 'team_id text not null, requested_month date not null, status text not null, urgency text not null, items integer not null, overdue integer not null, advice_enforce integer not null',
  dashboard_screening_counts: 'team_id text not null, month text not null, status text not null, code text not null, overdue boolean not null, tasks integer not null',
};

const funnelDossierColumns = 'dossier_id text not null, team_id text not null, month date not null, stage text not null, ' +
  'started integer not null, escalated integer not null, remedied integer not null, decided integer not null, schorsing integer not null, opheffing integer not null';

/** Indexes of the registers for what the views read there: the present only (partial). */
const indexes: [string, string][] = [
  // Overdue now, per team (dashboard overdue); index-only with the assignee and due moment.
  ['meldingen_dashboard_overdue_idx', `on meldingen (team_id) include (assignee_id, due_at) where overdue and phase <> 'afgesloten'`],
  ['inspections_dashboard_overdue_idx', `on inspections (team_id) include (case_manager_id, due_at) where overdue and status not in ('eindverslag', 'geannuleerd')`],
  ['screening_tasks_dashboard_overdue_idx', `on screening_tasks (team_id) include (assignee_id, due_at) where overdue and status = 'open'`],
  // Open enforcement cases per team: their phase (step, block) and whether overdue (due_at < now()).
  ['enforcement_cases_dashboard_open_idx', `on enforcement_cases (team_id, due_at) include (step, block, case_manager_id, waiting_for) where status = 'open'`],
  // Reports not picked up, by receipt: those still inside their budget are not decided yet.
  ['meldingen_dashboard_waiting_idx', `on meldingen (received_at) include (team_id, triage) where picked_up_at is null and phase <> 'te_koppelen'`],
  // The history's steps whose term has not passed yet (ISO dates compare as text).
  ['timeline_aanmaning_term_idx', `on timeline_entries ((details ->> 'termijn_tot')) where kind = 'aanmaning'`],
  ['timeline_voornemen_hearing_idx', `on timeline_entries ((details ->> 'hoorrecht_tot')) where kind = 'voornemen'`],
];

/** The trigger function of a source table: the deltas of every aggregate it feeds, for the statement's rows. */
function triggerFunction(source: string, feeds: Aggregate[]): string {
  const each = (plus: string | null, minus: string | null) =>
    feeds.map((a) => `${appendDeltas(a, plus && a.contribution(plus), minus && a.contribution(minus))};`).join('\n');
  // The history's funnel: which dossiers' steps changed (recomputed by the fold, and by readers until then).
  const dirty = (rels: string[]) => source !== 'timeline_entries' ? '' : `
        insert into dashboard_funnel_dirty (dossier_id)
        select distinct x.dossier_id from (${rels.map((r) => `select dossier_id from ${r} where kind in ${ENFORCEMENT_KINDS}`).join(' union all ')}) x;`;
  return `
    create function dashboard_${source}_changed() returns trigger language plpgsql as $fn$
    begin
      if TG_OP = 'INSERT' then
        ${each('new_rows', null)}
        ${dirty(['new_rows'])}
      elsif TG_OP = 'UPDATE' then
        ${each('new_rows', 'old_rows')}
        ${dirty(['new_rows', 'old_rows'])}
      else
        ${each(null, 'old_rows')}
        ${dirty(['old_rows'])}
      end if;
      return null;
    end;
    $fn$`;
}

/**
 * The fold: moves at most `max_rows` deltas of each summary into it, and recomputes at most
 * `max_rows` dirty dossiers of the history's funnel. Answers the number of rows moved (deltas and
 * dirty marks), or -1 when another fold holds the lock (then it does nothing and waits for nothing).
 */
function foldFunction(): string {
  const moveDeltas = aggregates.map((a) => `
      with moved as (
        delete from ${a.deltas} where id in (select id from ${a.deltas} order by id limit max_rows)
        returning ${a.keys.join(', ')}, ${a.values.join(', ')}
      ), summed as (${upsertSums(a, 'moved')})
      select count(*) into n from moved;
      if n > 0 then
        total := total + n;
        delete from ${a.table} where ${a.values.map((v) => `${v} = 0`).join(' and ')};
      end if;`).join('\n');
  const funnelKeys = 'team_id, month, stage';
  return `
    create function dashboard_fold(max_rows integer) returns integer language plpgsql as $fn$
    declare
      total integer := 0;
      n integer;
      touched text[];
    begin
      if not pg_try_advisory_xact_lock(${FOLD_LOCK_KEY}) then
        return -1;
      end if;
      ${moveDeltas}
      -- The history's funnel: dirty dossiers' stored contributions out, their contributions now in.
      with moved as (
        delete from dashboard_funnel_dirty where id in (select id from dashboard_funnel_dirty order by id limit max_rows)
        returning dossier_id
      )
      select array_agg(distinct dossier_id), count(*) into touched, n from moved;
      if n > 0 then
        total := total + n;
        with gone as (delete from dashboard_funnel_dossiers where dossier_id = any(touched) returning *)
        insert into dashboard_funnel_counts as a (${funnelKeys}, source, ${funnelValues.join(', ')})
        select ${funnelKeys}, 'historiek', ${funnelValues.map((v) => `-sum(${v})::int`).join(', ')} from gone group by ${funnelKeys}
            on conflict (${funnelKeys}, source) do update set ${funnelValues.map((v) => `${v} = a.${v} + excluded.${v}`).join(', ')};
        with fresh as (${historyFunnel('touched')}),
             kept as (insert into dashboard_funnel_dossiers select * from fresh)
        insert into dashboard_funnel_counts as a (${funnelKeys}, source, ${funnelValues.join(', ')})
        select ${funnelKeys}, 'historiek', ${funnelValues.map((v) => `sum(${v})::int`).join(', ')} from fresh group by ${funnelKeys}
            on conflict (${funnelKeys}, source) do update set ${funnelValues.map((v) => `${v} = a.${v} + excluded.${v}`).join(', ')};
        delete from dashboard_funnel_counts where ${funnelValues.map((v) => `${v} = 0`).join(' and ')};
      end if;
      return total;
    end;
    $fn$`;
}

/** Pins a function's name resolution to this schema (pg_temp last). */
const pinSearchPath = (signature: string) => sql.raw(`
  do $$ begin
    execute format('alter function ${signature} set search_path = pg_catalog, %I, pg_temp', current_schema());
  end $$`);

const summaryTables = aggregates.map((a) => a.table);
const deltaTables = aggregates.map((a) => a.deltas);

export async function up(db: Kysely<any>): Promise<void> {
  for (const a of aggregates) {
    await sql.raw(`create table ${a.table} (${columns[a.table]}, primary key (${a.keys.join(', ')}))`).execute(db);
    // Only a bigserial key: appending writers never collide; the fold takes the oldest first.
    await sql.raw(`create table ${a.deltas} (id bigserial primary key, ${columns[a.table]})`).execute(db);
  }
  await sql.raw(`create table dashboard_funnel_dossiers (${funnelDossierColumns}, primary key (dossier_id, month, stage))`).execute(db);
  await sql`create table dashboard_funnel_dirty (id bigserial primary key, dossier_id text not null)`.execute(db);
  for (const [name, definition] of indexes) await sql.raw(`create index ${name} ${definition}`).execute(db);

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

  for (const [source, feeds] of Object.entries(sources)) {
    await sql.raw(triggerFunction(source, feeds)).execute(db);
    await pinSearchPath(`dashboard_${source}_changed()`).execute(db);
    await sql.raw(`create trigger dashboard_${source}_inserted after insert on ${source} referencing new table as new_rows
                   for each statement execute function dashboard_${source}_changed()`).execute(db);
    await sql.raw(`create trigger dashboard_${source}_updated after update on ${source} referencing old table as old_rows new table as new_rows
                   for each statement execute function dashboard_${source}_changed()`).execute(db);
    await sql.raw(`create trigger dashboard_${source}_deleted after delete on ${source} referencing old table as old_rows
                   for each statement execute function dashboard_${source}_changed()`).execute(db);
  }
  await sql.raw(foldFunction()).execute(db);
  await pinSearchPath('dashboard_fold(integer)').execute(db);

  // Back-fill from the existing rows (after the triggers: see the heading).
  for (const [source, feeds] of Object.entries(sources)) {
    for (const a of feeds) await sql.raw(upsertSums(a, `(${a.contribution(source)}) c`)).execute(db);
  }
  await sql.raw(`insert into dashboard_funnel_dossiers ${historyFunnel(null)}`).execute(db);
  await sql.raw(`
    insert into dashboard_funnel_counts as a (team_id, month, stage, source, ${funnelValues.join(', ')})
    select team_id, month, stage, 'historiek', ${funnelValues.map((v) => `sum(${v})::int`).join(', ')} from dashboard_funnel_dossiers
     group by team_id, month, stage
        on conflict (team_id, month, stage, source) do update set ${funnelValues.map((v) => `${v} = a.${v} + excluded.${v}`).join(', ')}`).execute(db);
  for (const table of summaryTables) await sql.raw(`analyze ${table}`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const source of Object.keys(sources)) {
    for (const op of ['inserted', 'updated', 'deleted']) await sql.raw(`drop trigger if exists dashboard_${source}_${op} on ${source}`).execute(db);
    await sql.raw(`drop function if exists dashboard_${source}_changed()`).execute(db);
  }
  await sql`drop function if exists dashboard_fold(integer)`.execute(db);
  await sql`drop function if exists dashboard_pickup_bucket(numeric)`.execute(db);
  for (const [name] of indexes) await sql.raw(`drop index if exists ${name}`).execute(db);
  for (const table of [...summaryTables, ...deltaTables, 'dashboard_funnel_dossiers', 'dashboard_funnel_dirty']) {
    await sql.raw(`drop table if exists ${table}`).execute(db);
  }
}
