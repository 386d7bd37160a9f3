import { type Kysely, sql } from 'kysely';
import { type MigrationResultSet, Migrator } from 'kysely/migration';
import { migrations } from './migrations/index.js';

/** Applies every pending migration; throws with the failing migration's name when one fails. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  const failed = result.results?.find((r) => r.status === 'Error');
  if (result.error || failed) {
    const cause = result.error instanceof Error ? result.error : new Error(String(result.error));
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${cause.message}`, { cause });
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** What grantApplicationRole did. */
export interface ApplicationRoleGrants {
  role: string;
  /** Whether the role was created (it did not exist and a password was given). */
  created: boolean;
  /** The schema's tables the role may read and write (SELECT, INSERT, UPDATE, DELETE). */
  readWrite: string[];
  /** The tables the role may only read and append to (SELECT, INSERT): the audit log. */
  appendOnly: string[];
}

/** Tables the application may read and append to but never change: the audit trail. */
export const APPEND_ONLY_TABLES = ['audit_log'] as const;

/** Privileges the application's role must not hold on an append-only table. */
const FORBIDDEN_ON_APPEND_ONLY = ['UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'] as const;

export class ApplicationRoleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApplicationRoleError';
  }
}

/**
 * The application's role (APP_DATABASE_ROLE; docs/security.md, "Audit trail"): run as the owner
 * after the migrations, by `npm run migrate`. Gives `role` exactly SELECT and INSERT on the audit
 * log, SELECT/INSERT/UPDATE/DELETE on the other tables of the current schema, USAGE/SELECT on its
 * sequences, nothing on Kysely's migration tables; revokes whatever else it held on them first,
 * so running it again (after every migration) converges. Creates the role (LOGIN, no other
 * attribute) when it is missing and `createWithPassword` is given. Refuses a role that is a
 * superuser, may bypass row security or replicate, or has the owner's privileges (is the owner
 * or a member of it), and checks the result with has_table_privilege. One transaction.
 */
export async function grantApplicationRole(
  db: Kysely<any>,
  role: string,
  options: { createWithPassword?: string } = {},
): Promise<ApplicationRoleGrants> {
  return db.transaction().execute(async (tx) => {
    const { rows: [here] } = await sql<{ schema: string; me: string }>`select current_schema() as schema, current_user as me`.execute(tx);
    if (!here?.schema) throw new ApplicationRoleError('no current schema to grant on');
    const schema = here.schema;

    type RoleRow = { rolsuper: boolean; rolbypassrls: boolean; rolreplication: boolean };
    const findRole = async () => (await sql<RoleRow>`select rolsuper, rolbypassrls, rolreplication from pg_roles where rolname = ${role}`.execute(tx)).rows[0];
    let found = await findRole();
    let created = false;
    if (!found) {
      if (options.createWithPassword === undefined) {
        throw new ApplicationRoleError(`role "${role}" does not exist: create it (LOGIN, nothing else) or give DATABASE_URL with its user and password`);
      }
      const { rows: [statement] } = await sql<{ q: string }>`
        select format('create role %I login password %L nosuperuser nocreatedb nocreaterole noreplication nobypassrls', ${role}::text, ${options.createWithPassword}::text) as q`.execute(tx);
      await sql.raw(statement!.q).execute(tx);
      created = true;
      found = await findRole();
    }
    if (!found) throw new ApplicationRoleError(`role "${role}" could not be created`);
    const attributes = [found.rolsuper && 'SUPERUSER', found.rolbypassrls && 'BYPASSRLS', found.rolreplication && 'REPLICATION'].filter(Boolean);
    if (attributes.length) throw new ApplicationRoleError(`role "${role}" must not have ${attributes.join(', ')}: it could rewrite the audit log`);

    const { rows: tables } = await sql<{ name: string; owner: string; ownerPrivileges: boolean }>`
      select tablename as name, tableowner as owner, pg_has_role(${role}, tableowner, 'USAGE') as "ownerPrivileges"
      from pg_tables where schemaname = ${schema} order by tablename`.execute(tx);
    const owning = tables.filter((t) => t.ownerPrivileges);
    if (owning.length) {
      throw new ApplicationRoleError(`role "${role}" has the privileges of ${owning[0]!.owner}, the owner of ${owning.map((t) => t.name).join(', ')}: use a role of its own for the application`);
    }

    const table = (name: string) => sql`${sql.id(schema)}.${sql.id(name)}`;
    const grantee = sql.id(role);
    await sql`grant usage on schema ${sql.id(schema)} to ${grantee}`.execute(tx);
    const readWrite: string[] = [];
    const appendOnly: string[] = [];
    for (const { name } of tables) {
      await sql`revoke all on ${table(name)} from ${grantee}`.execute(tx);
      if (name.startsWith('kysely_migration')) continue;
      if ((APPEND_ONLY_TABLES as readonly string[]).includes(name)) {
        await sql`grant select, insert on ${table(name)} to ${grantee}`.execute(tx);
        appendOnly.push(name);
      } else {
        await sql`grant select, insert, update, delete on ${table(name)} to ${grantee}`.execute(tx);
        readWrite.push(name);
      }
    }
    const { rows: sequences } = await sql<{ name: string }>`select sequencename as name from pg_sequences where schemaname = ${schema}`.execute(tx);
    for (const { name } of sequences) {
      await sql`revoke all on sequence ${table(name)} from ${grantee}`.execute(tx);
      await sql`grant usage, select on sequence ${table(name)} to ${grantee}`.execute(tx);
    }

    // What counts is the effective privilege, also through PUBLIC and other roles' memberships.
    for (const name of appendOnly) {
      const qualified = `${schema}.${name}`;
      for (const privilege of FORBIDDEN_ON_APPEND_ONLY) {
        const { rows: [check] } = await sql<{ has: boolean }>`select has_table_privilege(${role}, ${qualified}, ${privilege}) as has`.execute(tx);
        if (check?.has) throw new ApplicationRoleError(`role "${role}" still has ${privilege} on ${name} (through PUBLIC or another role it belongs to)`);
      }
    }
    return { role, created, readWrite, appendOnly };
  });
}
