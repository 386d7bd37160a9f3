import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.js';

/** Timeline kinds that are an enforcement step. */
export const enforcementKinds = ['aanmaning', 'voornemen', 'schorsing', 'opheffing'] as const;
/** The training label: an enforcement step or an advice to enforce within the horizon. */
export const labelKinds = [...enforcementKinds, 'advies_handhaving'] as const;

export interface FeatureBatchQuery {
  /** The cut-off: only history before it is used. */
  asOf: Date;
  /** For training: label = a label kind in [asOf, asOf + horizon months). 0 when scoring. */
  horizonMonths: number;
  /** Keyset paging over location ids: the batch starts after this id. */
  afterLocationId: string;
  limit: number;
}

/** What the feature query returns per location (counts over windows ending at the cut-off). */
export interface RawFeatures {
  location_id: string;
  dossier_id: string;
  kind: string;
  capacity: number;
  /** Whole months between the licence start and the cut-off. */
  months_licensed: number;
  meldingen_3: number;
  meldingen_12: number;
  crisis_12: number;
  /** Meldingen and crisismeldingen over the 36 months before the cut-off. */
  reports_36: number;
  /** Meldingen whose follow-up was "toegevoegd aan dossier" (12 months). */
  added_to_dossier_12: number;
  advies_handhaving_12: number;
  advies_handhaving_36: number;
  /** Advices to enforce with urgentie "hoog" (12 months). */
  urgent_advice_12: number;
  /** Inspections with advice aandachtspunten or handhaving (12 months). */
  negative_inspections_12: number;
  /** Null when no inspection in the 36 months. */
  months_since_inspection: number | null;
  last_advice: string | null;
  enforcement_3: number;
  enforcement_12: number;
  enforcement_36: number;
  schorsing_36: number;
  bezwaar_36: number;
  organiser_locations: number;
  /** The organiser's other locations with an enforcement step in the 12 months. */
  sister_enforcement_12: number;
  /** Training only: an enforcement step or advice to enforce within the horizon after the cut-off. */
  label: boolean;
}

export interface FeatureRow extends RawFeatures {
  licence_status: string;
  /** An opheffing before the cut-off: the location no longer existed (left out of training). */
  revoked_before: boolean;
}

const inList = (values: readonly string[]) => sql.join(values.map((v) => sql.lit(v)));

/**
 * The raw features of one batch of locations (licensed before the cut-off), in location id order,
 * computed in PostgreSQL from the dossier timelines. A report the live system recorded as several
 * timeline entries (one per change, with `details.meldingId`) counts once.
 */
export async function featureBatch(db: Kysely<Database>, q: FeatureBatchQuery): Promise<FeatureRow[]> {
  const t = sql`${q.asOf.toISOString()}::timestamptz`;
  const horizon = sql`${t} + make_interval(months => ${q.horizonMonths}::int)`;
  const within = (months: number) => sql`e.occurred_at >= ${t} - make_interval(months => ${months}::int) and e.occurred_at < ${t}`;
  const report = sql`coalesce(e.details->>'meldingId', e.id::text)`;
  const enforcement = inList(enforcementKinds);
  const result = await sql<FeatureRow>`
    with loc as (
      select l.id as location_id, d.id as dossier_id, l.organiser_id, l.kind, l.capacity, l.licence_status,
        (date_part('year', age((${t} at time zone 'Europe/Brussels')::date, l.licensed_since)) * 12
          + date_part('month', age((${t} at time zone 'Europe/Brussels')::date, l.licensed_since)))::int as months_licensed
      from locations l join dossiers d on d.location_id = l.id
      where l.id > ${q.afterLocationId} and l.licensed_since < (${t} at time zone 'Europe/Brussels')::date
      order by l.id
      limit ${q.limit}
    ),
    ev as (
      select e.dossier_id,
        count(distinct ${report}) filter (where e.kind = 'melding' and ${within(3)})::int as meldingen_3,
        count(distinct ${report}) filter (where e.kind = 'melding' and ${within(12)})::int as meldingen_12,
        count(distinct ${report}) filter (where e.kind = 'crisismelding' and ${within(12)})::int as crisis_12,
        count(distinct ${report}) filter (where e.kind in ('melding', 'crisismelding') and ${within(36)})::int as reports_36,
        count(*) filter (where e.kind = 'melding' and e.details->>'opvolging' = 'toegevoegd aan dossier' and ${within(12)})::int as added_to_dossier_12,
        count(*) filter (where e.kind = 'advies_handhaving' and ${within(12)})::int as advies_handhaving_12,
        count(*) filter (where e.kind = 'advies_handhaving' and ${within(36)})::int as advies_handhaving_36,
        count(*) filter (where e.kind = 'advies_handhaving' and e.details->>'urgentie' = 'hoog' and ${within(12)})::int as urgent_advice_12,
        count(*) filter (where e.kind = 'inspectie' and e.details->>'advies' in ('aandachtspunten', 'handhaving') and ${within(12)})::int as negative_inspections_12,
        (extract(epoch from ${t} - max(e.occurred_at) filter (where e.kind = 'inspectie' and e.occurred_at < ${t})) / (86400 * 30.4375))::float8 as months_since_inspection,
        (array_agg(e.details->>'advies' order by e.occurred_at desc) filter (where e.kind = 'inspectie' and e.occurred_at < ${t}))[1] as last_advice,
        count(*) filter (where e.kind in (${enforcement}) and ${within(3)})::int as enforcement_3,
        count(*) filter (where e.kind in (${enforcement}) and ${within(12)})::int as enforcement_12,
        count(*) filter (where e.kind in (${enforcement}) and ${within(36)})::int as enforcement_36,
        count(*) filter (where e.kind = 'schorsing' and ${within(36)})::int as schorsing_36,
        count(*) filter (where e.kind = 'bezwaar' and ${within(36)})::int as bezwaar_36,
        coalesce(bool_or(e.kind in (${inList(labelKinds)}) and e.occurred_at >= ${t} and e.occurred_at < ${horizon}), false) as label,
        coalesce(bool_or(e.kind = 'opheffing' and e.occurred_at < ${t}), false) as revoked_before
      from timeline_entries e join loc on loc.dossier_id = e.dossier_id
      where e.occurred_at >= ${t} - interval '36 months' and e.occurred_at < ${horizon}
      group by e.dossier_id
    ),
    sis as (
      select l2.organiser_id, count(*)::int as organiser_locations,
        count(*) filter (where exists (
          select 1 from dossiers d2 join timeline_entries e on e.dossier_id = d2.id
          where d2.location_id = l2.id and e.kind in (${enforcement}) and ${within(12)}
        ))::int as in_enforcement
      from locations l2
      where l2.organiser_id in (select organiser_id from loc) and l2.licensed_since < (${t} at time zone 'Europe/Brussels')::date
      group by l2.organiser_id
    )
    select loc.location_id, loc.dossier_id, loc.kind, loc.capacity, loc.licence_status, loc.months_licensed,
      coalesce(ev.meldingen_3, 0) as meldingen_3, coalesce(ev.meldingen_12, 0) as meldingen_12,
      coalesce(ev.crisis_12, 0) as crisis_12, coalesce(ev.reports_36, 0) as reports_36,
      coalesce(ev.added_to_dossier_12, 0) as added_to_dossier_12,
      coalesce(ev.advies_handhaving_12, 0) as advies_handhaving_12, coalesce(ev.advies_handhaving_36, 0) as advies_handhaving_36,
      coalesce(ev.urgent_advice_12, 0) as urgent_advice_12, coalesce(ev.negative_inspections_12, 0) as negative_inspections_12,
      ev.months_since_inspection, ev.last_advice,
      coalesce(ev.enforcement_3, 0) as enforcement_3, coalesce(ev.enforcement_12, 0) as enforcement_12,
      coalesce(ev.enforcement_36, 0) as enforcement_36, coalesce(ev.schorsing_36, 0) as schorsing_36,
      coalesce(ev.bezwaar_36, 0) as bezwaar_36,
      coalesce(sis.organiser_locations, 1) as organiser_locations,
      greatest(0, coalesce(sis.in_enforcement, 0) - (case when coalesce(ev.enforcement_12, 0) > 0 then 1 else 0 end))::int as sister_enforcement_12,
      coalesce(ev.label, false) as label, coalesce(ev.revoked_before, false) as revoked_before
    from loc left join ev on ev.dossier_id = loc.dossier_id left join sis on sis.organiser_id = loc.organiser_id
    order by loc.location_id
  `.execute(db);
  return result.rows;
}

/** Streams the features of all locations at a cut-off, batch by batch (bounded memory). */
export async function* featureBatches(db: Kysely<Database>, q: Omit<FeatureBatchQuery, 'afterLocationId'>): AsyncGenerator<FeatureRow[]> {
  let after = '';
  for (;;) {
    const rows = await featureBatch(db, { ...q, afterLocationId: after });
    if (rows.length === 0) return;
    yield rows;
    after = rows[rows.length - 1]!.location_id;
    if (rows.length < q.limit) return;
  }
}
