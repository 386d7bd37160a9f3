import type { FastifyInstance, FastifyRequest } from 'fastify';
import { recordAudit } from '../../db/repositories/audit.js';
import {
  type ContactPerson,
  type ContactPointInput,
  contactEmailPattern,
  findContactPoint,
  knownMunicipalities,
  listContactPoints,
  municipalitiesWithoutContactPoint,
  municipalitySlug,
  nisCodePattern,
  openContactPerson,
  phonePattern,
  saveContactPoints,
} from '../../db/repositories/municipalities.js';
import type { MunicipalityContact } from '../../db/tables/municipalities.js';
import type { AppDependencies } from '../dependencies.js';
import { actorOf } from '../plugins/auth.js';
import { HttpProblem, notFound, type ProblemField, problemTypes, unavailable } from '../problems.js';
import { contactPointBody, contactPointRef, contactPointSchema, importAnswer, importBody, listPage, listQuery, municipalityParams } from '../schemas/municipalities.js';
import { protectedRoutes } from './route-options.js';
import { CsvFormatError, type CsvRecord, csvRecords } from '../../db/csv.js';

/**
 * The municipalities' contact points (lokaal loket kinderopvang, issue 13): where the letters to
 * local government go (docs/letters.md, "The municipality"). Admins only; every change and every
 * read of one (it may show a contact person) is audited. Entering a contact point releases the
 * letters that waited for it.
 */

type Row = Record<string, unknown>;

const fieldsOfRow = ['municipality', 'nisCode', 'email', 'postalAddress', 'contactPerson'] as const;
const control = /[\u0000-\u0009\u000B-\u001F\u007F]/;

function toView(c: MunicipalityContact) {
  return {
    id: c.id,
    municipality: c.municipality,
    nisCode: c.nis_code,
    email: c.email,
    postalAddress: c.postal_address,
    hasContactPerson: c.contact_sealed !== null,
    updatedAt: c.updated_at.toISOString(),
    updatedBy: c.updated_by,
  };
}

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : v);
const optional = (v: unknown) => (v === undefined || v === null || text(v) === '' ? null : text(v));

/** One contact person as it comes; a problem in words, or the person (null: none, undefined: keep the one recorded). */
function contactPersonOf(v: unknown): { person?: ContactPerson | null; problem?: string } {
  if (v === undefined) return {};
  if (v === null) return { person: null };
  if (typeof v !== 'object' || Array.isArray(v)) return { problem: 'contactPerson must be an object {name, email, phone} or null' };
  const p = v as Row;
  const extra = Object.keys(p).filter((k) => !['name', 'email', 'phone'].includes(k));
  if (extra.length > 0) return { problem: `contactPerson has an unknown field ${extra[0]}` };
  const [name, email, phone] = [optional(p.name), optional(p.email), optional(p.phone)];
  if (name === null && email === null && phone === null) return { person: null };
  if (typeof name !== 'string' || name.length > 200 || control.test(name)) return { problem: 'contactPerson.name is missing, longer than 200 characters or has a control character' };
  if (email !== null && (typeof email !== 'string' || email.length > 200 || !contactEmailPattern.test(email))) return { problem: 'contactPerson.email is not an e-mail address' };
  if (phone !== null && (typeof phone !== 'string' || !phonePattern.test(phone))) return { problem: 'contactPerson.phone is not a phone number' };
  return { person: { name, email: email === null ? null : email.toLowerCase(), phone } };
}

/** One row checked: the contact point, or why it is refused (each problem with its field). */
function checkRow(raw: Row, known: Set<string>): { input?: ContactPointInput; problems: ProblemField[] } {
  const problems: ProblemField[] = [];
  const refuse = (field: string, message: string) => problems.push({ field, message });
  for (const k of Object.keys(raw)) if (!(fieldsOfRow as readonly string[]).includes(k)) refuse(k, 'is not a field of a contact point');
  const municipality = text(raw.municipality);
  if (typeof municipality !== 'string' || municipality === '' || municipality.length > 100 || control.test(municipality)) refuse('municipality', 'is missing or not a name');
  else if (!known.has(municipality)) refuse('municipality', `"${municipality}" is not a Flemish municipality nor one of the locations register`);
  const email = text(raw.email);
  if (typeof email !== 'string' || email.length > 200 || !contactEmailPattern.test(email)) refuse('email', 'is missing or not an e-mail address');
  const nisCode = optional(raw.nisCode);
  if (nisCode !== null && (typeof nisCode !== 'string' || !nisCodePattern.test(nisCode))) refuse('nisCode', 'is not a NIS code of 5 digits');
  const postalAddress = optional(raw.postalAddress);
  if (postalAddress !== null && (typeof postalAddress !== 'string' || postalAddress.length > 500 || control.test(postalAddress.replace(/\r\n/g, '\n')))) refuse('postalAddress', 'is longer than 500 characters or has a control character');
  const { person, problem } = contactPersonOf(raw.contactPerson);
  if (problem) refuse('contactPerson', problem);
  if (problems.length > 0) return { problems };
  return {
    problems,
    input: {
      municipality: municipality as string,
      nisCode: nisCode as string | null,
      email: (email as string).toLowerCase(),
      postalAddress: (postalAddress as string | null)?.replace(/\r\n/g, '\n') ?? null,
      ...('contactPerson' in raw ? { contactPerson: person ?? null } : {}),
    },
  };
}

/**
 * The rows of an import, all or nothing: every row is checked (the municipality known, the
 * addresses well-formed, no municipality twice); one refused row refuses the import with 400,
 * naming each refused row by its number (`row` 1-based, or the file's line) and why.
 */
async function checkImport(db: AppDependencies['db'], rows: Row[], label: (index: number) => string): Promise<ContactPointInput[]> {
  const known = await knownMunicipalities(db, rows.map((r) => text(r.municipality)).filter((m): m is string => typeof m === 'string'));
  const problems: ProblemField[] = [];
  const firstRow = new Map<string, number>();
  const inputs: ContactPointInput[] = [];
  rows.forEach((raw, i) => {
    const checked = checkRow(raw, known);
    for (const p of checked.problems) problems.push({ field: `${label(i)}.${p.field}`, message: p.message });
    if (!checked.input) return;
    const slug = municipalitySlug(checked.input.municipality);
    const first = firstRow.get(slug);
    if (first !== undefined) problems.push({ field: `${label(i)}.municipality`, message: `names ${checked.input.municipality} again (first in ${label(first)})` });
    else firstRow.set(slug, i);
    inputs.push(checked.input);
  });
  if (problems.length > 0) {
    const refused = [...new Set(problems.map((p) => p.field.split('.').slice(0, -1).join('.')))];
    throw new HttpProblem(400, problemTypes.validation, 'Bad Request', `Nothing was imported: ${refused.length} of ${rows.length} rows are refused: ${problems.slice(0, 5).map((p) => `${p.field} ${p.message}`).join('; ')}`, { errors: problems.slice(0, 200) });
  }
  return inputs;
}

// ----- CSV ----------------------------------------------------------------------------------------

/** The columns a CSV file may have, by their Dutch or English header. */
const csvColumns: Record<string, string> = {
  gemeente: 'municipality', municipality: 'municipality',
  email: 'email', 'e-mail': 'email', 'e-mailadres': 'email',
  nis: 'nisCode', niscode: 'nisCode', nis_code: 'nisCode', 'nis-code': 'nisCode',
  postadres: 'postalAddress', postal_address: 'postalAddress', adres: 'postalAddress',
  contactpersoon: 'contactPerson.name', contact_person: 'contactPerson.name',
  contact_email: 'contactPerson.email', 'contact_e-mail': 'contactPerson.email',
  contact_telefoon: 'contactPerson.phone', contact_phone: 'contactPerson.phone',
};

/** The file's rows as import rows, keyed like the JSON import. */
function rowsOfCsv(source: string): Row[] {
  let records: CsvRecord[];
  try {
    records = csvRecords(source);
  } catch (err) {
    if (!(err instanceof CsvFormatError)) throw err;
    throw new HttpProblem(400, problemTypes.validation, 'Bad Request', `Nothing was imported: ${err.message}`, { errors: [{ field: `line ${err.line}`, message: err.message }] });
  }
  const header = records[0]?.cells;
  const lines = records.slice(1).map((r) => r.cells);
  const names = (header ?? []).map((h) => csvColumns[h.trim().toLowerCase()]);
  const unknown = (header ?? []).filter((_, i) => names[i] === undefined);
  if (!header || !names.includes('municipality') || !names.includes('email') || unknown.length > 0) {
    const detail = unknown.length > 0 ? `unknown columns: ${unknown.slice(0, 5).join(', ')}` : 'the header must name the columns gemeente and email';
    throw new HttpProblem(400, problemTypes.validation, 'Bad Request', `Nothing was imported: ${detail}`, { errors: [{ field: 'line 1', message: detail }] });
  }
  return lines.map((cells) => {
    const row: Row = {};
    names.forEach((name, i) => {
      const [key, sub] = name!.split('.');
      if (sub) row[key!] = { ...(row[key!] as Row | undefined), [sub]: cells[i] ?? '' };
      else row[key!] = cells[i] ?? '';
    });
    return row;
  });
}

// ----- routes -------------------------------------------------------------------------------------

export default async function municipalityRoutes(app: FastifyInstance, deps: AppDependencies) {
  const route = protectedRoutes('municipalities', ['admin']);
  app.addSchema(contactPointSchema);
  // The admins' file of contact points, as it comes: CSV (text/csv), in this plugin only.
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  const codec = () => deps.codecServer?.codec;

  async function save(request: FastifyRequest, inputs: ContactPointInput[], via: 'upsert' | 'import') {
    if (inputs.some((i) => i.contactPerson) && !codec()) throw unavailable('No key to encrypt a contact person is configured (PAYLOAD_KEYS)');
    const actor = actorOf(request);
    return saveContactPoints(deps.db, codec(), inputs, { actorId: actor.id, actorRole: actor.role, requestId: request.id, via });
  }

  async function imported(request: FastifyRequest, rows: Row[], label: (index: number) => string) {
    const changes = await save(request, await checkImport(deps.db, rows, label), 'import');
    const created = changes.filter((c) => c.created).length;
    return { imported: changes.length, created, updated: changes.length - created, released: changes.reduce((n, c) => n + c.released, 0) };
  }

  app.get<{ Querystring: { q?: string; limit: number; offset: number } }>('/municipality-contacts', route({
    summary: 'The municipalities\' contact points (lokaal loket kinderopvang) by name, and the municipalities of the locations register that have none',
    querystring: listQuery,
    response: { 200: listPage },
    problems: [400],
  }), async (request) => {
    const { limit, offset } = request.query;
    const page = await listContactPoints(deps.db, request.query);
    return { ...page, items: page.items.map(toView), limit, offset, withoutContactPoint: await municipalitiesWithoutContactPoint(deps.db) };
  });

  app.get<{ Params: { municipalityId: string } }>('/municipality-contacts/:municipalityId', route({
    summary: 'One municipality\'s contact point, with its contact person (the read is audited)',
    params: municipalityParams,
    response: { 200: contactPointRef },
    problems: [400, 404],
  }), async (request) => {
    const row = await findContactPoint(deps.db, request.params.municipalityId);
    if (!row) throw notFound(`Contact point ${request.params.municipalityId}`);
    const c = codec();
    if (row.contact_sealed && !c) throw unavailable('No key to decrypt the contact person is configured (PAYLOAD_KEYS)');
    const contactPerson = c ? await openContactPerson(c, row.contact_sealed) : null;
    const actor = actorOf(request);
    await recordAudit(deps.db, {
      actor_id: actor.id, actor_role: actor.role, action: 'municipality_contact.read', subject_type: 'municipality_contact', subject_id: row.id,
      details: { contactPerson: contactPerson !== null }, request_id: request.id, idempotency_key: `municipality-contact-read:${request.id}`,
    });
    return { ...toView(row), contactPerson };
  });

  app.put<{ Params: { municipalityId: string }; Body: Row }>('/municipality-contacts/:municipalityId', route({
    summary: 'Enter or change a municipality\'s contact point; letters that waited for it go out',
    description: 'The id is the municipality\'s slug (`sint-niklaas` for Sint-Niklaas). `contactPerson` left out keeps the one recorded; null erases it. Audited as municipality_contact.saved.',
    params: municipalityParams,
    body: contactPointBody,
    response: { 200: contactPointRef, 201: contactPointRef },
    problems: [400],
  }), async (request, reply) => {
    const [input] = await checkImport(deps.db, [request.body], () => 'body');
    if (municipalitySlug(input!.municipality) !== request.params.municipalityId) {
      throw new HttpProblem(400, problemTypes.validation, 'Bad Request', `The contact point of ${input!.municipality} has the id ${municipalitySlug(input!.municipality)}, not ${request.params.municipalityId}`, { errors: [{ field: 'body.municipality', message: 'does not match the id in the path' }] });
    }
    const [change] = await save(request, [input!], 'upsert');
    const row = await findContactPoint(deps.db, change!.id);
    return reply.code(change!.created ? 201 : 200).send(toView(row!));
  });

  app.post<{ Body: { rows: Row[] } }>('/municipality-contacts/import', route({
    summary: 'Import contact points (JSON rows): all or nothing; a refused row is named with its reason',
    description: 'Each row as the PUT body. One refused row refuses the import (400, `errors[].field` = `body.rows.<index>.<field>`); otherwise every row is entered or changed, each audited, and the letters that waited for them go out.',
    body: importBody,
    response: { 200: importAnswer },
    problems: [400],
  }), async (request) => imported(request, request.body.rows, (i) => `body.rows.${i}`));

  app.post<{ Body: string }>('/municipality-contacts/upload', route({
    summary: 'Import contact points from a file (text/csv): all or nothing; a refused line is named with its reason',
    description: 'A header line naming the columns (`;` or `,` separated): gemeente, email, and optionally nis, postadres, contactpersoon, contact_email, contact_telefoon. Quoted fields may hold line breaks (a postal address). One refused line refuses the file (400, `errors[].field` = `row <n>.<field>`, rows counted after the header).',
    consumes: ['text/csv'],
    body: { type: 'string', minLength: 1, maxLength: 1_000_000 },
    response: { 200: importAnswer },
    problems: [400, 415],
  }), async (request) => {
    if (typeof request.body !== 'string') throw new HttpProblem(415, problemTypes.unsupportedMediaType, 'Unsupported Media Type', 'Send the file as text/csv');
    const rows = rowsOfCsv(request.body);
    if (rows.length === 0) throw new HttpProblem(400, problemTypes.validation, 'Bad Request', 'Nothing was imported: the file has no rows', { errors: [{ field: 'line 2', message: 'no row' }] });
    if (rows.length > 1000) throw new HttpProblem(400, problemTypes.validation, 'Bad Request', 'Nothing was imported: at most 1000 rows at once', { errors: [{ field: 'body', message: 'more than 1000 rows' }] });
    return imported(request, rows, (i) => `row ${i + 1}`);
  });
}
