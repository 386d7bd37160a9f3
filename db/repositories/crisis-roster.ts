import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** The crisis coordinators on duty at a moment, in escalation order (position 1 first). */
export async function coordinatorsOnDuty(db: Kysely<Database>, at: Date): Promise<string[]> {
  const rows = await db
    .selectFrom('crisis_roster as r')
    .innerJoin('users as u', 'u.id', 'r.user_id')
    .select('r.user_id')
    .where('r.starts_at', '<=', at)
    .where('r.ends_at', '>', at)
    .where('u.active', '=', true)
    .orderBy('r.position')
    .execute();
  return rows.map((r) => r.user_id);
}

/** The person a team's escalations go to: its active team coordinator. */
export async function teamCoordinator(db: Kysely<Database>, teamId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('team_id', '=', teamId)
    .where('role', '=', 'teamcoordinator')
    .where('active', '=', true)
    .orderBy('id')
    .executeTakeFirst();
  return row?.id;
}
