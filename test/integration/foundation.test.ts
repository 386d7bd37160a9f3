import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTemporalClient } from '../../platform/runtime.js';
import { runApi } from '../../platform/services.js';
import { createTokenService } from '../../api/auth/tokens.js';
import { startTestSystem, type TestSystem } from './harness.js';

const caseManager = 'u-kb-antwerpen-1';

let sys: TestSystem;
let dossierId: string;

beforeAll(async () => {
  sys = await startTestSystem();
  // A dossier of the case manager's own team: outside it, a dossier does not exist for them (docs/access.md).
  const location = await sys.db.selectFrom('dossiers').select('id').where('team_id', '=', 'team-antwerpen').orderBy('id').executeTakeFirstOrThrow();
  dossierId = location.id;
});
afterAll(async () => sys?.stop());

async function problemOf(res: Response) {
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  return (await res.json()) as { type: string; title: string; status: number; detail?: string; errors?: { field: string }[] };
}

describe('health and docs', () => {
  it('answers liveness and readiness without a token', async () => {
    expect((await sys.http('/healthz')).status).toBe(200);
    const ready = await sys.http('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { database: 'ok', temporal: 'ok' } });
  });

  it('publishes a valid OpenAPI 3 document that describes every route', async () => {
    const res = await sys.http('/docs/json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, { responses: object }>> } & Record<string, unknown>;
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of ['/healthz', '/readyz', '/me', '/locations', '/locations/{locationId}', '/dossiers/{dossierId}', '/dossiers/{dossierId}/notes']) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) expect(Object.keys(op.responses), `${method} ${path}`).not.toHaveLength(0);
    }
    expect((await sys.http('/docs')).status).toBeLessThan(400);
  });

  it('serves the UI root page in Dutch', async () => {
    const res = await sys.http('/');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('lang="nl-BE"');
  });
});

describe('authentication and roles', () => {
  it('refuses a request without a token with 401 problem+json', async () => {
    const res = await sys.http('/locations');
    expect(res.status).toBe(401);
    expect((await problemOf(res)).type).toBe('/problems/unauthorized');
  });

  it('refuses a forged token and a token of an unknown user', async () => {
    const forged = createTokenService('x'.repeat(40), 'handhaving-test').sign({ sub: caseManager, role: 'admin', name: 'x' });
    const bad = await sys.http('/me', { headers: { authorization: `Bearer ${forged}` } });
    expect(bad.status).toBe(401);
    expect((await sys.http('/me', { as: 'u-nobody' })).status).toBe(401);
  });

  it('answers who is calling, with the role from the database', async () => {
    const res = await sys.http('/me', { as: caseManager });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: caseManager, role: 'klantenbeheerder', teamId: 'team-antwerpen' });
  });

  it('refuses a role that may not give the command with 403', async () => {
    const res = await sys.http(`/dossiers/${dossierId}/notes`, { method: 'POST', as: 'u-modular', json: { text: 'x' } });
    expect(res.status).toBe(403);
    expect((await problemOf(res)).detail).toContain('modular');
  });
});

describe('bad input', () => {
  it('names the failing fields of a malformed body with 400', async () => {
    const res = await sys.http(`/dossiers/${dossierId}/notes`, { method: 'POST', as: caseManager, json: { txt: 'typo' } });
    expect(res.status).toBe(400);
    const problem = await problemOf(res);
    expect(problem.type).toBe('/problems/validation');
    expect(problem.errors?.map((e) => e.field)).toEqual(expect.arrayContaining(['body.text', 'body.txt']));
  });

  it('rejects broken JSON with 400, a wrong content type with 415, a huge body with 413', async () => {
    const post = (body: string, type: string) =>
      sys.http(`/dossiers/${dossierId}/notes`, { method: 'POST', as: caseManager, body, headers: { 'content-type': type } });
    expect((await problemOf(await post('{"text":', 'application/json'))).status).toBe(400);
    expect((await problemOf(await post('text=hi', 'text/plain'))).status).toBe(415);
    expect((await problemOf(await post(JSON.stringify({ text: 'x'.repeat(200_000) }), 'application/json'))).status).toBe(413);
  });

  it('answers 404 problem+json for an unknown dossier and an unknown route', async () => {
    expect((await problemOf(await sys.http('/dossiers/DOS-999999', { as: caseManager }))).status).toBe(404);
    expect((await problemOf(await sys.http('/nope', { as: caseManager }))).status).toBe(404);
  });

  it('validates query strings', async () => {
    const res = await sys.http('/locations?kind=kinderkribbe&limit=0', { as: caseManager });
    expect(res.status).toBe(400);
    expect((await problemOf(res)).errors?.map((e) => e.field)).toEqual(expect.arrayContaining(['querystring.kind', 'querystring.limit']));
  });
});

describe('HTTP → Temporal → activity → PostgreSQL and back', () => {
  it('adds a note to a dossier exactly once per Idempotency-Key, with its audit record', async () => {
    const key = `note-${Date.now()}`;
    const add = () =>
      sys.http(`/dossiers/${dossierId}/notes`, {
        method: 'POST',
        as: caseManager,
        json: { text: 'Telefonisch contact met de organisator.' },
        headers: { 'idempotency-key': key },
      });
    const first = await add();
    expect(first.status).toBe(201);
    const entry = (await first.json()) as { id: string; kind: string; actorId: string; details: { text: string } };
    expect(entry).toMatchObject({ kind: 'notitie', actorId: caseManager, details: { text: 'Telefonisch contact met de organisator.' } });

    const again = await add();
    expect(again.status).toBe(201);
    expect(((await again.json()) as { id: string }).id).toBe(entry.id);

    const notes = await sys.db.selectFrom('timeline_entries').selectAll().where('dossier_id', '=', dossierId).where('kind', '=', 'notitie').execute();
    expect(notes).toHaveLength(1);
    const audit = await sys.db.selectFrom('audit_log').selectAll().where('subject_id', '=', dossierId).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_id: caseManager, actor_role: 'klantenbeheerder', action: 'dossier.note.add' });
    expect(audit[0]?.request_id).toBeTruthy();

    const dossier = await sys.http(`/dossiers/${dossierId}`, { as: caseManager });
    expect(dossier.status).toBe(200);
    const body = (await dossier.json()) as { timeline: { id: string }[] };
    expect(body.timeline.map((e) => e.id)).toContain(entry.id);
  });

  it('keeps the audit log append-only', async () => {
    await expect(sys.db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
  });

  it('lists and finds seeded locations', async () => {
    const res = await sys.http('/locations?limit=5&kind=groepsopvang', { as: caseManager });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { items: { id: string; kind: string; dossierId: string }[]; total: number };
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((l) => l.kind === 'groepsopvang')).toBe(true);
    const one = await sys.http(`/locations/${page.items[0]!.id}`, { as: caseManager });
    expect(((await one.json()) as { dossierId: string }).dossierId).toBe(page.items[0]!.dossierId);
  });
});

describe('dependencies out of reach', () => {
  it('answers 503 problem+json when Temporal cannot be reached, and loses nothing', async () => {
    const temporal = createTemporalClient('127.0.0.1:1', 'handhaving-test', sys.dataConverter, { interactive: true });
    const tokens = createTokenService('y'.repeat(40), 'handhaving-test');
    const api = await runApi(
      { db: sys.db, temporal, namespace: 'handhaving-test', taskQueue: sys.taskQueue, tokens, settings: sys.settings },
      { logger: false, bodyLimit: 64 * 1024 },
      '127.0.0.1',
      0,
    );
    try {
      const ready = await fetch(`${api.url}/readyz`);
      expect(ready.status).toBe(503);
      expect((await problemOf(ready)).detail).toContain('temporal');
      const token = tokens.sign({ sub: caseManager, role: 'klantenbeheerder', name: 'x' });
      const before = await sys.db.selectFrom('timeline_entries').select(({ fn }) => fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      const res = await fetch(`${api.url}/dossiers/${dossierId}/notes`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'gaat niet door' }),
      });
      expect(res.status).toBe(503);
      expect((await problemOf(res)).type).toBe('/problems/service-unavailable');
      const after = await sys.db.selectFrom('timeline_entries').select(({ fn }) => fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
      expect(after.n).toBe(before.n);
    } finally {
      await api.stop();
      await temporal.connection.close().catch(() => undefined);
    }
  });
});
