import type { PayloadCodec } from '@temporalio/common';
import protos from '@temporalio/proto';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { emailAddressPattern } from '../contact-formats.js';
import { CsvFormatError, type CsvRecord, csvRecords } from '../csv.js';

/**
 * The parents' contacts of a location (issue 13): given by the organiser, used only to inform
 * parents of enforcement, kept encrypted and erased when no longer needed. They are sealed with
 * the payload codec (platform/payload-codec.ts: AES-256-GCM, PAYLOAD_KEYS with rotation by key id), so
 * there is one key ring to manage, and the database holds no address in plain text.
 */
export interface ParentContact {
  name: string;
  email: string;
}

const ProtoPayload = protos.temporal.api.common.v1.Payload;
const enc = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

/** How long contacts are kept at most when no case erases them earlier (assumption, docs/letters.md). */
export const contactRetentionDays = 365;

export async function sealContact(codec: PayloadCodec, contact: ParentContact): Promise<{ sealed: string; keyId: string }> {
  const [payload] = await codec.encode([{ metadata: { encoding: enc('json/plain') }, data: enc(JSON.stringify({ name: contact.name, email: contact.email })) }]);
  const keyId = Buffer.from(payload!.metadata?.['encryption-key-id'] ?? new Uint8Array()).toString('utf8');
  if (Buffer.from(payload!.metadata?.encoding ?? new Uint8Array()).toString('utf8') !== 'binary/encrypted') throw new Error('the codec did not encrypt the contact');
  return { sealed: Buffer.from(ProtoPayload.encode(payload!).finish()).toString('base64'), keyId };
}

export async function openContact(codec: PayloadCodec, sealed: string): Promise<ParentContact> {
  const payload = ProtoPayload.decode(Buffer.from(sealed, 'base64'));
  const [plain] = await codec.decode([{ metadata: { ...payload.metadata }, data: payload.data }]);
  return JSON.parse(Buffer.from(plain!.data ?? new Uint8Array()).toString('utf8')) as ParentContact;
}

export async function contactsOf(db: Kysely<Database>, codec: PayloadCodec, locationId: string): Promise<(ParentContact & { id: string })[]> {
  const rows = await db.selectFrom('parent_contacts').select(['id', 'sealed']).where('location_id', '=', locationId).orderBy('id').execute();
  return Promise.all(rows.map(async (r) => ({ id: r.id, ...(await openContact(codec, r.sealed)) })));
}

/** Erases a location's contacts (and any kept past their date anywhere): they are no longer needed. */
export async function eraseContacts(db: Kysely<Database>, locationId: string): Promise<number> {
  const a = await db.deleteFrom('parent_contacts').where('location_id', '=', locationId).executeTakeFirst();
  const b = await db.deleteFrom('parent_contacts').where('erase_after', '<', new Date()).executeTakeFirst();
  return Number(a.numDeletedRows) + Number(b.numDeletedRows);
}

/** The CSV the organiser gives: a header with `naam` (or name) and `email` (or e-mail), `;` or `,` separated. */
export function parseContactsCsv(text: string): { contacts: ParentContact[]; errors: { line: number; message: string }[] } {
  let records: CsvRecord[];
  try {
    records = csvRecords(text);
  } catch (err) {
    if (err instanceof CsvFormatError) return { contacts: [], errors: [{ line: err.line, message: err.message }] };
    throw err;
  }
  const [head, ...rows] = records;
  if (!head) return { contacts: [], errors: [{ line: 1, message: 'the file is empty' }] };
  const header = head.cells.map((h) => h.trim().toLowerCase());
  const nameAt = header.findIndex((h) => h === 'naam' || h === 'name');
  const emailAt = header.findIndex((h) => h === 'email' || h === 'e-mail' || h === 'e-mailadres');
  if (nameAt < 0 || emailAt < 0) return { contacts: [], errors: [{ line: 1, message: 'the header must name the columns naam and email' }] };
  const errors: { line: number; message: string }[] = [];
  const contacts: ParentContact[] = [];
  for (const { line, cells } of rows) {
    const contact = { name: cells[nameAt]?.trim() ?? '', email: cells[emailAt]?.trim() ?? '' };
    const problem = checkContact(contact);
    if (problem) errors.push({ line, message: problem });
    else contacts.push({ name: contact.name, email: contact.email.toLowerCase() });
  }
  return { contacts, errors };
}


export function checkContact(c: ParentContact): string | undefined {
  if (!c.name || c.name.length > 200) return 'naam is empty or longer than 200 characters';
  if (/[\u0000-\u001F\u007F]/.test(c.name + c.email)) return 'contains a control character';
  if (!emailAddressPattern.test(c.email) || c.email.length > 200) return `"${c.email.slice(0, 60)}" is not an e-mail address`;
  return undefined;
}
