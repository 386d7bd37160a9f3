import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { checkContact, contactRetentionDays, contactsOf, eraseContacts, type ParentContact, parseContactsCsv, sealContact } from '../../db/repositories/parent-contacts.js';
import { recordAudit } from '../../db/repositories/audit.js';
import { scopes } from '../access/scope.js';
import { auditRead, viewerOf } from '../access/viewer.js';
import { findCase } from '../../db/repositories/enforcement.js';
import type { Role } from '../../db/tables/reference.js';
import type { AppDependencies } from '../dependencies.js';
import { actorOf } from '../plugins/auth.js';
import { forbidden, HttpProblem, notFound, problemTypes, unavailable } from '../problems.js';
import { closedObject, idParams } from '../schemas/common.js';
import { caseParams } from '../schemas/handhaving.js';
import { protectedRoutes } from './route-options.js';

const readers: Role[] = ['klantenbeheerder', 'teamcoordinator', 'crisiscoordinator', 'jurist', 'admin'];
/** Parents' contacts: only the staff of the location's own team (checked per request against the dossier's team). */
const contactRoles: Role[] = ['klantenbeheerder', 'teamcoordinator'];

const caseReaderRoute = protectedRoutes('handhaving', readers);
const contactRoute = protectedRoutes('locations', contactRoles);

const locationParams = idParams('locationId');
const contactSchema = closedObject({ name: { type: 'string', minLength: 1, maxLength: 200 }, email: { type: 'string', format: 'email', maxLength: 200 } }, ['name', 'email']);
const importMode = { type: 'string', enum: ['replace', 'add'], default: 'replace' } as const;
const importAnswer = {
  type: 'object',
  properties: {
    locationId: { type: 'string' },
    imported: { type: 'integer' },
    total: { type: 'integer' },
    eraseAfter: { type: 'string' },
    rejected: { type: 'array', items: { type: 'object', properties: { line: { type: 'integer' }, message: { type: 'string' } } } },
  },
} as const;

/**
 * Issue 13: letters as documents (download), the parents' contacts (import, upload, read, erase),
 * the information session for parents, and the municipalities' replacement capacity.
 */
function routeKit(app: FastifyInstance, deps: AppDependencies) {
  /** A case in the caller's scope (api/access/scope.ts): outside it, 404 as for an unknown id. */
  async function requireCase(request: FastifyRequest, id: string) {
    const viewer = await viewerOf(request, deps.db);
    const row = await findCase(deps.db, id, scopes.enforcementCases(viewer));
    if (!row) throw notFound(`Case ${id}`);
    if (viewer.breakGlass) await auditRead(deps.db, request, viewer, 'handhaving.read', 'handhaving', row.id);
    return row;
  }

  /**
   * Scope of the parents' contacts: a case manager or team coordinator of the team that holds the
   * location's dossier: narrower than the dossier scope of api/access/scope.ts (no break-glass, no
   * jurist, no own-case exception), since the contacts are for this purpose only.
   */
  async function requireTeamStaff(request: FastifyRequest, locationId: string): Promise<{ dossierId: string; teamId: string }> {
    const actor = actorOf(request);
    const dossier = await deps.db.selectFrom('dossiers').select(['id', 'team_id']).where('location_id', '=', locationId).executeTakeFirst();
    if (!dossier) throw notFound(`Location ${locationId}`);
    const viewer = await viewerOf(request, deps.db);
    if (viewer.teamId !== dossier.team_id || actor.id !== viewer.id) throw forbidden(`Only staff of team ${dossier.team_id}, which holds the dossier of ${locationId}, may handle its parents' contacts`);
    return { dossierId: dossier.id, teamId: dossier.team_id };
  }

  function codec() {
    const c = deps.codecServer?.codec;
    if (!c) throw unavailable('No key to encrypt parents\' contacts is configured (PAYLOAD_KEYS)');
    return c;
  }

  async function importContacts(request: FastifyRequest, locationId: string, contacts: ParentContact[], mode: 'replace' | 'add', rejected: { line: number; message: string }[]) {
    const { dossierId } = await requireTeamStaff(request, locationId);
    const actor = actorOf(request);
    const existing = mode === 'add' ? await contactsOf(deps.db, codec(), locationId) : [];
    const seen = new Set(existing.map((c) => c.email.toLowerCase()));
    const fresh = contacts.filter((c) => {
      const e = c.email.toLowerCase();
      if (seen.has(e)) return false;
      seen.add(e);
      return true;
    });
    const sealed = await Promise.all(fresh.map((c) => sealContact(codec(), { name: c.name, email: c.email.toLowerCase() })));
    const eraseAfter = new Date(Date.now() + contactRetentionDays * 86_400_000);
    await deps.db.transaction().execute(async (tx) => {
      if (mode === 'replace') await tx.deleteFrom('parent_contacts').where('location_id', '=', locationId).execute();
      if (sealed.length > 0) {
        await tx.insertInto('parent_contacts').values(sealed.map((s) => ({ id: `PC-${randomUUID()}`, location_id: locationId, sealed: s.sealed, key_id: s.keyId, imported_by: actor.id, erase_after: eraseAfter }))).execute();
      }
      await recordAudit(tx, {
        actor_id: actor.id, actor_role: actor.role, action: 'location.parent_contacts.imported', subject_type: 'location', subject_id: locationId,
        details: { dossierId, mode, imported: sealed.length, rejected: rejected.length }, request_id: request.id, idempotency_key: `parent-contacts:${request.id}`,
      });
    });
    const total = await deps.db.selectFrom('parent_contacts').select((eb) => eb.fn.countAll<string>().as('n')).where('location_id', '=', locationId).executeTakeFirstOrThrow();
    return { locationId, imported: sealed.length, total: Number(total.n), eraseAfter: eraseAfter.toISOString(), rejected };
  }

  return { requireCase, importContacts, requireTeamStaff, codec };
}

type Kit = ReturnType<typeof routeKit>;

function documentRoutes(app: FastifyInstance, deps: AppDependencies, { requireCase }: Kit) {
  // ----- documents -----

  app.get<{ Params: { caseId: string } }>('/handhaving/:caseId/documents', caseReaderRoute({
    summary: 'The letters of a case as documents (PDF), with their SHA-256 (also in the audit log)',
    params: caseParams,
    response: {
      200: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, template: { type: 'string' }, audience: { type: 'string' }, title: { type: 'string' }, sha256: { type: 'string' }, bytes: { type: 'integer' }, createdAt: { type: 'string' } } } },
    },
    problems: [400, 404],
  }), async (request) => {
    const row = await requireCase(request, request.params.caseId);
    const docs = await deps.db.selectFrom('enforcement_documents').select(['id', 'template', 'audience', 'title', 'sha256', 'bytes', 'created_at']).where('case_id', '=', row.id).orderBy('created_at').orderBy('id').execute();
    return docs.map((d) => ({ id: d.id, template: d.template, audience: d.audience, title: d.title, sha256: d.sha256, bytes: d.bytes, createdAt: d.created_at.toISOString() }));
  });

  app.get<{ Params: { caseId: string; documentId: string } }>('/handhaving/:caseId/documents/:documentId', caseReaderRoute({
    summary: 'Download one letter (application/pdf); the header x-content-sha256 carries its hash',
    params: { type: 'object', required: ['caseId', 'documentId'], properties: { ...caseParams.properties, documentId: { type: 'string', pattern: '^DOC-[0-9A-F]{20}$' } } },
    response: { 200: { type: 'string', format: 'binary', description: 'The PDF' } },
    problems: [400, 404],
  }), async (request, reply) => {
    const row = await requireCase(request, request.params.caseId);
    const doc = await deps.db.selectFrom('enforcement_documents').select(['id', 'pdf', 'sha256', 'template']).where('case_id', '=', row.id).where('id', '=', request.params.documentId).executeTakeFirst();
    if (!doc) throw notFound(`Document ${request.params.documentId} of case ${row.id}`);
    const actor = actorOf(request);
    await recordAudit(deps.db, { actor_id: actor.id, actor_role: actor.role, action: 'handhaving.document.downloaded', subject_type: 'handhaving', subject_id: row.id, details: { documentId: doc.id, sha256: doc.sha256 }, request_id: request.id, idempotency_key: `document-download:${request.id}` });
    return reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', `attachment; filename="${doc.template}-${row.id}.pdf"`)
      .header('x-content-sha256', doc.sha256)
      .send(doc.pdf);
  });
}

function contactRoutes(app: FastifyInstance, deps: AppDependencies, { importContacts, requireTeamStaff, codec }: Kit) {
  // ----- parents' contacts -----

  app.post<{ Params: { locationId: string }; Body: { contacts: ParentContact[]; mode: 'replace' | 'add' } }>('/locations/:locationId/parent-contacts', contactRoute({
    summary: 'Import the parents\' contacts the organiser gave (JSON): only for enforcement communication, encrypted, erased when the case closes',
    description: 'Only staff of the team that holds the location\'s dossier. mode replace (default): the list replaces the previous one; add: adds new addresses.',
    params: locationParams,
    body: closedObject({ contacts: { type: 'array', minItems: 1, maxItems: 2000, items: contactSchema }, mode: importMode }, ['contacts']),
    response: { 200: importAnswer },
    problems: [400, 404],
  }), async (request) => {
    const problems = request.body.contacts.map((c, i) => ({ line: i + 1, message: checkContact(c) })).filter((p): p is { line: number; message: string } => p.message !== undefined);
    if (problems.length > 0) throw new HttpProblem(400, problemTypes.validation, 'Bad Request', `The contacts are invalid: ${problems.slice(0, 5).map((p) => `#${p.line} ${p.message}`).join('; ')}`, { errors: problems.map((p) => ({ field: `body.contacts.${p.line - 1}`, message: p.message })) });
    return importContacts(request, request.params.locationId, request.body.contacts, request.body.mode, []);
  });

  app.post<{ Params: { locationId: string }; Querystring: { mode: 'replace' | 'add' }; Body: string }>('/locations/:locationId/parent-contacts/upload', contactRoute({
    summary: 'Upload the organiser\'s file of parents\' contacts (text/csv: a header naam;email, one parent a line)',
    description: 'Lines that are not valid are reported with their line number and not imported; a file without one valid line is 400.',
    params: locationParams,
    querystring: { type: 'object', properties: { mode: importMode } },
    consumes: ['text/csv'],
    body: { type: 'string', minLength: 1, maxLength: 1_000_000 },
    response: { 200: importAnswer },
    problems: [400, 404, 415],
  }), async (request) => {
    if (typeof request.body !== 'string') throw new HttpProblem(415, problemTypes.validation, 'Unsupported Media Type', 'Send the file as text/csv');
    const { contacts, errors } = parseContactsCsv(request.body);
    if (contacts.length === 0) throw new HttpProblem(400, problemTypes.validation, 'Bad Request', `The file has no valid contact: ${errors.slice(0, 5).map((e) => `line ${e.line}: ${e.message}`).join('; ')}`, { errors: errors.slice(0, 20).map((e) => ({ field: `line ${e.line}`, message: e.message })) });
    return importContacts(request, request.params.locationId, contacts, request.query.mode, errors);
  });

  app.get<{ Params: { locationId: string } }>('/locations/:locationId/parent-contacts', contactRoute({
    summary: 'The parents\' contacts of a location (decrypted; every read is audited)',
    params: locationParams,
    response: { 200: { type: 'object', properties: { locationId: { type: 'string' }, contacts: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, email: { type: 'string' } } } } } } },
    problems: [400, 404],
  }), async (request) => {
    await requireTeamStaff(request, request.params.locationId);
    const actor = actorOf(request);
    const contacts = await contactsOf(deps.db, codec(), request.params.locationId);
    await recordAudit(deps.db, { actor_id: actor.id, actor_role: actor.role, action: 'location.parent_contacts.read', subject_type: 'location', subject_id: request.params.locationId, details: { count: contacts.length }, request_id: request.id, idempotency_key: `parent-contacts-read:${request.id}` });
    return { locationId: request.params.locationId, contacts };
  });

  app.delete<{ Params: { locationId: string } }>('/locations/:locationId/parent-contacts', contactRoute({
    summary: 'Erase the parents\' contacts of a location now',
    params: locationParams,
    response: { 200: { type: 'object', properties: { erased: { type: 'integer' } } } },
    problems: [400, 404],
  }), async (request) => {
    await requireTeamStaff(request, request.params.locationId);
    const actor = actorOf(request);
    const erased = await eraseContacts(deps.db, request.params.locationId);
    await recordAudit(deps.db, { actor_id: actor.id, actor_role: actor.role, action: 'location.parent_contacts.erased', subject_type: 'location', subject_id: request.params.locationId, details: { erased }, request_id: request.id, idempotency_key: `parent-contacts-erase:${request.id}` });
    return { erased };
  });
}

export default async function letterRoutes(app: FastifyInstance, deps: AppDependencies) {
  // The organiser's file of parents' contacts, as it comes: CSV (text/csv), in this plugin only.
  app.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  const kit = routeKit(app, deps);
  documentRoutes(app, deps, kit);
  contactRoutes(app, deps, kit);
}
