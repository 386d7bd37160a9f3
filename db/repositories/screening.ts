import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../schema.js';
import type { NewScreeningTaskRow, RiskModelRow, ScreeningTaskRow } from '../tables/screening.js';
import { dossierPlaceColumns, dossiersWithLocation } from './dossiers.js';
import { everything, given, type Page, pageOf, type Scope } from './query.js';

// ----- models --------------------------------------------------------------------------------

export interface NewRiskModel {
  model: Record<string, unknown>;
  metrics: Record<string, unknown>;
  training: Record<string, unknown>;
  createdBy: string;
  activate: boolean;
}

/** Stores a trained model as the next version; when activated, the previous active one steps down. */
export async function insertRiskModel(db: Kysely<Database>, m: NewRiskModel): Promise<RiskModelRow> {
  return db.transaction().execute(async (tx) => {
    // Two trainings finishing at once would both see the same active version, both step it down
    // and both insert an active one: the second breaks risk_models_one_active_idx (a data error, a
    // failed workflow, a 500). One activation at a time: the second waits and steps the first down.
    if (m.activate) await sql`select pg_advisory_xact_lock(hashtext('risk_models.activate'))`.execute(tx);
    if (m.activate) await tx.updateTable('risk_models').set({ active: false }).where('active', '=', true).execute();
    return tx
      .insertInto('risk_models')
      .values({
        active: m.activate,
        model: JSON.stringify(m.model),
        metrics: JSON.stringify(m.metrics),
        training: JSON.stringify(m.training),
        created_by: m.createdBy,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

export function activeRiskModel(db: Kysely<Database>): Promise<RiskModelRow | undefined> {
  return db.selectFrom('risk_models').selectAll().where('active', '=', true).executeTakeFirst();
}

export function findRiskModel(db: Kysely<Database>, version: number): Promise<RiskModelRow | undefined> {
  return db.selectFrom('risk_models').selectAll().where('version', '=', version).executeTakeFirst();
}

export function listRiskModels(db: Kysely<Database>): Promise<RiskModelRow[]> {
  return db.selectFrom('risk_models').selectAll().orderBy('version', 'desc').limit(200).execute();
}

// ----- runs ----------------------------------------------------------------------------------

export async function registerRun(
  db: Kysely<Database>,
  run: { month: string; selectionSize: number; workflowId: string; triggeredBy: string; modelVersion: number; totalLocations: number },
): Promise<void> {
  await db
    .insertInto('screening_runs')
    .values({
      month: run.month,
      status: 'lopend',
      model_version: run.modelVersion,
      selection_size: run.selectionSize,
      total_locations: run.totalLocations,
      workflow_id: run.workflowId,
      triggered_by: run.triggeredBy,
    })
    .onConflict((oc) =>
      // A re-run of the month: running again, under its workflow (the selection stays as it was).
      oc.column('month').doUpdateSet({ workflow_id: run.workflowId, total_locations: run.totalLocations, status: 'lopend', completed_at: null }),
    )
    .execute();
}

export async function completeRun(db: Kysely<Database>, month: string, progress: Record<string, unknown>): Promise<void> {
  await db
    .updateTable('screening_runs')
    .set({ status: 'afgerond', completed_at: sql`coalesce(completed_at, now())`, progress: JSON.stringify(progress) })
    .where('month', '=', month)
    .execute();
}

export function findRun(db: Kysely<Database>, month: string) {
  return db.selectFrom('screening_runs').selectAll().where('month', '=', month).executeTakeFirst();
}

export function listRuns(db: Kysely<Database>, limit: number) {
  return db.selectFrom('screening_runs').selectAll().orderBy('month', 'desc').limit(limit).execute();
}

export function countLocations(db: Kysely<Database>): Promise<number> {
  return db
    .selectFrom('locations')
    .innerJoin('dossiers', 'dossiers.location_id', 'locations.id')
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));
}

// ----- scores --------------------------------------------------------------------------------

export interface ScoreRow {
  locationId: string;
  dossierId: string;
  score: number;
  eligible: boolean;
}

/**
 * Writes a batch of scores for a month in one statement (arrays unnested by PostgreSQL), keyed by
 * (month, location): a retried batch overwrites with the same values.
 */
export async function saveScores(db: Kysely<Database>, month: string, modelVersion: number, rows: readonly ScoreRow[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    insert into risk_scores (month, location_id, dossier_id, model_version, score, eligible)
    select ${month}, l, d, ${modelVersion}::int, s, e
    from unnest(${rows.map((r) => r.locationId)}::text[], ${rows.map((r) => r.dossierId)}::text[],
                ${rows.map((r) => r.score)}::float8[], ${rows.map((r) => r.eligible)}::boolean[]) as t(l, d, s, e)
    on conflict (month, location_id) do update
      set score = excluded.score, model_version = excluded.model_version, eligible = excluded.eligible, dossier_id = excluded.dossier_id
  `.execute(db);
}

export function countScores(db: Kysely<Database>, month: string): Promise<number> {
  return db
    .selectFrom('risk_scores')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('month', '=', month)
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));
}

// ----- selection -----------------------------------------------------------------------------

export interface SelectedDossier {
  month: string;
  dossierId: string;
  locationId: string;
  locationName: string;
  teamId: string | null;
  caseManagerId: string | null;
  rank: number;
  score: number;
  modelVersion: number;
}

export function listSelection(db: Kysely<Database> | Transaction<Database>, month: string): Promise<SelectedDossier[]> {
  return dossiersWithLocation(db)
    .innerJoin('screening_selections as s', (j) => j.onRef('s.dossier_id', '=', 'd.id').onRef('s.location_id', '=', 'l.id'))
    .select(['s.month', ...dossierPlaceColumns, 's.rank', 's.score', 's.model_version as modelVersion'])
    .where('s.month', '=', month)
    .orderBy('s.rank')
    .execute();
}

/**
 * The month's selection: made once (the n highest eligible scores of the month whose dossier was
 * not selected in any of `excludedMonths`), then fixed. Serialised per month by an advisory lock,
 * so two runs of the same month make one selection.
 */
export async function selectForScreening(
  db: Kysely<Database>,
  s: { month: string; size: number; modelVersion: number; excludedMonths: string[] },
): Promise<SelectedDossier[]> {
  return db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(hashtext(${`screening-selection:${s.month}`}))`.execute(tx);
    const existing = await listSelection(tx, s.month);
    if (existing.length > 0) return existing;
    const excluded = s.excludedMonths.length ? s.excludedMonths : ['-'];
    await sql`
      insert into screening_selections (month, dossier_id, location_id, rank, score, model_version)
      select ${s.month}, r.dossier_id, r.location_id, row_number() over (order by r.score desc, r.location_id)::int, r.score, ${s.modelVersion}::int
      from risk_scores r
      where r.month = ${s.month} and r.eligible and r.model_version = ${s.modelVersion}::int
        and not exists (
          select 1 from screening_selections p
          where p.dossier_id = r.dossier_id and p.month in (${sql.join(excluded)})
        )
      order by r.score desc, r.location_id
      limit ${s.size}::int
    `.execute(tx);
    return listSelection(tx, s.month);
  });
}

// ----- tasks ---------------------------------------------------------------------------------

/**
 * Registers a task once (a re-run of the month finds it and changes nothing). Its id, workflow id
 * and (month, dossier) come from the same key, so a conflict on any of them is this task: with a
 * conflict target of `id` alone, two attempts inserting it at the same moment (a retry while the
 * timed-out attempt still runs) had the second refused by the other unique indexes.
 */
export async function insertTask(db: Kysely<Database> | Transaction<Database>, row: NewScreeningTaskRow): Promise<void> {
  await db.insertInto('screening_tasks').values(row).onConflict((oc) => oc.doNothing()).execute();
}

/** Updates the projection; versions only go up, so a late retry never overwrites a newer state. */
export async function updateTaskProjection(
  db: Kysely<Database> | Transaction<Database>,
  id: string,
  version: number,
  changes: Partial<Pick<ScreeningTaskRow, 'status' | 'code' | 'motivation' | 'coded_by' | 'coded_at' | 'due_at' | 'overdue' | 'assignee_id'>>,
): Promise<void> {
  await db
    .updateTable('screening_tasks')
    .set({ ...changes, version, updated_at: sql`now()` })
    .where('id', '=', id)
    .where('version', '<', version)
    .execute();
}

export type TaskScope = Scope<'screening_tasks'>;

export function findTask(db: Kysely<Database>, id: string, scope: TaskScope = everything): Promise<ScreeningTaskRow | undefined> {
  return db.selectFrom('screening_tasks').selectAll().where('id', '=', id).where(scope).executeTakeFirst();
}

export interface TaskFilter extends Page {
  month?: string;
  status?: string;
  code?: string;
  teamId?: string;
  assigneeId?: string;
  dossierId?: string;
  overdue?: boolean;
}

export function listTasks(db: Kysely<Database>, f: TaskFilter, scope: TaskScope = everything) {
  const equal = {
    month: f.month,
    status: f.status as ScreeningTaskRow['status'] | undefined,
    code: f.code,
    team_id: f.teamId,
    assignee_id: f.assigneeId,
    dossier_id: f.dossierId,
    overdue: f.overdue,
  };
  const query = db.selectFrom('screening_tasks').where(scope).where((eb) => eb.and(given(equal)));
  return pageOf(db, query, (q) => q.selectAll().orderBy('month', 'desc').orderBy('rank'), f);
}

export async function insertFollowUp(
  db: Kysely<Database> | Transaction<Database>,
  f: { taskId: string; dossierId: string; kind: string; note: string; createdBy: string },
): Promise<void> {
  await db
    .insertInto('screening_follow_ups')
    .values({ screening_task_id: f.taskId, dossier_id: f.dossierId, kind: f.kind, note: f.note, created_by: f.createdBy })
    .onConflict((oc) => oc.column('screening_task_id').doNothing())
    .execute();
}

export function followUpsFor(db: Kysely<Database>, taskIds: string[]) {
  if (taskIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('screening_follow_ups').selectAll().where('screening_task_id', 'in', taskIds).execute();
}

// ----- report --------------------------------------------------------------------------------

export interface ScreeningReport {
  scored: number;
  selected: number;
  tasksOpened: number;
  screened: number;
  open: number;
  overdue: number;
  perCode: { risico: number; geen_risico: number; verder_onderzoek_nodig: number };
  uniqueDossiersScreened: number;
  /** Share of the screened dossiers coded `risico`; null before any is screened. */
  shareRisk: number | null;
}

/** The report of one month, or cumulative over all months when `month` is undefined. */
export async function screeningReport(db: Kysely<Database>, month?: string): Promise<ScreeningReport> {
  const byMonth = <T extends 'risk_scores' | 'screening_selections' | 'screening_tasks'>(table: T) =>
    month ? sql`where ${sql.ref(`${table}.month`)} = ${month}` : sql``;
  const row = (
    await sql<{
      scored: number;
      selected: number;
      opened: number;
      screened: number;
      open: number;
      overdue: number;
      risico: number;
      geen_risico: number;
      verder: number;
      unique_screened: number;
    }>`
      select
        (select count(*)::int from risk_scores ${byMonth('risk_scores')}) as scored,
        (select count(*)::int from screening_selections ${byMonth('screening_selections')}) as selected,
        count(*)::int as opened,
        (count(*) filter (where status = 'gecodeerd'))::int as screened,
        (count(*) filter (where status = 'open'))::int as open,
        (count(*) filter (where status = 'open' and overdue))::int as overdue,
        (count(*) filter (where code = 'risico'))::int as risico,
        (count(*) filter (where code = 'geen_risico'))::int as geen_risico,
        (count(*) filter (where code = 'verder_onderzoek_nodig'))::int as verder,
        (count(distinct dossier_id) filter (where status = 'gecodeerd'))::int as unique_screened
      from screening_tasks ${byMonth('screening_tasks')}
    `.execute(db)
  ).rows[0]!;
  const screened = Number(row.screened);
  return {
    scored: Number(row.scored),
    selected: Number(row.selected),
    tasksOpened: Number(row.opened),
    screened,
    open: Number(row.open),
    overdue: Number(row.overdue),
    perCode: { risico: Number(row.risico), geen_risico: Number(row.geen_risico), verder_onderzoek_nodig: Number(row.verder) },
    uniqueDossiersScreened: Number(row.unique_screened),
    shareRisk: screened > 0 ? Number(row.risico) / screened : null,
  };
}
