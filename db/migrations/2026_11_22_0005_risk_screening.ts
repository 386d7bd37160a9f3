import { type Kysely, sql } from 'kysely';
import { createIndexes, notNull, recordedAt } from './columns.js';

// Frozen in time: takes Kysely<any> and imports nothing from the application.
// The monthly risk screening (docs/risk-screening.md): model versions, scores per month, the
// monthly selection, screening tasks and their follow-ups.

export async function up(db: Kysely<any>): Promise<void> {
  // Every trained model with its metrics; scoring uses the one active version.
  await db.schema
    .createTable('risk_models')
    .addColumn('version', 'serial', (c) => c.primaryKey())
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(false))
    .$call(notNull({ model: 'jsonb', metrics: 'jsonb', training: 'jsonb', created_by: 'text' }))
    .$call(recordedAt('created_at'))
    .execute();
  await sql`create unique index risk_models_one_active_idx on risk_models (active) where active`.execute(db);

  // One row per month: the run's state as the workflow reports it.
  await db.schema
    .createTable('screening_runs')
    .addColumn('month', 'text', (c) => c.primaryKey().check(sql`month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('lopend','afgerond')`))
    .addColumn('model_version', 'integer', (c) => c.references('risk_models.version'))
    .$call(notNull({ selection_size: 'integer' }))
    .addColumn('total_locations', 'integer', (c) => c.notNull().defaultTo(0))
    .$call(notNull({ workflow_id: 'text', triggered_by: 'text' }))
    .$call(recordedAt('started_at'))
    .addColumn('completed_at', 'timestamptz')
    // The run's last progress (batches, scored, selected, tasks opened), kept when the workflow is gone.
    .addColumn('progress', 'jsonb')
    .execute();

  // Scores of every location for a month (keyed, so a retried batch overwrites with the same value).
  await db.schema
    .createTable('risk_scores')
    .$call(notNull({ month: 'text', location_id: 'text', dossier_id: 'text', model_version: 'integer', score: 'double precision', eligible: 'boolean' }))
    .addPrimaryKeyConstraint('risk_scores_pk', ['month', 'location_id'])
    .execute();
  await db.schema.createIndex('risk_scores_month_score_idx').on('risk_scores').columns(['month', 'score desc']).execute();

  // The selection of a month, fixed once made: a re-run of the month finds and reuses it.
  await db.schema
    .createTable('screening_selections')
    .$call(notNull({ month: 'text' }))
    .addColumn('dossier_id', 'text', (c) => c.notNull().references('dossiers.id'))
    .addColumn('location_id', 'text', (c) => c.notNull().references('locations.id'))
    .$call(notNull({ rank: 'integer', score: 'double precision' }))
    .addColumn('model_version', 'integer', (c) => c.notNull().references('risk_models.version'))
    .addPrimaryKeyConstraint('screening_selections_pk', ['month', 'dossier_id'])
    .addUniqueConstraint('screening_selections_rank_uq', ['month', 'rank'])
    .execute();
  await db.schema.createIndex('screening_selections_dossier_idx').on('screening_selections').columns(['dossier_id', 'month']).execute();

  // One screening task per selected dossier and month: the register projection of its workflow.
  await db.schema
    .createTable('screening_tasks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .$call(notNull({ month: 'text' }))
    .addColumn('workflow_id', 'text', (c) => c.notNull().unique())
    .addColumn('dossier_id', 'text', (c) => c.notNull().references('dossiers.id'))
    .addColumn('location_id', 'text', (c) => c.notNull().references('locations.id'))
    .addColumn('team_id', 'text', (c) => c.references('teams.id'))
    .addColumn('assignee_id', 'text', (c) => c.references('users.id'))
    .$call(notNull({ rank: 'integer', score: 'double precision', model_version: 'integer' }))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open','gecodeerd')`))
    .addColumn('code', 'text', (c) => c.check(sql`code in ('risico','geen_risico','verder_onderzoek_nodig')`))
    .addColumn('motivation', 'text')
    .addColumn('coded_by', 'text', (c) => c.references('users.id'))
    .addColumn('coded_at', 'timestamptz')
    .addColumn('due_at', 'timestamptz')
    .addColumn('overdue', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
    .$call(recordedAt('created_at', 'updated_at'))
    .addUniqueConstraint('screening_tasks_month_dossier_uq', ['month', 'dossier_id'])
    .execute();
  await createIndexes(db, 'screening_tasks', [['status', 'due_at'], ['assignee_id', 'status'], ['team_id', 'status'], ['dossier_id']]);

  // What `verder_onderzoek_nodig` sets up: one follow-up per screening task.
  await db.schema
    .createTable('screening_follow_ups')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('screening_task_id', 'text', (c) => c.notNull().unique().references('screening_tasks.id'))
    .addColumn('dossier_id', 'text', (c) => c.notNull().references('dossiers.id'))
    .$call(notNull({ kind: 'text' }))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open').check(sql`status in ('open','gestart','afgerond')`))
    .$call(notNull({ note: 'text', created_by: 'text' }))
    .$call(recordedAt('created_at'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['screening_follow_ups', 'screening_tasks', 'screening_selections', 'risk_scores', 'screening_runs', 'risk_models']) {
    await db.schema.dropTable(table).execute();
  }
}
