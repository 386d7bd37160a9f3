import { type ColumnDataType, type CreateTableBuilder, type Kysely, sql } from 'kysely';

/**
 * Column builders the migrations share, for the column kinds that recur across the tables. Used
 * through Kysely's `$call`, in the place where the columns stand, so the column order is the
 * migration's own. Frozen with the migrations that use them: a fresh database must get the same
 * schema as one migrated long ago, so change nothing here; add a new builder instead.
 */

type Table = CreateTableBuilder<any, any>;

/** `name type not null`, for each entry in order. */
export function notNull(columns: Record<string, ColumnDataType>): (table: Table) => Table {
  return (table) => Object.entries(columns).reduce((t, [name, type]) => t.addColumn(name, type, (c) => c.notNull()), table);
}

/** `name timestamptz not null default now()`, for each name in order: when the row (or a fact) was recorded. */
export function recordedAt(...names: string[]): (table: Table) => Table {
  return (table) => names.reduce((t, name) => t.addColumn(name, 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`)), table);
}

/** `name jsonb not null default '[]'`, for each name in order. */
export function jsonLists(...names: string[]): (table: Table) => Table {
  return (table) => names.reduce((t, name) => t.addColumn(name, 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`)), table);
}

/**
 * The start of a workflow's register projection: its id, the workflow's id and the idempotency
 * key of the command that started it (both unique).
 */
export function projectionKeys(table: Table): Table {
  return table
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workflow_id', 'text', (c) => c.notNull().unique())
    .addColumn('idempotency_key', 'text', (c) => c.unique());
}

/** The end of a projection: who started it and when, then its version and the last write (the newest version wins). */
export function projectionVersion(startedBy: string, startedAt?: string): (table: Table) => Table {
  return (table) => {
    const started = table.addColumn(startedBy, 'text', (c) => c.notNull());
    return (startedAt ? recordedAt(startedAt)(started) : started)
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
      .$call(recordedAt('updated_at'));
  };
}

/** Where a process belongs: the location, its organiser and dossier, the team (all required) and the case manager. */
export function dossierReferences(table: Table): Table {
  return table
    .addColumn('location_id', 'text', (c) => c.notNull().references('locations.id'))
    .addColumn('organiser_id', 'text', (c) => c.notNull().references('organisers.id'))
    .addColumn('dossier_id', 'text', (c) => c.notNull().references('dossiers.id'))
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('case_manager_id', 'text', (c) => c.references('users.id'));
}

/** One index per column list, named `<table>_<columns>_idx`. */
export async function createIndexes(db: Kysely<any>, table: string, columnLists: readonly string[][]): Promise<void> {
  for (const columns of columnLists) {
    await db.schema.createIndex(`${table}_${columns.join('_')}_idx`).on(table).columns(columns).execute();
  }
}
