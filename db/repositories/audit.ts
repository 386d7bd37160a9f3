import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { AuditEntry, NewAuditEntry } from '../tables/audit.js';

/** Records a command in the append-only audit log, once per idempotency key. */
export async function recordAudit(db: Kysely<Database>, entry: NewAuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values(entry)
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .execute();
}

export function listAuditForSubject(
  db: Kysely<Database>,
  subjectType: string,
  subjectId: string,
  limit = 100,
): Promise<AuditEntry[]> {
  return db
    .selectFrom('audit_log')
    .selectAll()
    .where('subject_type', '=', subjectType)
    .where('subject_id', '=', subjectId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
