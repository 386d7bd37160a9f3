import { type Kysely, sql } from 'kysely';
import { notNull, recordedAt } from './columns.js';

/**
 * Issue 13, the municipality's contact point (lokaal loket kinderopvang): the register the letters
 * to local government read their address from, instead of a made-up one. Kept by admins
 * (`/municipality-contacts`); no row is invented here: a municipality without one holds its
 * letters and raises an incident until an admin enters it (docs/letters.md).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('municipality_contacts')
    .addColumn('id', 'text', (c) => c.primaryKey().check(sql`id ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`))
    .addColumn('municipality', 'text', (c) => c.notNull().unique().check(sql`length(municipality) between 1 and 100`))
    .addColumn('nis_code', 'text', (c) => c.unique().check(sql`nis_code ~ '^[0-9]{5}$'`))
    .addColumn('email', 'text', (c) => c.notNull().check(sql`email ~ '^[^[:space:]@]+@[^[:space:]@]+$' and length(email) <= 200`))
    .addColumn('postal_address', 'text', (c) => c.check(sql`length(postal_address) <= 500`))
    .addColumn('contact_sealed', 'text')
    .addColumn('contact_key_id', 'text')
    .$call(notNull({ updated_by: 'text' }))
    .$call(recordedAt('created_at', 'updated_at'))
    .addCheckConstraint('municipality_contacts_contact_sealed_with_key', sql`(contact_sealed is null) = (contact_key_id is null)`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('municipality_contacts').execute();
}
