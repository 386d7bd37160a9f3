import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

// A report's workflow start, requested in the intake's transaction and confirmed once Temporal
// has it (db/migrations/2026_12_02_0200_melding_starts.ts; api/melding-starts.ts starts them).

export interface QueuedMeldingStart {
  meldingId: string;
  /** The workflow's input as the API built it (MeldingInput, which the database layer does not import). */
  input: Record<string, unknown>;
  attempts: number;
}

/** The start still requested for this report, if any. */
export async function queuedMeldingStart(db: Kysely<Database>, meldingId: string): Promise<QueuedMeldingStart | undefined> {
  const row = await db.selectFrom('melding_starts').select(['melding_id', 'input', 'attempts']).where('melding_id', '=', meldingId).executeTakeFirst();
  return row && { meldingId: row.melding_id, input: row.input, attempts: row.attempts };
}

/** Starts requested before `queuedBefore`: the fewest attempts first, then the oldest. */
export async function overdueMeldingStarts(db: Kysely<Database>, queuedBefore: Date, limit: number): Promise<QueuedMeldingStart[]> {
  const rows = await db
    .selectFrom('melding_starts')
    .select(['melding_id', 'input', 'attempts'])
    .where('queued_at', '<', queuedBefore)
    .orderBy('attempts')
    .orderBy('queued_at')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ meldingId: row.melding_id, input: row.input, attempts: row.attempts }));
}

/** Temporal has the workflow: the request is done. */
export async function meldingStartConfirmed(db: Kysely<Database>, meldingId: string): Promise<void> {
  await db.deleteFrom('melding_starts').where('melding_id', '=', meldingId).execute();
}

export async function meldingStartFailed(db: Kysely<Database>, meldingId: string, error: string): Promise<void> {
  await db
    .updateTable('melding_starts')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error.slice(0, 1_000) }))
    .where('melding_id', '=', meldingId)
    .execute();
}
