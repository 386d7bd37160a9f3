import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { PayloadCodec } from '@temporalio/common';
import { type Kysely, sql } from 'kysely';
import type { OutgoingLetter, SendingChannel } from '../../channels/clients.js';
import { recordAudit } from '../../db/repositories/audit.js';
import { appendTimelineEntry } from '../../db/repositories/timeline.js';
import type { Database } from '../../db/schema.js';
import type { OutboxMessage } from '../../db/tables/meldingen.js';
import type { CaseLocation, Communication } from '../../workflows/enforcement/definitions.js';
import type { TemplateName } from '../../workflows/shared/templates.js';
import { isPublicTemplate, letterLayout, letterTemplates, redact } from './letters.js';
import { contactsOf, eraseContacts } from '../../db/repositories/parent-contacts.js';
import { renderLetterPdf } from './pdf.js';
import { auditAction, systemActor } from '../records.js';
import { createIncidentActivities } from '../incidents.js';
import { contactPointOf, heldLetterIncidentId, holdLetter, lockMunicipality, municipalitySlug } from '../../db/repositories/municipalities.js';

/** What a letter needs to know of its location and organiser, and the personal data it must never show. */
export interface LetterContextData {
  locationName: string;
  publicName: string;
  kind: string;
  street: string;
  postalCode: string;
  municipality: string;
  organiserName: string;
  enterpriseNumber: string | null;
  /** Reporters of the location's reports: never in any letter. */
  reporterMarkers: string[];
  /** The organiser's contact (and name and location name for family childcare) and the parents: never in a public version. */
  privateMarkers: string[];
}

/** A communication of a case to send: what the case workflow asks the sendCommunication activity for. */
export interface CommunicationInput {
  key: string;
  caseId: string;
  location: CaseLocation;
  recipient: Communication['recipient'];
  channel: Communication['channel'];
  template: TemplateName;
  values: Record<string, string>;
}

export async function letterContextOf(db: Kysely<Database>, input: CommunicationInput, codec: PayloadCodec | undefined): Promise<LetterContextData> {
  const loc = await db
    .selectFrom('locations as l')
    .innerJoin('organisers as o', 'o.id', 'l.organiser_id')
    .select(['l.name', 'l.kind', 'l.street', 'l.house_number', 'l.postal_code', 'l.municipality', 'o.name as organiser_name', 'o.enterprise_number', 'o.email', 'o.phone'])
    .where('l.id', '=', input.location.locationId)
    .executeTakeFirst();
  const reporters = await db.selectFrom('meldingen').select('reporter').where('location_id', '=', input.location.locationId).where('reporter', 'is not', null).execute();
  const reporterMarkers = reporters.flatMap((r) => {
    const rep = (r.reporter ?? {}) as Record<string, unknown>;
    return [rep.name, rep.email, rep.phone].filter((v): v is string => typeof v === 'string' && v.length >= 3);
  });
  const family = (loc?.kind ?? 'groepsopvang') === 'gezinsopvang';
  const municipality = loc?.municipality ?? input.location.municipality;
  const publicName = family ? `Gezinsopvang in ${municipality}` : (loc?.name ?? input.location.locationName);
  const parents = isPublicTemplate(input.template) && codec ? await contactsOf(db, codec, input.location.locationId) : [];
  const privateMarkers = [
    loc?.email,
    loc?.phone,
    input.location.organiserEmail,
    ...(family ? [loc?.organiser_name, loc?.name, input.location.locationName, input.location.organiserName] : []),
    ...parents.flatMap((p) => [p.name, p.email]),
  ].filter((v): v is string => typeof v === 'string' && v.length >= 3);
  return {
    locationName: loc?.name ?? input.location.locationName,
    publicName,
    kind: loc?.kind ?? 'groepsopvang',
    street: loc ? `${loc.street} ${loc.house_number}` : '',
    postalCode: loc?.postal_code ?? '',
    municipality,
    organiserName: loc?.organiser_name ?? input.location.organiserName,
    enterpriseNumber: loc?.enterprise_number ? loc.enterprise_number : null,
    reporterMarkers,
    privateMarkers,
  };
}

/** The values a message is filled with: the public name and no personal data in a public version; never the reporter. */
export function publicValuesOf(template: TemplateName, values: Record<string, string>, ctx: LetterContextData): Record<string, string> {
  const pub = isPublicTemplate(template);
  const markers = pub ? [...ctx.reporterMarkers, ...ctx.privateMarkers] : ctx.reporterMarkers;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) out[k] = redact(v, markers);
  if (pub && values.location !== undefined) out.location = ctx.publicName;
  return out;
}

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export interface StoredDocument {
  id: string;
  sha256: string;
  pdf: Uint8Array;
  title: string;
  filename: string;
}

/** Renders a formal letter as PDF once per communication key; its SHA-256 goes into the audit log. */
export async function storeDocument(db: Kysely<Database>, input: CommunicationInput, values: Record<string, string>, ctx: LetterContextData, issuedAt: Date): Promise<StoredDocument | undefined> {
  const meta = letterTemplates[input.template];
  if (!meta) return undefined;
  const existing = await db.selectFrom('enforcement_documents').select(['id', 'sha256', 'pdf', 'title', 'template']).where('communication_key', '=', input.key).executeTakeFirst();
  const filename = `${input.template}-${input.caseId}.pdf`;
  if (existing) return { id: existing.id, sha256: existing.sha256, pdf: existing.pdf, title: existing.title, filename };
  const layout = letterLayout(input.template, values, {
    caseId: input.caseId,
    issuedAt: issuedAt.toISOString(),
    recipient: input.recipient,
    publicName: ctx.publicName,
    municipality: ctx.municipality,
    ...(meta.audience === 'organisator' ? { organiser: { name: ctx.organiserName, street: ctx.street, postalCode: ctx.postalCode, municipality: ctx.municipality } } : {}),
  })!;
  const pdf = await renderLetterPdf(layout);
  const sha256 = sha256Hex(pdf);
  const id = `DOC-${sha256Hex(Buffer.from(input.key)).slice(0, 20).toUpperCase()}`;
  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto('enforcement_documents')
      .values({ id, communication_key: input.key, case_id: input.caseId, dossier_id: input.location.dossierId, template: input.template, audience: meta.audience, title: layout.title, sha256, bytes: pdf.length, pdf: Buffer.from(pdf) })
      .onConflict((oc) => oc.column('communication_key').doNothing())
      .execute();
    const details = { documentId: id, template: input.template, audience: meta.audience, sha256, bytes: pdf.length, recipient: input.recipient, channel: input.channel };
    await auditAction(tx, { actor: systemActor, action: 'handhaving.document' }, { type: 'handhaving', id: input.caseId }, details, `document:${input.key}`);
  });
  const stored = await db.selectFrom('enforcement_documents').select(['id', 'sha256', 'pdf', 'title']).where('communication_key', '=', input.key).executeTakeFirstOrThrow();
  return { id: stored.id, sha256: stored.sha256, pdf: stored.pdf, title: stored.title, filename };
}

/**
 * The municipality's contact point (lokaal loket kinderopvang) from its register
 * (db/repositories/municipalities.ts). Without one the letter is held, never sent to a made-up
 * address and never retried: its outbox row stays queued, marked, and an incident of kind
 * `gegevens` tells the admins (and the team coordinator) what to enter; entering the contact point
 * releases the letter to the outbox, which sends it (docs/letters.md, "The municipality").
 * Checked again under the municipality's lock, so a contact point entered meanwhile is used.
 */
async function contactPointOrHold(db: Kysely<Database>, input: CommunicationInput, row: OutboxMessage, municipality: string): Promise<{ email: string } | undefined> {
  const found = await contactPointOf(db, municipality);
  if (found) return found;
  const info = Context.current().info;
  return db.transaction().execute(async (tx) => {
    await lockMunicipality(tx, municipality);
    const entered = await contactPointOf(tx, municipality);
    if (entered) return entered;
    if (!(await holdLetter(tx, row.id, municipality))) return undefined;
    const incidentId = heldLetterIncidentId(input.key);
    await createIncidentActivities(tx).raiseIncident({
      incidentId,
      workflowId: info.workflowExecution?.workflowId ?? '',
      runId: info.workflowExecution?.runId ?? '',
      workflowType: info.workflowType ?? '',
      activityType: 'sendCommunication',
      kind: 'gegevens',
      errorType: 'GeenContactpuntGemeente',
      message: `Geen contactpunt voor de gemeente ${municipality}: "${row.subject}" aan het lokaal bestuur wacht. Vul het contactpunt in (Beheer, Gemeenten; PUT /municipality-contacts/${municipalitySlug(municipality)}): de brief vertrekt dan vanzelf en dit incident is opgelost. Opnieuw proberen helpt niet.`,
      attempts: 1,
      teamId: input.location.teamId,
      dossierId: input.location.dossierId,
      alert: {
        subject: `Brief aan de gemeente ${municipality} wacht: geen contactpunt`,
        body: `"${row.subject}" (handhaving ${input.caseId}) gaat naar het lokaal bestuur van ${municipality}, maar die gemeente heeft geen contactpunt. Een beheerder vult het in; de brief vertrekt dan vanzelf (incident ${incidentId}).`,
        timelineTitle: `Brief aan het lokaal bestuur van ${municipality} wacht op een contactpunt`,
      },
    });
    const details = { municipality, outboxId: row.id, incidentId, template: input.template };
    await auditAction(tx, { actor: systemActor, action: 'handhaving.letter.held' }, { type: 'handhaving', id: input.caseId }, details, `held:${input.key}`);
    return undefined;
  });
}

interface DeliverDeps {
  db: Kysely<Database>;
  channels: Partial<Record<'aangetekende_brief' | 'ebox' | 'email', SendingChannel>>;
  contactCodec?: PayloadCodec;
  holdAfterSend: (channel: string, key: string) => Promise<void>;
}

/**
 * Sends a letter through its channel, once per key: a send already recorded is not repeated, and
 * a send that reached the channel but was not recorded (a crash in between) is repeated with the
 * same key, which the channel de-duplicates. Undefined when no channel takes it (it stays queued).
 */
export async function deliverToChannel(
  deps: DeliverDeps,
  input: CommunicationInput,
  parts: { row: OutboxMessage; message: { subject: string; body: string }; document: StoredDocument | undefined; ctx: LetterContextData },
): Promise<Communication['status'] | undefined> {
  const { db, channels } = deps;
  const { row, message, document, ctx } = parts;
  const stepWorkflowId = Context.current().info.workflowExecution?.workflowId ?? '';
  const targets: { key: string; channel: SendingChannel; contactId: string | null; recipient: OutgoingLetter['recipient'] }[] = [];
  const organiser = { name: ctx.organiserName, addressLines: [ctx.street, `${ctx.postalCode} ${ctx.municipality}`], enterpriseNumber: ctx.enterpriseNumber };
  if (input.channel === 'aangetekende_brief' && input.recipient === 'organisator' && channels.aangetekende_brief && document) {
    targets.push({ key: input.key, channel: channels.aangetekende_brief, contactId: null, recipient: organiser });
  } else if (input.channel === 'ebox' && channels.ebox && document) {
    targets.push({ key: input.key, channel: channels.ebox, contactId: null, recipient: organiser });
  } else if (input.channel === 'email' && input.recipient === 'ouders' && channels.email && deps.contactCodec) {
    for (const c of await contactsOf(db, deps.contactCodec, input.location.locationId)) {
      targets.push({ key: `${input.key}:contact:${c.id}`, channel: channels.email, contactId: c.id, recipient: { name: c.name, addressLines: [], email: c.email } });
    }
  } else if (input.channel === 'email' && input.recipient === 'lokaal_bestuur') {
    const point = await contactPointOrHold(db, input, row, ctx.municipality);
    // Held for want of a contact point, or no SMTP: the message stays queued (visible as such).
    if (!point || !channels.email) return undefined;
    targets.push({ key: input.key, channel: channels.email, contactId: null, recipient: { name: `Lokaal bestuur ${ctx.municipality}`, addressLines: [], email: point.email } });
  } else {
    return undefined;
  }
  // No parent contacts given: nobody to send to; the message stays queued (visible as such).
  if (targets.length === 0) return undefined;
  for (const t of targets) {
    const done = await db.selectFrom('channel_dispatches').select('key').where('key', '=', t.key).executeTakeFirst();
    if (done) continue;
    const result = await t.channel.send({
      key: t.key,
      reference: `${input.caseId}/${document?.id ?? row.id}`,
      subject: message.subject,
      body: message.body,
      recipient: t.recipient,
      pdf: document?.pdf ?? new Uint8Array(),
      sha256: document?.sha256 ?? '',
      filename: document?.filename ?? 'bericht.pdf',
    });
    await deps.holdAfterSend(t.channel.name, t.key);
    await db.transaction().execute(async (tx) => {
      await tx
        .insertInto('channel_dispatches')
        .values({
          key: t.key,
          communication_key: input.key,
          case_id: input.caseId,
          dossier_id: input.location.dossierId,
          step_workflow_id: stepWorkflowId,
          channel: t.channel.name,
          recipient: input.recipient,
          contact_id: t.contactId,
          document_id: document?.id ?? null,
          provider_ref: result.providerRef,
          status: result.status,
          presented_on: result.presentedOn ?? null,
        })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
      // A parent is named by the id of the contact only.
      const details = { channel: t.channel.name, recipient: input.recipient, contactId: t.contactId, providerRef: result.providerRef, documentId: document?.id ?? null, sha256: document?.sha256 ?? null };
      await auditAction(tx, { actor: systemActor, action: 'handhaving.letter.dispatched' }, { type: 'handhaving', id: input.caseId }, details, `dispatch:${t.key}`);
    });
  }
  await db.updateTable('outbox_messages').set({ status: 'sent', sent_at: sql<Date>`coalesce(sent_at, now())`, attempts: sql<number>`attempts + 1` }).where('id', '=', row.id).where('status', '=', 'queued').execute();
  return 'sent';
}

export interface ReplacementCapacityRecord {
  key: string;
  decisionId: string;
  caseId: string;
  location: CaseLocation;
  places: number;
  startsOn: string;
  endsOn: string;
  endsAt: string;
  extended: boolean;
  status: 'lopend' | 'verlengd' | 'afgelopen' | 'beeindigd';
  workflowId: string;
  title: string;
  actor: { id: string; role: string };
}

export function createLetterActivities(deps: DeliverDeps) {
  const { db } = deps;
  return {
    /** The parents' contacts are no longer needed (the case closed): erased, and that is recorded. */
    async eraseParentContacts(e: { key: string; caseId: string; location: CaseLocation }): Promise<{ erased: number }> {
      const erased = await eraseContacts(db, e.location.locationId);
      await db.transaction().execute(async (tx) => {
        await auditAction(tx, { actor: systemActor, action: 'handhaving.parent_contacts.erased' }, { type: 'location', id: e.location.locationId }, { caseId: e.caseId, erased }, e.key);
        await appendTimelineEntry(tx, { dossier_id: e.location.dossierId, occurred_at: new Date(), kind: 'handhaving', title: 'Contactgegevens van ouders gewist (niet langer nodig)', details: { caseId: e.caseId, erased }, actor_id: null, idempotency_key: e.key });
      });
      return { erased };
    },

    /** The replacement capacity's state in the register per municipality, and on the dossier's timeline. */
    async saveReplacementCapacity(r: ReplacementCapacityRecord): Promise<void> {
      await db.transaction().execute(async (tx) => {
        await tx
          .insertInto('replacement_capacities')
          .values({ decision_id: r.decisionId, case_id: r.caseId, location_id: r.location.locationId, dossier_id: r.location.dossierId, municipality: r.location.municipality, places: r.places, starts_on: r.startsOn, ends_on: r.endsOn, ends_at: new Date(r.endsAt), extended: r.extended, status: r.status, workflow_id: r.workflowId })
          .onConflict((oc) => oc.column('decision_id').doUpdateSet({ ends_on: r.endsOn, ends_at: new Date(r.endsAt), extended: r.extended, status: r.status, updated_at: new Date() }))
          .execute();
        await appendTimelineEntry(tx, { dossier_id: r.location.dossierId, occurred_at: new Date(), kind: 'handhaving', title: r.title, details: { caseId: r.caseId, decisionId: r.decisionId, places: r.places, endsOn: r.endsOn, status: r.status }, actor_id: r.actor.id === 'systeem' ? null : r.actor.id, idempotency_key: r.key });
        await recordAudit(tx, { actor_id: r.actor.id, actor_role: r.actor.role, action: `handhaving.replacement_capacity.${r.status}`, subject_type: 'handhaving', subject_id: r.caseId, details: { decisionId: r.decisionId, places: r.places, endsOn: r.endsOn, extended: r.extended }, request_id: null, idempotency_key: r.key });
      });
    },
  };
}
