import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.js';
import type { AuditEntry, NewAuditEntry } from '../tables/audit.js';
import { given, type ListPage, type Page, pageOf } from './query.js';

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

export interface AuditFilter extends Page {
  /** Records about the dossier itself and about its reports, enforcement cases and inspections. */
  dossierId?: string;
  subjectType?: string;
  subjectId?: string;
  actorId?: string;
  /** occurred_at ≥ from */
  from?: Date;
  /** occurred_at < to */
  to?: Date;
}

/** The audit trail, newest first, with the total that matches the filters. */
export function listAudit(db: Kysely<Database>, filter: AuditFilter): Promise<ListPage<AuditEntry>> {
  const equal = { subject_type: filter.subjectType, subject_id: filter.subjectId, actor_id: filter.actorId };
  let query = db.selectFrom('audit_log').where((eb) => eb.and(given(equal)));
  if (filter.from) query = query.where('occurred_at', '>=', filter.from);
  if (filter.to) query = query.where('occurred_at', '<', filter.to);
  const dossierId = filter.dossierId;
  if (dossierId) {
    query = query.where((eb) => eb.or([
      eb.and([eb('subject_type', '=', 'dossier'), eb('subject_id', '=', dossierId)]),
      eb.and([eb('subject_type', '=', 'melding'), eb('subject_id', 'in', eb.selectFrom('meldingen').select('id').where('dossier_id', '=', dossierId))]),
      eb.and([eb('subject_type', '=', 'handhaving'), eb('subject_id', 'in', eb.selectFrom('enforcement_cases').select('id').where('dossier_id', '=', dossierId))]),
      eb.and([eb('subject_type', '=', 'inspectie'), eb('subject_id', 'in', eb.selectFrom('inspections').select('id').where('dossier_id', '=', dossierId))]),
    ]));
  }
  return pageOf(db, query, (q) => q.selectAll().orderBy('id', 'desc'), filter);
}

/** The outcome of walking the hash chain of the audit log. */
export interface AuditChainVerification {
  /** Every record links to the one before it and its hash matches its content. */
  valid: boolean;
  /** Records checked (up to and including the first broken one). */
  checked: number;
  /** The id of the first record whose prev_hash or hash does not hold; null when valid. */
  firstBrokenId: string | null;
  /** The hash of the last record checked: write it down elsewhere to notice a shortened or rebuilt trail later. */
  lastHash: string | null;
}

/** prev_hash of the first record. */
export const AUDIT_CHAIN_GENESIS = '0'.repeat(64);

/**
 * The record's content as the chain hashes it: the same text as the database function
 * audit_log_chain_hash (db/migrations/2026_12_01_0090_audit_chain.ts). The hash itself is
 * recomputed here, in Node, so the check does not trust a function the database owner could
 * replace.
 */
const chainContent = sql<string>`jsonb_build_array(
  id,
  to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
  actor_id, actor_role, action, subject_type, subject_id, details,
  request_id, idempotency_key
)::text`;

/**
 * Walks the audit log in chain order (`chain_seq`, handed out as the records' transactions commit)
 * and checks that each record's prev_hash is the previous record's hash and that its hash is
 * SHA-256(prev_hash || content). Stops at the first record that fails. A committed record the chain
 * never took (only possible with its trigger set aside) fails too, before the walk. Used by
 * `npm run audit:verify` and GET /audit/verify.
 */
export async function verifyAuditChain(db: Kysely<Database>, options: { batchSize?: number } = {}): Promise<AuditChainVerification> {
  const unchained = await db.selectFrom('audit_log').select('id').where('chain_seq', 'is', null).orderBy('id').limit(1).executeTakeFirst();
  if (unchained) return { valid: false, checked: 0, firstBrokenId: String(unchained.id), lastHash: null };
  const batchSize = options.batchSize ?? 5_000;
  let previous = AUDIT_CHAIN_GENESIS;
  let lastHash: string | null = null;
  let checked = 0;
  let afterSeq: string | null = null;
  for (;;) {
    let query = db.selectFrom('audit_log').select(['id', 'chain_seq', 'prev_hash', 'hash', chainContent.as('content')]);
    if (afterSeq !== null) query = query.where('chain_seq', '>', afterSeq);
    const rows = await query.orderBy('chain_seq').limit(batchSize).execute();
    for (const row of rows) {
      checked += 1;
      const expected = createHash('sha256').update(`${row.prev_hash ?? ''}${row.content}`, 'utf8').digest('hex');
      if (row.prev_hash !== previous || row.hash !== expected) {
        return { valid: false, checked, firstBrokenId: String(row.id), lastHash };
      }
      previous = row.hash;
      lastHash = row.hash;
    }
    if (rows.length < batchSize) return { valid: true, checked, firstBrokenId: null, lastHash };
    afterSeq = String(rows[rows.length - 1]!.chain_seq);
  }
}
