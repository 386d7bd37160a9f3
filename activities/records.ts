import type { Kysely } from 'kysely';
import { recordAudit } from '../db/repositories/audit.js';
import type { Database } from '../db/schema.js';
import type { Actor } from '../workflows/shared/actor.js';

/** The system as the actor of the steps nobody commands: a letter stored or sent, data erased. */
export const systemActor: Actor = { id: 'systeem', role: 'systeem' };

/** What the audit log records of a subject: its type and id. */
export interface AuditSubject {
  type: string;
  id: string;
}

/**
 * Records an actor's action on a subject in the audit log, once per idempotency key: the actor's
 * id and role, and the API request that carried the command when there was one.
 */
export function auditAction(
  db: Kysely<Database>,
  change: { actor: Actor; action: string },
  subject: AuditSubject,
  details: Record<string, unknown>,
  key: string,
): Promise<void> {
  return recordAudit(db, {
    actor_id: change.actor.id,
    actor_role: change.actor.role,
    action: change.action,
    subject_type: subject.type,
    subject_id: subject.id,
    details,
    request_id: change.actor.requestId ?? null,
    idempotency_key: key,
  });
}
