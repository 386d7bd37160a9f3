import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../../db/schema.js';
import { type DashboardFilter, type DashboardRow, type DashboardView, funnelOfStages, overdueQuery } from '../../db/repositories/dashboard.js';

/**
 * The team dashboard computed from the registers and the timeline alone: the statements of
 * db/repositories/dashboard.ts before the summaries (migration 2026_12_01_0600_dashboard_deltas),
 * kept for the tests, which hold every view of the summaries equal to these (within one pick-up
 * bucket for the medians), and for the bench's "before".
 */
/** The Brussels month of an instant: grouped by the truncated timestamp, shown as 'YYYY-MM' (to_char once per group). */
const monthStart = (col: RawBuilder<unknown>) => sql`date_trunc('month', ${col} at time zone 'Europe/Brussels')`;
const monthText = (col: RawBuilder<unknown>) => sql`to_char(${col}, 'YYYY-MM')`;
const team = (f: DashboardFilter, col: string) => (f.teamId ? sql`${sql.ref(col)} = ${f.teamId}` : sql`true`);
const inPeriod = (f: DashboardFilter, col: string) => sql`${sql.ref(col)} >= ${f.from} and ${sql.ref(col)} < ${f.to}`;
/** Timeline entries of the filter's team: a join on the dossier (no join for all teams). */
const timelineTeamJoin = (f: DashboardFilter) => (f.teamId ? sql`join dossiers d on d.id = t.dossier_id and d.team_id = ${f.teamId}` : sql``);

async function rows(db: Kysely<Database>, query: RawBuilder<DashboardRow>): Promise<DashboardRow[]> {
  return (await query.execute(db)).rows;
}

/** Counts per process and phase: everything open now, plus what closed within the period. */
function phaseCountsQuery(f: DashboardFilter) {
  return sql<DashboardRow>`
    select 'melding' as "process", m.phase as "phase", m.triage as "variant",
           count(*)::int as "count", count(*) filter (where m.overdue)::int as "overdue"
      from meldingen m
     where ${team(f, 'm.team_id')} and (m.phase <> 'afgesloten' or (${inPeriod(f, 'm.closed_at')}))
     group by m.phase, m.triage
    union all
    select 'handhaving', case when c.status = 'closed' then 'gesloten' else coalesce(c.step, 'geen') end,
           case when c.status = 'closed' then null else c.block end,
           count(*)::int, count(*) filter (where c.status = 'open' and c.due_at < now())::int
      from enforcement_cases c
     where ${team(f, 'c.team_id')} and (c.status = 'open' or (${inPeriod(f, 'c.closed_at')}))
     group by 2, 3
    union all
    select 'inspectie', i.status, i.urgency, count(*)::int, count(*) filter (where i.overdue)::int
      from inspections i
     where ${team(f, 'i.team_id')} and (i.status not in ('eindverslag', 'geannuleerd') or (${inPeriod(f, 'i.closed_at')}))
     group by i.status, i.urgency
    union all
    select 'screening', s.status, null, count(*)::int, count(*) filter (where s.overdue)::int
      from screening_tasks s
     where ${team(f, 's.team_id')} and (s.status = 'open' or (${inPeriod(f, 's.coded_at')}))
     group by s.status
    order by 1, 2, 3`;
}

// Overdue now is read from the registers by the app as well (no summary): the app's statement.

/**
 * Deadline performance per month of receipt: the share of crisis reports picked up within their
 * budget (1 hour) and of regular ones (24 hours), and the median time to pick up, in minutes.
 * Picked up = the report's first `melding.acknowledged` (meldingen.picked_up_at, kept by the projection). The share counts the reports whose
 * deadline has been decided (picked up, or the budget has passed); a report still inside its budget
 * counts nowhere yet. The seeded history has no pick-up moments: its months show `historyCrisis` /
 * `historyRegular` (reports received) only.
 */
function deadlinePerformanceQuery(f: DashboardFilter) {
  const crisis = sql`make_interval(secs => ${f.crisisBudgetMs / 1000})`;
  const regular = sql`make_interval(secs => ${f.regularBudgetMs / 1000})`;
  const minutes = sql`extract(epoch from (picked_up_at - received_at)) / 60`;
  return sql<DashboardRow>`
    with live as (
      select m.triage, m.received_at, m.picked_up_at
        from meldingen m
       where ${inPeriod(f, 'm.received_at')} and ${team(f, 'm.team_id')} and m.phase <> 'te_koppelen'
    ), live_months as (
      select ${monthStart(sql`received_at`)} as month,
             count(*) filter (where triage = 'crisis')::int as crisis_received,
             count(*) filter (where triage = 'crisis' and (picked_up_at is not null or received_at + ${crisis} < now()))::int as crisis_decided,
             count(*) filter (where triage = 'crisis' and picked_up_at <= received_at + ${crisis})::int as crisis_in_time,
             count(*) filter (where triage <> 'crisis')::int as regular_received,
             count(*) filter (where triage <> 'crisis' and (picked_up_at is not null or received_at + ${regular} < now()))::int as regular_decided,
             count(*) filter (where triage <> 'crisis' and picked_up_at <= received_at + ${regular})::int as regular_in_time,
             percentile_cont(0.5) within group (order by ${minutes}) filter (where triage = 'crisis' and picked_up_at is not null) as crisis_median,
             percentile_cont(0.5) within group (order by ${minutes}) filter (where triage <> 'crisis' and picked_up_at is not null) as regular_median,
             percentile_cont(0.5) within group (order by ${minutes}) filter (where picked_up_at is not null) as all_median
        from live group by 1
    ), history as (
      select ${monthStart(sql`t.occurred_at`)} as month,
             count(*) filter (where t.kind = 'crisismelding')::int as history_crisis,
             count(*) filter (where t.kind = 'melding')::int as history_regular
        from timeline_entries t ${timelineTeamJoin(f)}
       where t.kind in ('melding', 'crisismelding') and ${inPeriod(f, 't.occurred_at')} and t.details ->> 'meldingId' is null
       group by 1
    )
    select ${monthText(sql`coalesce(l.month, h.month)`)} as "month",
           coalesce(l.crisis_received, 0) as "crisisReceived",
           coalesce(l.crisis_in_time, 0) as "crisisWithinBudget",
           round(l.crisis_in_time::numeric / nullif(l.crisis_decided, 0), 3)::float8 as "crisisShareWithinBudget",
           round(l.crisis_median::numeric, 1)::float8 as "crisisMedianPickupMinutes",
           coalesce(l.regular_received, 0) as "regularReceived",
           coalesce(l.regular_in_time, 0) as "regularWithinBudget",
           round(l.regular_in_time::numeric / nullif(l.regular_decided, 0), 3)::float8 as "regularShareWithinBudget",
           round(l.regular_median::numeric, 1)::float8 as "regularMedianPickupMinutes",
           round(l.all_median::numeric, 1)::float8 as "medianPickupMinutes",
           coalesce(h.history_crisis, 0) as "historyCrisis",
           coalesce(h.history_regular, 0) as "historyRegular"
      from live_months l full join history h on h.month = l.month
     order by 1`;
}

/**
 * The enforcement funnel aanmaning → voornemen → beslissing of the steps started in the period,
 * and how many were remedied at each step. History (timeline): a step is escalated when the
 * dossier's next enforcement step is a later one, remedied when there is none (or a new aanmaning)
 * and its term has passed (aanmaning: `termijn_tot`; voornemen: `hoorrecht_tot` + 30 days), else
 * still open. Register (enforcement_cases.steps): by each step's outcome.
 */
function funnelQuery(f: DashboardFilter) {
  return sql<DashboardRow>`
    with steps as (
      select t.kind, t.occurred_at, t.details,
             lead(t.kind) over (partition by t.dossier_id order by t.occurred_at, t.id) as next_kind
        from timeline_entries t ${timelineTeamJoin(f)}
       where t.kind in ('aanmaning', 'voornemen', 'schorsing', 'opheffing')
    ), history as (
      select case when kind in ('schorsing', 'opheffing') and coalesce((details ->> 'dringende_noodzakelijkheid')::boolean, false)
                  then 'dringende_beslissing' when kind in ('schorsing', 'opheffing') then 'beslissing' else kind end as stage,
             count(*)::int as started,
             count(*) filter (where (kind = 'aanmaning' and next_kind in ('voornemen', 'schorsing', 'opheffing'))
                                 or (kind = 'voornemen' and next_kind in ('schorsing', 'opheffing'))
                                 or (kind = 'schorsing' and next_kind in ('voornemen', 'opheffing')))::int as escalated,
             count(*) filter (where (kind = 'aanmaning' and next_kind is distinct from 'voornemen' and next_kind is distinct from 'schorsing' and next_kind is distinct from 'opheffing'
                                     and coalesce((details ->> 'termijn_tot')::date < current_date, true))
                                 or (kind = 'voornemen' and next_kind is distinct from 'schorsing' and next_kind is distinct from 'opheffing'
                                     and coalesce((details ->> 'hoorrecht_tot')::date + 30 < current_date, true)))::int as remedied,
             count(*) filter (where kind in ('schorsing', 'opheffing'))::int as decided,
             count(*) filter (where kind = 'schorsing')::int as schorsing,
             count(*) filter (where kind = 'opheffing')::int as opheffing
        from steps
       where ${inPeriod(f, 'occurred_at')}
       group by 1
    ), register as (
      select s ->> 'flow' as stage,
             count(*)::int as started,
             count(*) filter (where s -> 'outcome' ->> 'result' in ('not_remedied', 'proceed')
                                 or (s -> 'outcome' ->> 'result' = 'decided' and (s -> 'outcome' ->> 'escalateToOpheffing')::boolean))::int as escalated,
             count(*) filter (where s -> 'outcome' ->> 'result' in ('remedied', 'closed'))::int as remedied,
             count(*) filter (where s -> 'outcome' ->> 'result' = 'decided')::int as decided,
             count(*) filter (where s -> 'outcome' ->> 'decision' = 'schorsing')::int as schorsing,
             count(*) filter (where s -> 'outcome' ->> 'decision' = 'opheffing')::int as opheffing
        from enforcement_cases c cross join lateral jsonb_array_elements(c.steps) s
       where ${team(f, 'c.team_id')} and (s ->> 'startedAt')::timestamptz >= ${f.from} and (s ->> 'startedAt')::timestamptz < ${f.to}
       group by 1
    ), ${funnelOfStages}`;
}

/** Suspension and revocation decisions per month, urgent or not, and the places (capacity) they freed. */
function decisionsQuery(f: DashboardFilter) {
  return sql<DashboardRow>`
    select ${monthText(monthStart(sql`x.at`))} as "month", x.kind as "kind", x.urgent as "urgent",
           count(*)::int as "decisions", coalesce(sum(x.capacity), 0)::int as "capacityFreed"
      from (
        select t.occurred_at as at, t.kind, coalesce((t.details ->> 'dringende_noodzakelijkheid')::boolean, false) as urgent, l.capacity
          from timeline_entries t
          join dossiers d on d.id = t.dossier_id
          join locations l on l.id = d.location_id
         where t.kind in ('schorsing', 'opheffing') and ${inPeriod(f, 't.occurred_at')} and ${team(f, 'd.team_id')}
        union all
        select e.decided_at, e.kind, e.urgent, e.capacity_freed
          from enforcement_decisions e
          join enforcement_cases c on c.id = e.case_id
         where ${inPeriod(f, 'e.decided_at')} and ${team(f, 'c.team_id')}
      ) x
     group by ${monthStart(sql`x.at`)}, x.kind, x.urgent
     order by 1, 2, 3`;
}

/**
 * Inspections by status (the register, requested in the period or still open) with the number
 * overdue and with an advice to enforce, and the seeded history's inspections of the period by
 * advice (status 'eindverslag', source 'historiek').
 */
function inspectionsQuery(f: DashboardFilter) {
  return sql<DashboardRow>`
    select 'register' as "source", i.status as "status", i.urgency as "detail",
           count(*)::int as "count", count(*) filter (where i.overdue)::int as "overdue",
           count(*) filter (where i.advice_enforce)::int as "adviceEnforce"
      from inspections i
     where ${team(f, 'i.team_id')} and (${inPeriod(f, 'i.requested_at')} or i.status not in ('eindverslag', 'geannuleerd'))
     group by i.status, i.urgency
    union all
    select 'historiek', 'eindverslag', coalesce(t.details ->> 'advies', 'onbekend'),
           count(*)::int, 0, count(*) filter (where t.details ->> 'advies' = 'handhaving')::int
      from timeline_entries t ${timelineTeamJoin(f)}
     where t.kind = 'inspectie' and ${inPeriod(f, 't.occurred_at')} and t.details ->> 'inspectionId' is null
     group by 3
    order by 1 desc, 2, 3`;
}

/** The monthly risk screening: selected (tasks opened), coded per code, still open, overdue. */
function screeningQuery(f: DashboardFilter) {
  return sql<DashboardRow>`
    select s.month as "month", count(*)::int as "selected",
           count(*) filter (where s.code = 'risico')::int as "risico",
           count(*) filter (where s.code = 'geen_risico')::int as "geenRisico",
           count(*) filter (where s.code = 'verder_onderzoek_nodig')::int as "verderOnderzoekNodig",
           count(*) filter (where s.status = 'open')::int as "open",
           count(*) filter (where s.status = 'open' and s.overdue)::int as "overdue"
      from screening_tasks s
     where s.month >= ${f.fromMonth} and s.month <= ${f.toMonth} and ${team(f, 's.team_id')}
     group by s.month
     order by s.month`;
}

export const dashboardViewsDirect = {
  phases: phaseCountsQuery,
  overdue: overdueQuery,
  'deadline-performance': deadlinePerformanceQuery,
  'enforcement-funnel': funnelQuery,
  decisions: decisionsQuery,
  inspections: inspectionsQuery,
  screening: screeningQuery,
} as const satisfies Record<DashboardView, unknown>;

export function dashboardRowsDirect(db: Kysely<Database>, view: DashboardView, f: DashboardFilter): Promise<DashboardRow[]> {
  return rows(db, dashboardViewsDirect[view](f));
}
