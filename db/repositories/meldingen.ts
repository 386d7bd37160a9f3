import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../schema.js';
import type { NewAuditEntry } from '../tables/audit.js';
import type { MeldingRow, NewMeldingRow } from '../tables/meldingen.js';
import type { NewTimelineEntry } from '../tables/timeline.js';
import { everything, given, type Page, pageOf, saveProjection, type Scope } from './query.js';

/**
 * Writes the workflow's projection of a report. Versions only go up: a late retry of an older
 * projection never overwrites a newer one.
 */
export function saveMeldingProjection(db: Kysely<Database>, row: NewMeldingRow): Promise<void> {
  return saveProjection(db, 'meldingen', row, ['id', 'created_at', 'created_by']);
}

/**
 * What a report's live state says of its register row: MeldingState (workflows/melding/definitions.ts)
 * by shape, as the database layer does not import the workflows.
 */
export interface MeldingStateOfRow {
  link: { locationId: string; organiserId: string; dossierId: string } | null;
  triageProposed: string;
  triage: string;
  triageConfirmed: boolean;
  phase: string;
  assigneeId: string | null;
  teamId: string | null;
  deadline: { state: string } | null;
  dueAt: string | null;
  overdue: boolean;
  closedAt: string | null;
  version: number;
}

/**
 * The register row's columns that follow the live state: the one mapping of the projection
 * (activities/meldingen.ts) and of the API's answers to commands (api/routes/meldingen/views.ts).
 * `unlinked`: the location columns while the report is not linked to a location.
 */
export function meldingColumnsOf(s: MeldingStateOfRow, unlinked: Pick<MeldingRow, 'location_id' | 'organiser_id' | 'dossier_id'>) {
  return {
    location_id: s.link?.locationId ?? unlinked.location_id,
    organiser_id: s.link?.organiserId ?? unlinked.organiser_id,
    dossier_id: s.link?.dossierId ?? unlinked.dossier_id,
    triage_proposed: s.triageProposed,
    triage: s.triage,
    triage_confirmed: s.triageConfirmed,
    phase: s.phase,
    assignee_id: s.assigneeId,
    team_id: s.teamId,
    due_at: s.dueAt ? new Date(s.dueAt) : null,
    deadline_paused: s.deadline?.state === 'paused',
    overdue: s.overdue,
    closed_at: s.closedAt ? new Date(s.closedAt) : null,
    version: s.version,
  };
}

/** What a report's input says of its register row: MeldingInput (workflows/melding/definitions.ts) by shape. */
export interface MeldingInputOfRow {
  meldingId: string;
  idempotencyKey: string | null;
  externalRef: string | null;
  source: string;
  channel: string;
  receivedAt: string;
  reporter: { name?: string; email?: string; phone?: string } | null;
  locationHint: { organiserId?: string; addressText?: string };
  description: string;
  categories: string[];
  immediateDanger: boolean;
  createdBy: { id: string };
}

/**
 * A report's register row from its input and its live state: what the projection writes
 * (activities/meldingen.ts, which sends the jsonb arrays as JSON text) and what the API answers
 * before the projection lands (api/routes/meldingen/views.ts).
 */
export function meldingRowOf(input: MeldingInputOfRow, s: MeldingStateOfRow & { followUps: object[] }) {
  return {
    id: input.meldingId,
    workflow_id: `melding:${input.meldingId}`,
    idempotency_key: input.idempotencyKey,
    external_ref: input.externalRef,
    source: input.source,
    channel: input.channel,
    received_at: new Date(input.receivedAt),
    reporter: input.reporter ? { ...input.reporter } : null,
    address_text: input.locationHint.addressText ?? null,
    description: input.description,
    categories: input.categories,
    immediate_danger: input.immediateDanger,
    ...meldingColumnsOf(s, { location_id: null, organiser_id: input.locationHint.organiserId ?? null, dossier_id: null }),
    follow_ups: s.followUps as Record<string, unknown>[],
    created_by: input.createdBy.id,
  };
}

export type MeldingScope = Scope<'meldingen'>;

export function findMelding(db: Kysely<Database>, id: string, scope: MeldingScope = everything): Promise<MeldingRow | undefined> {
  return db.selectFrom('meldingen').selectAll().where('id', '=', id).where(scope).executeTakeFirst();
}

export const meldingSortKeys = ['due_at', 'received_at'] as const;

export interface MeldingFilter extends Page {
  triage?: string;
  phase?: string;
  assigneeId?: string;
  teamId?: string;
  overdue?: boolean;
  locationId?: string;
  receivedFrom?: Date;
  receivedTo?: Date;
  sort: (typeof meldingSortKeys)[number];
  order: 'asc' | 'desc';
}

export async function listMeldingen(db: Kysely<Database>, f: MeldingFilter, scope: MeldingScope = everything) {
  let query = db
    .selectFrom('meldingen')
    .where(scope)
    .where((eb) => eb.and(given({ triage: f.triage, phase: f.phase, assignee_id: f.assigneeId, team_id: f.teamId, overdue: f.overdue, location_id: f.locationId })));
  if (f.receivedFrom) query = query.where('received_at', '>=', f.receivedFrom);
  if (f.receivedTo) query = query.where('received_at', '<', f.receivedTo);
  return pageOf(db, query, (q) => q.selectAll().orderBy(f.sort, (ob) => (f.order === 'asc' ? ob.asc().nullsLast() : ob.desc().nullsLast())).orderBy('id'), f);
}

/** One change of a report (MeldingEvent in workflows/melding/definitions.ts, by shape). */
export interface MeldingChangeOfRow {
  version: number;
  phase: string;
  action: string;
  title: string;
  actor: { id: string; role: string; requestId?: string };
  details?: Record<string, unknown>;
}

/**
 * What one save of a report writes: its register row, a timeline entry per change (when it has a
 * dossier) and an audit record per change, the latter two keyed `melding:<id>:v<version>`.
 */
export interface MeldingWrite {
  row: NewMeldingRow;
  timeline: NewTimelineEntry[];
  audit: NewAuditEntry[];
}

/**
 * The rows of one save, from the report's input, its state and the changes saved. The one mapping
 * of the `saveMelding` activity and of the API's intake (issue 15): either write after the other's
 * is a no-op (the row's version does not go up; the keys exist), so either may land first.
 */
export function meldingWriteOf(
  input: MeldingInputOfRow,
  state: MeldingStateOfRow & { meldingId: string; followUps: object[]; history: { at: string; action: string }[] },
  changes: MeldingChangeOfRow[],
): MeldingWrite {
  const firstPickUp = state.history.find((h) => h.action === 'melding.acknowledged');
  const keyOf = (change: MeldingChangeOfRow) => `melding:${state.meldingId}:v${change.version}`;
  const now = new Date();
  return {
    row: {
      ...meldingRowOf(input, state),
      // jsonb arrays as JSON text: pg would send a JavaScript array as a PostgreSQL array.
      categories: JSON.stringify(input.categories),
      follow_ups: JSON.stringify(state.followUps),
      picked_up_at: firstPickUp ? new Date(firstPickUp.at) : null,
    },
    timeline: state.link
      ? changes.map((change) => ({
          dossier_id: state.link!.dossierId,
          occurred_at: now,
          kind: state.triage === 'crisis' ? 'crisismelding' : 'melding',
          title: change.title,
          details: { meldingId: state.meldingId, action: change.action, phase: change.phase, ...change.details },
          actor_id: change.actor.id,
          idempotency_key: keyOf(change),
        }))
      : [],
    audit: changes.map((change) => ({
      actor_id: change.actor.id,
      actor_role: change.actor.role,
      action: change.action,
      subject_type: 'melding',
      subject_id: state.meldingId,
      details: { version: change.version, phase: change.phase, ...change.details },
      request_id: change.actor.requestId ?? null,
      idempotency_key: keyOf(change),
    })),
  };
}

/**
 * One save of a report, in the caller's transaction: the register row, then its timeline entries
 * and its audit records, once per key (each in one statement). A record already there (a retry, or
 * the workflow's backstop after the API's intake) conflicts and is left out; the audit chain takes
 * the new records when the transaction commits (db/migrations/2026_12_02_0100_audit_chain_at_commit.ts).
 */
export async function writeMelding(tx: Transaction<Database>, write: MeldingWrite): Promise<void> {
  await saveMeldingProjection(tx, write.row);
  await writeMeldingRecords(tx, write);
}

/**
 * A new report's first save by the API's intake, with its workflow's start request (issue 15;
 * docs/meldingen.md, "Never lost"): ONE statement, so one round trip and its own transaction.
 * False, and nothing written, when a report with the same id, external reference or
 * Idempotency-Key is already registered (a concurrent send waits here for the first one's commit,
 * then finds its row): the timeline entries, the audit records and the start are inserted only
 * with the register row (`from m`).
 */
export async function registerNewMelding(db: Kysely<Database>, write: MeldingWrite, startInput: object): Promise<boolean> {
  const inserted = await db
    .with('m', (q) => q.insertInto('meldingen').values(write.row).onConflict((oc) => oc.doNothing()).returning('id'))
    .with('t', (q) => q.insertInto('timeline_entries').columns(timelineColumns).expression(withRegistered('timeline_entries', timelineColumns, write.timeline))
      .onConflict((oc) => oc.column('idempotency_key').doNothing()).returning('timeline_entries.id'))
    .with('a', (q) => q.insertInto('audit_log').columns(auditColumns).expression(withRegistered('audit_log', auditColumns, write.audit))
      .onConflict((oc) => oc.column('idempotency_key').doNothing()).returning('audit_log.id'))
    .with('s', (q) => q.insertInto('melding_starts').columns(['melding_id', 'input'])
      .expression((eb) => eb.selectFrom('m').select((e) => [e.ref('m.id').as('melding_id'), sql<string>`${JSON.stringify(startInput)}::jsonb`.as('input')]))
      .returning('melding_starts.melding_id'))
    .selectFrom('m')
    .select('m.id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** The columns meldingWriteOf gives each timeline entry and audit record. */
const timelineColumns = ['dossier_id', 'occurred_at', 'kind', 'title', 'details', 'actor_id', 'idempotency_key'] as const satisfies readonly (keyof NewTimelineEntry)[];
const auditColumns = ['actor_id', 'actor_role', 'action', 'subject_type', 'subject_id', 'details', 'request_id', 'idempotency_key'] as const satisfies readonly (keyof NewAuditEntry)[];

/** The rows as a SELECT that yields them only when the register row `m` was inserted. */
function withRegistered(table: 'timeline_entries' | 'audit_log', columns: readonly string[], rows: readonly object[]) {
  return sql<Record<string, unknown>>`select ${sql.join(columns.map((c) => sql.ref(`r.${c}`)))} from m cross join jsonb_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(rows)}::jsonb) as r`;
}

async function writeMeldingRecords(tx: Transaction<Database>, write: MeldingWrite): Promise<void> {
  if (write.timeline.length > 0) {
    await tx.insertInto('timeline_entries').values(write.timeline).onConflict((oc) => oc.column('idempotency_key').doNothing()).execute();
  }
  if (write.audit.length > 0) {
    await tx.insertInto('audit_log').values(write.audit).onConflict((oc) => oc.column('idempotency_key').doNothing()).execute();
  }
}
