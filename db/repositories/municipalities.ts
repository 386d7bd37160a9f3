import { createHash } from 'node:crypto';
import type { PayloadCodec } from '@temporalio/common';
import protos from '@temporalio/proto';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../schema.js';
import type { NewAuditEntry } from '../tables/audit.js';
import type { MunicipalityContact } from '../tables/municipalities.js';
import { municipalities as flemishMunicipalities } from '../seed/municipalities.js';
import { recordAudit } from './audit.js';
import { resolveIncident } from './incidents.js';
import { appendTimelineEntry } from './timeline.js';
import { type ListPage, type Page, pageOf } from './query.js';

/**
 * The municipalities' contact points (lokaal loket kinderopvang, issue 13): where the letters to
 * local government go. Kept by admins; a letter to a municipality without one is held (its outbox
 * row stays queued, marked) and an incident tells the admins; entering the contact point releases
 * the held letters to the outbox, which sends them (docs/letters.md, "The municipality").
 */

/** 'Beveren-Kruibeke-Zwijndrecht' → 'beveren-kruibeke-zwijndrecht', 'De Haan' → 'de-haan': a contact point's id. */
export function municipalitySlug(municipality: string): string {
  return municipality.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** A contact person at the contact point: personal data, kept sealed. */
export interface ContactPerson {
  name: string;
  email: string | null;
  phone: string | null;
}

/** A contact point as it is entered (one row of an import, or one upsert). */
export interface ContactPointInput {
  municipality: string;
  nisCode: string | null;
  email: string;
  postalAddress: string | null;
  /** Undefined: keep the one recorded; null: none (erased). */
  contactPerson?: ContactPerson | null;
}

export { emailAddressPattern as contactEmailPattern, nisCodePattern, phonePattern } from '../contact-formats.js';

// ----- the contact person, sealed by the payload codec (the same key ring as the parents' contacts) -----

const ProtoPayload = protos.temporal.api.common.v1.Payload;

async function seal(codec: PayloadCodec, value: ContactPerson): Promise<{ sealed: string; keyId: string }> {
  const [payload] = await codec.encode([{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(value)) }]);
  const meta = payload!.metadata ?? {};
  if (Buffer.from(meta.encoding ?? []).toString() !== 'binary/encrypted') throw new Error('the codec did not encrypt the contact person');
  return { sealed: Buffer.from(ProtoPayload.encode(payload!).finish()).toString('base64'), keyId: Buffer.from(meta['encryption-key-id'] ?? []).toString() };
}

export async function openContactPerson(codec: PayloadCodec, sealed: string | null): Promise<ContactPerson | null> {
  if (!sealed) return null;
  const stored = ProtoPayload.decode(Buffer.from(sealed, 'base64'));
  const [plain] = await codec.decode([{ metadata: { ...stored.metadata }, data: stored.data }]);
  return JSON.parse(Buffer.from(plain!.data ?? []).toString('utf8')) as ContactPerson;
}

// ----- reads ------------------------------------------------------------------------------------

export function contactPointOf(db: Kysely<Database>, municipality: string): Promise<MunicipalityContact | undefined> {
  return db.selectFrom('municipality_contacts').selectAll().where('municipality', '=', municipality).executeTakeFirst();
}

export function findContactPoint(db: Kysely<Database>, id: string): Promise<MunicipalityContact | undefined> {
  return db.selectFrom('municipality_contacts').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface ContactPointFilter extends Page {
  /** Part of the municipality's name. */
  q?: string;
}

export function listContactPoints(db: Kysely<Database>, filter: ContactPointFilter): Promise<ListPage<MunicipalityContact>> {
  let query = db.selectFrom('municipality_contacts');
  if (filter.q) query = query.where('municipality', 'ilike', `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  return pageOf(db, query, (q) => q.selectAll().orderBy('municipality'), filter);
}

/** Municipalities of the locations register without a contact point: their letters would be held. */
export async function municipalitiesWithoutContactPoint(db: Kysely<Database>): Promise<string[]> {
  const rows = await db
    .selectFrom('locations as l')
    .leftJoin('municipality_contacts as m', 'm.municipality', 'l.municipality')
    .where('m.id', 'is', null)
    .select('l.municipality')
    .distinct()
    .orderBy('l.municipality')
    .execute();
  return rows.map((r) => r.municipality);
}

/** The names a contact point may be entered for: the Flemish municipalities and any in the locations register. */
export async function knownMunicipalities(db: Kysely<Database>, names: readonly string[]): Promise<Set<string>> {
  const known = new Set(flemishMunicipalities.map((m) => m.name).filter((n) => names.includes(n)));
  const asked = names.filter((n) => !known.has(n));
  if (asked.length === 0) return known;
  const rows = await db.selectFrom('locations').select('municipality').distinct().where('municipality', 'in', asked).execute();
  for (const r of rows) known.add(r.municipality);
  return known;
}

// ----- held letters -----------------------------------------------------------------------------

/** What marks an outbox row held for want of a contact point (its last_error). */
export const heldForContactPoint = 'wacht op het contactpunt van de gemeente';

/** The address a letter to a municipality is queued under until it goes out (not an e-mail address: the outbox leaves it). */
export const municipalityRecipient = (municipality: string) => `gemeente:${municipality}`;

/** The incident of one held letter: one per communication key, the same on every retry. */
export function heldLetterIncidentId(communicationKey: string): string {
  const h = createHash('sha256').update(`municipality-contact:${communicationKey}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Serialises holding and releasing a municipality's letters, so none is held just after its contact point came. */
export async function lockMunicipality(tx: Transaction<Database>, municipality: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`municipality-contact:${municipality}`}))`.execute(tx);
}

/** Marks a queued letter as held; false when it is no longer queued. */
export async function holdLetter(tx: Transaction<Database>, outboxId: string, municipality: string): Promise<boolean> {
  const held = await tx
    .updateTable('outbox_messages')
    .set({ last_error: `${heldForContactPoint} ${municipality}` })
    .where('id', '=', outboxId)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return Number(held.numUpdatedRows) > 0;
}

/**
 * Releases the letters held for a municipality to its contact point's address: the outbox sends
 * them (platform/outbox-dispatcher.ts, with the letter's PDF and the Message-ID of its key), their
 * incidents are resolved, and each dossier's timeline says so.
 */
async function releaseHeldLetters(tx: Transaction<Database>, municipality: string, email: string, actorId: string): Promise<{ outboxId: string; caseId: string }[]> {
  const released = await tx
    .updateTable('outbox_messages')
    .set({ recipient_address: email, last_error: null })
    .where('channel', '=', 'email')
    .where('status', '=', 'queued')
    .where('recipient_address', '=', municipalityRecipient(municipality))
    .where('last_error', 'like', `${heldForContactPoint}%`)
    .returning(['id', 'idempotency_key', 'subject', 'subject_id'])
    .execute();
  for (const r of released) {
    if (r.idempotency_key) await resolveIncident(tx, heldLetterIncidentId(r.idempotency_key));
    const dossier = await tx.selectFrom('enforcement_cases').select('dossier_id').where('id', '=', r.subject_id ?? '').executeTakeFirst();
    if (!dossier) continue;
    await appendTimelineEntry(tx, {
      dossier_id: dossier.dossier_id,
      occurred_at: new Date(),
      kind: 'communicatie',
      title: `Vrijgegeven voor het lokaal bestuur van ${municipality}: ${r.subject}`,
      details: { caseId: r.subject_id, outboxId: r.id, municipality },
      actor_id: actorId,
      idempotency_key: `municipality-contact:released:${r.id}`,
    });
  }
  return released.map((r) => ({ outboxId: r.id, caseId: r.subject_id ?? '' }));
}

// ----- changes ----------------------------------------------------------------------------------

export interface ContactPointChange {
  id: string;
  municipality: string;
  created: boolean;
  released: number;
}

/**
 * Enters or changes contact points in one transaction (all or nothing), each audited
 * (`municipality_contact.saved`, naming what changed but no address or person), and releases
 * the letters held for them.
 */
export async function saveContactPoints(
  db: Kysely<Database>,
  codec: PayloadCodec | undefined,
  inputs: readonly ContactPointInput[],
  by: { actorId: string; actorRole: string; requestId: string; via: 'upsert' | 'import' },
): Promise<ContactPointChange[]> {
  const sealed = await Promise.all(inputs.map(async (i) => {
    if (!i.contactPerson) return i.contactPerson;
    if (!codec) throw new Error('no key to seal the contact person (PAYLOAD_KEYS)');
    return seal(codec, i.contactPerson);
  }));
  return db.transaction().execute(async (tx) => {
    const changes: ContactPointChange[] = [];
    const audits: NewAuditEntry[] = [];
    // In one order of the names, so two imports never wait for each other's locks crosswise.
    const inOrder = [...inputs.entries()].sort(([, a], [, b]) => a.municipality.localeCompare(b.municipality));
    for (const [n, input] of inOrder) {
      await lockMunicipality(tx, input.municipality);
      const id = municipalitySlug(input.municipality);
      const before = await tx.selectFrom('municipality_contacts').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
      const person = sealed[n];
      const personColumns = person === undefined ? {} : { contact_sealed: person?.sealed ?? null, contact_key_id: person?.keyId ?? null };
      const row = { municipality: input.municipality, nis_code: input.nisCode, email: input.email, postal_address: input.postalAddress, updated_by: by.actorId, ...personColumns };
      await tx
        .insertInto('municipality_contacts')
        .values({ id, ...row })
        .onConflict((oc) => oc.column('id').doUpdateSet({ ...row, updated_at: sql`now()` }))
        .execute();
      const released = await releaseHeldLetters(tx, input.municipality, input.email, by.actorId);
      const changed: string[] = before ? (['nis_code', 'email', 'postal_address'] as const).filter((c) => before[c] !== row[c]) : ['created'];
      if (before && person !== undefined) changed.push('contact_person');
      audits.push({
        actor_id: by.actorId,
        actor_role: by.actorRole,
        action: 'municipality_contact.saved',
        subject_type: 'municipality_contact',
        subject_id: id,
        details: { municipality: input.municipality, via: by.via, changed, contactPerson: person === undefined ? 'unchanged' : person ? 'set' : 'none', released: released.map((r) => r.outboxId) },
        request_id: by.requestId,
        idempotency_key: `municipality-contact:${by.requestId}:${id}`,
      });
      changes.push({ id, municipality: input.municipality, created: !before, released: released.length });
    }
    for (const entry of audits) await recordAudit(tx, entry);
    return changes;
  });
}
