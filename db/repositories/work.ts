import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../schema.js';
import type { WorkFilterRow } from '../tables/work-surfaces.js';

export const workProcesses = ['melding', 'handhaving', 'screening', 'inspectie'] as const;
export type WorkProcess = (typeof workProcesses)[number];

/** What an enforcement case waits for when a jurist must review (workflows/enforcement/voornemen.ts, decision.ts). */
export const JURIST_REVIEW = 'juridisch nazicht door een jurist';

/**
 * Whose work: one person's own inbox, or a team's (optionally one assignee in it), or everything.
 * The route decides which a caller may ask for (docs/work-surfaces.md, "Scope").
 */
export type WorkScope =
  | { kind: 'person'; userId: string; role: string; teamId: string | null }
  | { kind: 'team'; teamId: string | null; assigneeId?: string };

export interface WorkQuery {
  scope: WorkScope;
  processes?: readonly WorkProcess[];
  overdue?: boolean;
  limit: number;
  offset: number;
}

export interface WorkRow {
  process: WorkProcess;
  id: string;
  phase: string;
  variant: string | null;
  waiting_for: string | null;
  dossier_id: string | null;
  location_id: string | null;
  location_name: string | null;
  municipality: string | null;
  team_id: string | null;
  assignee_id: string | null;
  assignee_name: string | null;
  due_at: Date | null;
  overdue: boolean;
  paused: boolean;
  start_at: Date | null;
  summary: string | null;
  due_label: string | null;
  total: string;
}

const and = (parts: RawBuilder<unknown>[]) => (parts.length === 0 ? sql`true` : sql.join(parts, sql` and `));

/** The open-work condition and the scope of each process, as SQL over its register. */
function conditions(scope: WorkScope) {
  if (scope.kind === 'team') {
    const team = (col: string) => (scope.teamId ? sql`${sql.ref(col)} = ${scope.teamId}` : sql`true`);
    const who = (col: string) => (scope.assigneeId ? sql`${sql.ref(col)} = ${scope.assigneeId}` : sql`true`);
    return {
      melding: and([team('m.team_id'), who('m.assignee_id')]),
      handhaving: and([team('c.team_id'), scope.assigneeId ? sql`c.case_manager_id = ${scope.assigneeId} and c.waiting_for <> ${JURIST_REVIEW}` : sql`true`]),
      screening: and([team('s.team_id'), who('s.assignee_id')]),
      inspectie: and([team('i.team_id'), who('i.case_manager_id')]),
    };
  }
  const { userId, role, teamId } = scope;
  const coordinator = role === 'teamcoordinator';
  const teamQueue = (col: string, teamCol: string) =>
    teamId && (coordinator || role === 'klantenbeheerder') ? sql`(${sql.ref(col)} is null and ${sql.ref(teamCol)} = ${teamId})` : sql`false`;
  return {
    // Assigned to me; the team's queue (no assignee); reports waiting to be linked: the team coordinators'.
    melding: sql`(m.assignee_id = ${userId} or (${teamQueue('m.assignee_id', 'm.team_id')} and m.phase = 'toegewezen') or (${coordinator ? sql`true` : sql`false`} and m.phase = 'te_koppelen'))`,
    // Jurists: every case waiting for a legal review; others: the steps of the cases they manage.
    handhaving:
      role === 'jurist'
        ? sql`c.waiting_for = ${JURIST_REVIEW}`
        : sql`c.waiting_for <> ${JURIST_REVIEW} and (c.case_manager_id = ${userId} or ${teamQueue('c.case_manager_id', 'c.team_id')})`,
    screening: sql`(s.assignee_id = ${userId} or ${teamQueue('s.assignee_id', 's.team_id')})`,
    inspectie: sql`(i.case_manager_id = ${userId} or ${teamQueue('i.case_manager_id', 'i.team_id')})`,
  };
}

/**
 * One inbox across processes: open reports, enforcement steps waiting on someone, screening tasks
 * to code, inspections under way (and final reports of the last 14 days to follow up); overdue
 * first, then by due moment. One statement over the four registers; the total comes with the page.
 */
export async function listWork(db: Kysely<Database>, q: WorkQuery): Promise<{ rows: WorkRow[]; total: number }> {
  const c = conditions(q.scope);
  const wanted = new Set(q.processes && q.processes.length > 0 ? q.processes : workProcesses);
  const parts: RawBuilder<unknown>[] = [];
  if (wanted.has('melding')) {
    parts.push(sql`
      select 'melding' as process, m.id, m.phase, m.triage as variant, null::text as waiting_for,
             m.dossier_id, m.location_id, m.team_id, m.assignee_id, m.due_at, m.overdue,
             m.deadline_paused as paused, m.received_at as start_at, left(m.description, 140) as summary, null::text as due_label
      from meldingen m
      where m.phase <> 'afgesloten' and ${c.melding}`);
  }
  if (wanted.has('handhaving')) {
    parts.push(sql`
      select 'handhaving', c.id, coalesce(c.step, 'geen') || '/' || c.block, case when c.urgent then 'dringend' else 'gewoon' end,
             c.waiting_for, c.dossier_id, c.location_id, c.team_id,
             case when c.waiting_for = ${JURIST_REVIEW} then null else c.case_manager_id end,
             c.due_at, coalesce(c.due_at < now(), false), false, c.opened_at, null, c.due_label
      from enforcement_cases c
      where c.status = 'open' and c.waiting_for is not null and ${c.handhaving}`);
  }
  if (wanted.has('screening')) {
    parts.push(sql`
      select 'screening', s.id, s.status, s.month, null, s.dossier_id, s.location_id, s.team_id, s.assignee_id,
             s.due_at, s.overdue, false, s.created_at, 'rang ' || s.rank || ', score ' || round(s.score::numeric, 3), null
      from screening_tasks s
      where s.status = 'open' and ${c.screening}`);
  }
  if (wanted.has('inspectie')) {
    parts.push(sql`
      select 'inspectie', i.id, i.status, i.urgency, null, i.dossier_id, i.location_id, i.team_id, i.case_manager_id,
             case when i.status = 'eindverslag' then null else i.due_at end,
             i.overdue and i.status <> 'eindverslag', false, i.requested_at, left(i.reason, 140), null
      from inspections i
      where (i.status not in ('eindverslag', 'geannuleerd') or (i.status = 'eindverslag' and i.closed_at > now() - interval '14 days'))
        and ${c.inspectie}`);
  }
  if (parts.length === 0) return { rows: [], total: 0 };
  const overdue = q.overdue === undefined ? sql`true` : sql`w.overdue = ${q.overdue}`;
  const result = await sql<WorkRow>`
    with w as (${sql.join(parts, sql` union all `)})
    select w.*, l.name as location_name, l.municipality, u.name as assignee_name, count(*) over () as total
    from w
    left join locations l on l.id = w.location_id
    left join users u on u.id = w.assignee_id
    where ${overdue}
    order by w.overdue desc, w.due_at asc nulls last, w.process, w.id
    limit ${q.limit} offset ${q.offset}`.execute(db);
  const rows = result.rows;
  let total = rows.length > 0 ? Number(rows[0]!.total) : 0;
  if (rows.length === 0 && q.offset > 0) {
    const counted = await sql<{ n: string }>`with w as (${sql.join(parts, sql` union all `)}) select count(*) as n from w where ${overdue}`.execute(db);
    total = Number(counted.rows[0]?.n ?? 0);
  }
  return { rows, total };
}

// ----- saved filters ----------------------------------------------------------------------------

export function listWorkFilters(db: Kysely<Database>, userId: string): Promise<WorkFilterRow[]> {
  return db.selectFrom('work_filters').selectAll().where('user_id', '=', userId).orderBy('name').execute();
}

export function findWorkFilter(db: Kysely<Database>, userId: string, name: string): Promise<WorkFilterRow | undefined> {
  return db.selectFrom('work_filters').selectAll().where('user_id', '=', userId).where('name', '=', name).executeTakeFirst();
}

export async function saveWorkFilter(db: Kysely<Database>, userId: string, name: string, filter: Record<string, unknown>): Promise<{ row: WorkFilterRow; created: boolean }> {
  const row = await db
    .insertInto('work_filters')
    .values({ user_id: userId, name, filter: JSON.stringify(filter) })
    .onConflict((oc) => oc.columns(['user_id', 'name']).doUpdateSet({ filter: JSON.stringify(filter), updated_at: sql`now()` }))
    .returningAll()
    .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
    .executeTakeFirstOrThrow();
  const { inserted, ...rest } = row as WorkFilterRow & { inserted: boolean };
  return { row: rest, created: inserted };
}

export async function deleteWorkFilter(db: Kysely<Database>, userId: string, name: string): Promise<boolean> {
  const result = await db.deleteFrom('work_filters').where('user_id', '=', userId).where('name', '=', name).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
