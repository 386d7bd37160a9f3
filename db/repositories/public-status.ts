import { type Kysely, sql } from 'kysely';
import { localDateOf } from '../../workflows/clock/brussels-time.js';
import type { Database } from '../schema.js';

/** How long after an inspection report with points of attention the organiser is "following it up". */
const REPORT_FOLLOW_UP_MONTHS = 6;

/**
 * The public follow-up status of a location (Kinderopvangzoeker): 4 enforcement (an open case or
 * a decision in force); 1 investigation (an open report or an inspection under way); 3 an
 * inspection report with points of attention and no advice to enforce, less than six months old,
 * that the organiser is following up; else 2 (no further follow-up needed).
 */
export async function publicFollowUpStatus(db: Kysely<Database>, locationId: string): Promise<1 | 2 | 3 | 4> {
  const row = await db
    .selectNoFrom((eb) => [
      eb.exists(eb.selectFrom('enforcement_cases').select('id').where('location_id', '=', locationId).where('status', '=', 'open')).as('open_case'),
      eb.exists(eb.selectFrom('enforcement_decisions').select('id').where('location_id', '=', locationId).where('in_force', '=', true)).as('in_force'),
      eb.exists(eb.selectFrom('meldingen').select('id').where('location_id', '=', locationId).where('phase', '!=', 'afgesloten')).as('open_report'),
      eb.exists(eb.selectFrom('inspections').select('id').where('location_id', '=', locationId).where('closed_at', 'is', null)).as('open_inspection'),
      eb
        .exists(
          eb
            .selectFrom('inspections')
            .select('id')
            .where('location_id', '=', locationId)
            .where('advice_enforce', '=', false)
            .where('closed_at', '>', sql<Date>`now() - make_interval(months => ${REPORT_FOLLOW_UP_MONTHS})`)
            .where(sql<number>`jsonb_array_length(coalesce(final_report->'advice'->'pointsOfAttention', '[]'::jsonb))`, '>', 0),
        )
        .as('report_followed_up'),
    ])
    .executeTakeFirstOrThrow();
  if (row.open_case || row.in_force) return 4;
  if (row.open_report || row.open_inspection) return 1;
  if (row.report_followed_up) return 3;
  return 2;
}

/** The enforcement report of a location: each step with date, kind, cause and objection; no personal data. */
export async function publicEnforcementReport(db: Kysely<Database>, locationId: string) {
  const steps = await db
    .selectFrom('timeline_entries as t')
    .innerJoin('dossiers as d', 'd.id', 't.dossier_id')
    .select(['t.occurred_at', sql<string>`t.details->>'action'`.as('action'), sql<string>`t.details->>'caseId'`.as('case_id'), sql<string | null>`t.details->>'decisionId'`.as('decision_id')])
    .where('d.location_id', '=', locationId)
    .where('t.kind', '=', 'handhaving')
    .where(sql<string>`t.details->>'action'`, 'in', ['aanmaning.sent', 'voornemen.sent', 'beslissing.sent'])
    .orderBy('t.occurred_at')
    .execute();
  const decisions = await db.selectFrom('enforcement_decisions').selectAll().where('location_id', '=', locationId).execute();
  const causes = await db.selectFrom('enforcement_cases').select(['id', sql<string>`first_milestone->>'kind'`.as('cause')]).where('location_id', '=', locationId).execute();
  const causeOf = new Map(causes.map((c) => [c.id, c.cause]));
  return steps.map((s) => {
    const kind = s.action.split('.')[0] as 'aanmaning' | 'voornemen' | 'beslissing';
    const decision = kind === 'beslissing' ? decisions.find((d) => d.id === s.decision_id) : undefined;
    return {
      date: localDateOf(s.occurred_at.getTime()),
      kind: decision ? decision.kind : kind,
      cause: causeOf.get(s.case_id) ?? null,
      explanation: decision?.public_motivation ?? null,
      objection: decision?.objection ?? null,
    };
  });
}
