import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../schema.js';
import { JURIST_REVIEW } from './work.js';

/**
 * The team dashboard (docs/work-surfaces.md, "Dashboard"): one function per view, each ONE SQL
 * statement; no view lists rows to count them in JavaScript. Every view answers rows of flat
 * columns (camelCase), so the same rows are the JSON answer and the CSV export.
 *
 * The views read summaries per (team, month, …) (`dashboard_*_counts`, migration
 * 2026_12_01_0600_dashboard_deltas) PLUS the deltas not folded into them yet
 * (`dashboard_*_deltas`), in one statement: exact and fresh however long ago the fold ran
 * (platform/dashboard-fold.ts only keeps the delta tables small). Writers never touch the
 * summaries: their triggers append signed delta rows, so no writer waits for another (the
 * reverted 69f5e71 updated shared counter rows in the writing transaction and serialised intakes).
 * The history's enforcement funnel depends on each dossier's next step: the summary holds the
 * contribution of every dossier as the fold last computed it, and a read replaces it by the one
 * computed from the timeline now for each dossier written since (`dashboard_funnel_dirty`).
 * What depends on the clock is read from the registers, through partial indexes that hold the
 * present: what is overdue now (open enforcement cases by `due_at`; overdue reports, inspections
 * and tasks), the reports still inside their pick-up budget, and the history's enforcement steps
 * whose term has not passed yet. The same views computed from the registers alone (the statements
 * before the summaries) are in test/integration/dashboard-direct.ts: the tests hold the two equal.
 *
 * Sources: the registers (meldingen, enforcement_cases, enforcement_decisions, inspections,
 * screening_tasks) hold what ran in this system; the seeded three-year history exists only as
 * dossier timeline entries (kinds melding, crisismelding, inspectie, advies_handhaving,
 * aanmaning, voornemen, schorsing, opheffing, bezwaar). Live processes write other kinds
 * (handhaving, escalatie, …) or carry details.meldingId, so the two never count twice.
 */
export interface DashboardFilter {
  /** null: all teams. */
  teamId: string | null;
  /** Start of the first month of the period (Brussels), inclusive. */
  from: Date;
  /** Start of the month after the last month of the period, exclusive. */
  to: Date;
  /** 'YYYY-MM' of the first and the last month (screening months). */
  fromMonth: string;
  toMonth: string;
  /** Budgets of the pick-up deadlines (the configured kinds): crisis 1 h, regular 24 h by default. */
  crisisBudgetMs: number;
  regularBudgetMs: number;
}

export type DashboardRow = Record<string, string | number | boolean | null>;

/** The Brussels month of an instant, as the date of its first day (the aggregates' month). */
const monthDate = (col: RawBuilder<unknown>) => sql`(date_trunc('month', ${col} at time zone 'Europe/Brussels'))::date`;
const monthText = (col: RawBuilder<unknown>) => sql`to_char(${col}, 'YYYY-MM')`;
const team = (f: DashboardFilter, col: string) => (f.teamId ? sql`${sql.ref(col)} = ${f.teamId}` : sql`true`);
const inPeriod = (f: DashboardFilter, col: string) => sql`${sql.ref(col)} >= ${f.from} and ${sql.ref(col)} < ${f.to}`;
/** An aggregate's month (a date) within the period: the months from the one of `from` to the one before `to`. */
const months = (f: DashboardFilter, col: string) =>
  sql`${sql.ref(col)} >= ${monthDate(sql`cast(${f.from} as timestamptz)`)} and ${sql.ref(col)} < cast(${f.to} as timestamptz) at time zone 'Europe/Brussels'`;
/** Timeline entries of the filter's team: a join on the dossier (no join for all teams). */
const timelineTeamJoin = (f: DashboardFilter) => (f.teamId ? sql`join dossiers d on d.id = t.dossier_id and d.team_id = ${f.teamId}` : sql``);

/**
 * A summary and its unfolded deltas (`dashboard_x_counts` → `dashboard_x_deltas`), `cols` of both:
 * what a view sums. Constant names only.
 */
const live = (table: string, cols: string) =>
  sql.raw(`(select ${cols} from ${table} union all select ${cols} from ${table.replace(/_counts$/, '_deltas')})`);

async function rows(db: Kysely<Database>, query: RawBuilder<DashboardRow>): Promise<DashboardRow[]> {
  return (await query.execute(db)).rows;
}

/**
 * Counts per process and phase: everything open now, plus what closed within the period. The
 * aggregate keeps open items under `closed_month` 'infinity'; open enforcement cases come from the
 * register (their overdue is `due_at < now()`).
 */
export function phaseCountsQuery(f: DashboardFilter) {
  return sql<DashboardRow>`
    select p.process as "process", p.phase as "phase", nullif(p.variant, '') as "variant",
           sum(p.items)::int as "count", sum(p.overdue)::int as "overdue"
      from ${live('dashboard_phase_counts', 'team_id, process, phase, variant, closed_month, items, overdue')} p
     where ${team(f, 'p.team_id')} and (p.closed_month = 'infinity' or (${months(f, 'p.closed_month')}))
     group by p.process, p.phase, p.variant
    having sum(p.items) > 0
    union all
    select 'handhaving', coalesce(c.step, 'geen'), c.block, count(*)::int, count(*) filter (where c.due_at < now())::int
      from enforcement_cases c
     where c.status = 'open' and ${team(f, 'c.team_id')}
     group by 2, 3
    order by 1, 2, 3`;
}

/** Overdue now, per process and assignee (the oldest due moment first in each): the registers' partial indexes of what is overdue. */
export function overdueQuery(f: DashboardFilter) {
  return sql<DashboardRow>`
    select x.process as "process", x.assignee_id as "assigneeId", u.name as "assigneeName",
           count(*)::int as "count", min(x.due_at) as "oldestDueAt"
      from (
        select 'melding' as process, m.assignee_id, m.due_at from meldingen m
         where m.overdue and m.phase <> 'afgesloten' and ${team(f, 'm.team_id')}
        union all
        select 'handhaving', case when c.waiting_for = ${JURIST_REVIEW} then null else c.case_manager_id end, c.due_at from enforcement_cases c
         where c.status = 'open' and c.due_at < now() and ${team(f, 'c.team_id')}
        union all
        select 'inspectie', i.case_manager_id, i.due_at from inspections i
         where i.overdue and i.status not in ('eindverslag', 'geannuleerd') and ${team(f, 'i.team_id')}
        union all
        select 'screening', s.assignee_id, s.due_at from screening_tasks s
         where s.overdue and s.status = 'open' and ${team(f, 's.team_id')}
      ) x
      left join users u on u.id = x.assignee_id
     group by x.process, x.assignee_id, u.name
     order by count(*) desc, min(x.due_at), x.process, x.assignee_id`;
}

/**
 * Deadline performance per month of receipt: the share of crisis reports picked up within their
 * budget (1 hour) and of regular ones (24 hours), and the median time to pick up, in minutes.
 * Picked up = the report's first `melding.acknowledged` (meldingen.picked_up_at, kept by the
 * projection). The share counts the reports whose deadline has been decided (picked up, or the
 * budget has passed); a report still inside its budget counts nowhere yet. The seeded history has
 * no pick-up moments: its months show `historyCrisis` / `historyRegular` (reports received) only.
 *
 * From the pick-up histogram (`dashboard_pickup_counts`: reports per month, triage and bucket of
 * the pick-up time, its upper bound in seconds; -1 not picked up; team '*' for all teams): within
 * budget = the buckets up to the budget (exact for a budget on the bucket grid: whole seconds up
 * to a minute, 10 s up to 10 minutes, whole minutes up to 2 hours, quarters up to 48 hours, whole
 * hours up to 14 days, whole days: every configured budget in hours or days); the median = the
 * upper bound of the bucket(s) of the middle report(s), as percentile_cont would interpolate them
 * (too high by less than one bucket: < 1 s, 10 s, 1 min, 15 min, 1 h or 1 day); a pick-up before
 * the receipt counts as 0. The median of a group the fold has folded completely is stored
 * (`dashboard_pickup_medians`, kept by the summary's triggers in the fold's transaction); only a
 * group with unfolded deltas is ranked here. Not yet decided: the reports without pick-up
 * received within the budget, from the register (`meldingen_dashboard_waiting_idx`).
 */
export function deadlinePerformanceQuery(f: DashboardFilter) {
  const crisis = sql`make_interval(secs => ${f.crisisBudgetMs / 1000})`;
  const regular = sql`make_interval(secs => ${f.regularBudgetMs / 1000})`;
  /** A figure of one triage ('crisis', 'regulier', '*': both) of the month. */
  const of = (triage: string, col: string) => sql`max(${sql.ref(col)}) filter (where t.triage = ${triage})`;
  const inGroup = sql`p.team_id = ${f.teamId ?? '*'} and ${months(f, 'p.month')}`;
  return sql<DashboardRow>`
    with totals as (
      select p.month, p.triage, sum(p.reports)::int as received,
             coalesce(sum(p.reports) filter (where p.pickup_s between 0 and case when p.triage = 'crisis' then cast(${f.crisisBudgetMs / 1000} as numeric)
                                                                             else cast(${f.regularBudgetMs / 1000} as numeric) end), 0)::int as in_time
        from ${live('dashboard_pickup_counts', 'team_id, month, triage, pickup_s, reports')} p
       where ${inGroup}
       group by p.month, p.triage
      having sum(p.reports) > 0
    ), pending as (
      -- Groups with deltas the fold has not moved yet: their stored median may be stale.
      select distinct p.month, p.triage from dashboard_pickup_deltas p where ${inGroup}
    ), ranked as (
      select p.month, p.triage, p.pickup_s,
             sum(p.reports) over (partition by p.month, p.triage order by p.pickup_s) as upto,
             sum(p.reports) over (partition by p.month, p.triage) as picked
        from (select p.month, p.triage, p.pickup_s, sum(p.reports)::int as reports
                from ${live('dashboard_pickup_counts', 'team_id, month, triage, pickup_s, reports')} p
                join pending using (month, triage)
               where ${inGroup} and p.pickup_s >= 0
               group by p.month, p.triage, p.pickup_s
              having sum(p.reports) > 0) p
    ), medians as (
      -- percentile_cont(0.5) of the picked-up reports: the mean of the middle one or two (0-based ranks (n-1)/2 and n/2).
      select r.month, r.triage,
             ((min(r.pickup_s) filter (where r.upto > (r.picked - 1) / 2))::numeric + min(r.pickup_s) filter (where r.upto > r.picked / 2)) / 2 as median_s
        from ranked r
       group by r.month, r.triage
      union all
      -- The fold keeps the others (migration 2026_12_02_0300_dashboard_pickup_medians).
      select p.month, p.triage, p.median_s from dashboard_pickup_medians p
       where ${inGroup} and not exists (select 1 from pending q where q.month = p.month and q.triage = p.triage)
    ), triages as (
      select t.month, t.triage, t.received, t.in_time, round(md.median_s / 60, 1)::float8 as median
        from totals t left join medians md on md.month = t.month and md.triage = t.triage
    ), live as (
      select t.month,
             coalesce(${of('crisis', 't.received')}, 0) as crisis_received, coalesce(${of('crisis', 't.in_time')}, 0) as crisis_in_time,
             coalesce(${of('regulier', 't.received')}, 0) as regular_received, coalesce(${of('regulier', 't.in_time')}, 0) as regular_in_time,
             ${of('crisis', 't.median')} as crisis_median, ${of('regulier', 't.median')} as regular_median, ${of('*', 't.median')} as all_median
        from triages t
       group by t.month
    ), waiting as (
      select ${monthDate(sql`m.received_at`)} as month,
             count(*) filter (where m.triage = 'crisis')::int as crisis, count(*) filter (where m.triage <> 'crisis')::int as regular
        from meldingen m
       where m.picked_up_at is null and m.phase <> 'te_koppelen' and m.received_at >= now() - greatest(${crisis}, ${regular})
         and m.received_at + case when m.triage = 'crisis' then ${crisis} else ${regular} end >= now()
         and ${inPeriod(f, 'm.received_at')} and ${team(f, 'm.team_id')}
       group by 1
    ), live_months as (
      select l.*, l.crisis_received - coalesce(w.crisis, 0) as crisis_decided, l.regular_received - coalesce(w.regular, 0) as regular_decided
        from live l left join waiting w on w.month = l.month
    ), history as (
      select t.month,
             coalesce(sum(t.entries) filter (where t.kind = 'crisismelding'), 0)::int as history_crisis,
             coalesce(sum(t.entries) filter (where t.kind = 'melding'), 0)::int as history_regular
        from ${live('dashboard_timeline_counts', 'team_id, month, kind, detail, entries')} t
       where t.kind in ('melding', 'crisismelding') and ${months(f, 't.month')} and ${team(f, 't.team_id')}
       group by t.month
      having sum(t.entries) > 0
    )
    select ${monthText(sql`coalesce(l.month, h.month)`)} as "month",
           coalesce(l.crisis_received, 0) as "crisisReceived",
           coalesce(l.crisis_in_time, 0) as "crisisWithinBudget",
           round(l.crisis_in_time::numeric / nullif(l.crisis_decided, 0), 3)::float8 as "crisisShareWithinBudget",
           l.crisis_median as "crisisMedianPickupMinutes",
           coalesce(l.regular_received, 0) as "regularReceived",
           coalesce(l.regular_in_time, 0) as "regularWithinBudget",
           round(l.regular_in_time::numeric / nullif(l.regular_decided, 0), 3)::float8 as "regularShareWithinBudget",
           l.regular_median as "regularMedianPickupMinutes",
           l.all_median as "medianPickupMinutes",
           coalesce(h.history_crisis, 0) as "historyCrisis",
           coalesce(h.history_regular, 0) as "historyRegular"
      from live_months l full join history h on h.month = l.month
     order by 1`;
}

/**
 * The funnel's last part, per stage: the steps of the history (`history`) and of the register
 * (`register`) added up, and what is still open. Shared with the tests' direct statement.
 */
export const funnelOfStages = sql`stages(stage, ord) as (
      values ('aanmaning', 1), ('voornemen', 2), ('beslissing', 3), ('dringende_beslissing', 4)
    )
    select st.stage as "stage",
           (coalesce(h.started, 0) + coalesce(r.started, 0)) as "started",
           (coalesce(h.escalated, 0) + coalesce(r.escalated, 0)) as "escalated",
           (coalesce(h.remedied, 0) + coalesce(r.remedied, 0)) as "remedied",
           (coalesce(h.decided, 0) + coalesce(r.decided, 0)) as "decided",
           (coalesce(h.started, 0) + coalesce(r.started, 0) - coalesce(h.remedied, 0) - coalesce(r.remedied, 0)
             - case when st.stage in ('beslissing', 'dringende_beslissing') then coalesce(h.decided, 0) + coalesce(r.decided, 0)
                    else coalesce(h.escalated, 0) + coalesce(r.escalated, 0) end) as "open",
           (coalesce(h.schorsing, 0) + coalesce(r.schorsing, 0)) as "schorsing",
           (coalesce(h.opheffing, 0) + coalesce(r.opheffing, 0)) as "opheffing",
           coalesce(h.started, 0) as "fromHistory",
           coalesce(r.started, 0) as "fromRegister"
      from stages st
      left join history h on h.stage = st.stage
      left join register r on r.stage = st.stage
     order by st.ord`;

/**
 * The enforcement funnel aanmaning → voornemen → beslissing of the steps started in the period,
 * and how many were remedied at each step. History (timeline): a step is escalated when the
 * dossier's next enforcement step is a later one, remedied when there is none (or a new aanmaning)
 * and its term has passed (aanmaning: `termijn_tot`; voornemen: `hoorrecht_tot` + 30 days), else
 * still open. Register (enforcement_cases.steps): by each step's outcome.
 *
 * Register: `dashboard_funnel_counts` (source 'register') and its deltas. History: the summary's
 * 'historiek' rows count every step without a later step as remedied; for each dossier written
 * since the fold (`dashboard_funnel_dirty`) its stored contribution (`dashboard_funnel_dossiers`)
 * is taken out and the one of its timeline now put in (`fresh`, through
 * timeline_enforcement_steps_idx); `pending` takes back the steps whose term has not passed yet
 * (today's steps, through the term indexes, each with its dossier's next step).
 */
export function funnelQuery(f: DashboardFilter) {
  const values = sql.raw('started, escalated, remedied, decided, schorsing, opheffing');
  const negated = sql.raw('-started, -escalated, -remedied, -decided, -schorsing, -opheffing');
  return sql<DashboardRow>`
    with dirty as (
      select distinct dossier_id from dashboard_funnel_dirty
    ), fresh as (
      select d.team_id, ${monthDate(sql`s.occurred_at`)} as month,
             case when s.kind in ('schorsing', 'opheffing') and coalesce((s.details ->> 'dringende_noodzakelijkheid')::boolean, false) then 'dringende_beslissing'
                  when s.kind in ('schorsing', 'opheffing') then 'beslissing' else s.kind end as stage,
             1 as started,
             case when (s.kind = 'aanmaning' and s.next_kind in ('voornemen', 'schorsing', 'opheffing'))
                    or (s.kind = 'voornemen' and s.next_kind in ('schorsing', 'opheffing'))
                    or (s.kind = 'schorsing' and s.next_kind in ('voornemen', 'opheffing')) then 1 else 0 end as escalated,
             case when (s.kind = 'aanmaning' and s.next_kind is distinct from 'voornemen' and s.next_kind is distinct from 'schorsing' and s.next_kind is distinct from 'opheffing')
                    or (s.kind = 'voornemen' and s.next_kind is distinct from 'schorsing' and s.next_kind is distinct from 'opheffing') then 1 else 0 end as remedied,
             case when s.kind in ('schorsing', 'opheffing') then 1 else 0 end as decided,
             case when s.kind = 'schorsing' then 1 else 0 end as schorsing,
             case when s.kind = 'opheffing' then 1 else 0 end as opheffing
        from (select x.dossier_id, x.kind, x.occurred_at, x.details,
                     lead(x.kind) over (partition by x.dossier_id order by x.occurred_at, x.id) as next_kind
                from timeline_entries x
               where x.kind in ('aanmaning', 'voornemen', 'schorsing', 'opheffing') and x.dossier_id in (select dossier_id from dirty)) s
        join dossiers d on d.id = s.dossier_id
    ), history_rows as (
      select team_id, month, stage, ${values} from dashboard_funnel_counts where source = 'historiek'
      union all
      select team_id, month, stage, ${negated} from dashboard_funnel_dossiers where dossier_id in (select dossier_id from dirty)
      union all
      select team_id, month, stage, ${values} from fresh
    ), counts as (
      select a.stage, a.source, sum(a.started)::int as started, sum(a.escalated)::int as escalated, sum(a.remedied)::int as remedied,
             sum(a.decided)::int as decided, sum(a.schorsing)::int as schorsing, sum(a.opheffing)::int as opheffing
        from (select team_id, month, stage, 'historiek' as source, ${values} from history_rows
              union all
              select team_id, month, stage, source, ${values} from ${live('dashboard_funnel_counts', 'team_id, month, stage, source, started, escalated, remedied, decided, schorsing, opheffing')} r
               where r.source = 'register') a
       where ${team(f, 'a.team_id')} and ${months(f, 'a.month')}
       group by a.stage, a.source
    ), pending as (
      select t.kind as stage, count(*)::int as n
        from (select t.id, t.dossier_id, t.kind, t.occurred_at
                from timeline_entries t
               where ((t.kind = 'aanmaning' and t.details ->> 'termijn_tot' >= to_char(current_date, 'YYYY-MM-DD'))
                   or (t.kind = 'voornemen' and t.details ->> 'hoorrecht_tot' >= to_char(current_date - 30, 'YYYY-MM-DD')))
                 and ${inPeriod(f, 't.occurred_at')}) t
        ${timelineTeamJoin(f)}
        left join lateral (
          select n.kind from timeline_entries n
           where n.dossier_id = t.dossier_id and n.kind in ('aanmaning', 'voornemen', 'schorsing', 'opheffing')
             and (n.occurred_at, n.id) > (t.occurred_at, t.id)
           order by n.occurred_at, n.id limit 1) nx on true
       where (t.kind = 'aanmaning' and nx.kind is distinct from 'voornemen' and nx.kind is distinct from 'schorsing' and nx.kind is distinct from 'opheffing')
          or (t.kind = 'voornemen' and nx.kind is distinct from 'schorsing' and nx.kind is distinct from 'opheffing')
       group by t.kind
    ), history as (
      select c.stage, c.started, c.escalated, c.remedied - coalesce(p.n, 0) as remedied, c.decided, c.schorsing, c.opheffing
        from counts c left join pending p on p.stage = c.stage
       where c.source = 'historiek'
    ), register as (
      select c.stage, c.started, c.escalated, c.remedied, c.decided, c.schorsing, c.opheffing
        from counts c
       where c.source = 'register'
    ), ${funnelOfStages}`;
}

/** Suspension and revocation decisions per month, urgent or not, and the places (capacity) they freed: history and register together. */
export function decisionsQuery(f: DashboardFilter) {
  return sql<DashboardRow>`
    select ${monthText(sql`x.month`)} as "month", x.kind as "kind", x.urgent as "urgent",
           sum(x.decisions)::int as "decisions", sum(x.capacity)::int as "capacityFreed"
      from ${live('dashboard_decision_counts', 'team_id, month, kind, urgent, decisions, capacity')} x
     where ${team(f, 'x.team_id')} and ${months(f, 'x.month')}
     group by x.month, x.kind, x.urgent
    having sum(x.decisions) > 0
     order by 1, 2, 3`;
}

/**
 * Inspections by status (the register, requested in the period or still open) with the number
 * overdue and with an advice to enforce, and the seeded history's inspections of the period by
 * advice (status 'eindverslag', source 'historiek').
 */
export function inspectionsQuery(f: DashboardFilter) {
  return sql<DashboardRow>`
    select 'register' as "source", i.status as "status", i.urgency as "detail",
           sum(i.items)::int as "count", sum(i.overdue)::int as "overdue", sum(i.advice_enforce)::int as "adviceEnforce"
      from ${live('dashboard_inspection_counts', 'team_id, requested_month, status, urgency, items, overdue, advice_enforce')} i
     where ${team(f, 'i.team_id')} and (${months(f, 'i.requested_month')} or i.status not in ('eindverslag', 'geannuleerd'))
     group by i.status, i.urgency
    having sum(i.items) > 0
    union all
    select 'historiek', 'eindverslag', t.detail,
           sum(t.entries)::int, 0, coalesce(sum(t.entries) filter (where t.detail = 'handhaving'), 0)::int
      from ${live('dashboard_timeline_counts', 'team_id, month, kind, detail, entries')} t
     where t.kind = 'inspectie' and ${team(f, 't.team_id')} and ${months(f, 't.month')}
     group by t.detail
    having sum(t.entries) > 0
    order by 1 desc, 2, 3`;
}

/** The monthly risk screening: selected (tasks opened), coded per code, still open, overdue. */
export function screeningQuery(f: DashboardFilter) {
  return sql<DashboardRow>`
    select s.month as "month", sum(s.tasks)::int as "selected",
           coalesce(sum(s.tasks) filter (where s.code = 'risico'), 0)::int as "risico",
           coalesce(sum(s.tasks) filter (where s.code = 'geen_risico'), 0)::int as "geenRisico",
           coalesce(sum(s.tasks) filter (where s.code = 'verder_onderzoek_nodig'), 0)::int as "verderOnderzoekNodig",
           coalesce(sum(s.tasks) filter (where s.status = 'open'), 0)::int as "open",
           coalesce(sum(s.tasks) filter (where s.status = 'open' and s.overdue), 0)::int as "overdue"
      from ${live('dashboard_screening_counts', 'team_id, month, status, code, overdue, tasks')} s
     where s.month >= ${f.fromMonth} and s.month <= ${f.toMonth} and ${team(f, 's.team_id')}
     group by s.month
    having sum(s.tasks) > 0
     order by s.month`;
}

export const dashboardViews = {
  phases: phaseCountsQuery,
  overdue: overdueQuery,
  'deadline-performance': deadlinePerformanceQuery,
  'enforcement-funnel': funnelQuery,
  decisions: decisionsQuery,
  inspections: inspectionsQuery,
  screening: screeningQuery,
} as const;

export type DashboardView = keyof typeof dashboardViews;

export function dashboardRows(db: Kysely<Database>, view: DashboardView, f: DashboardFilter): Promise<DashboardRow[]> {
  return rows(db, dashboardViews[view](f));
}
