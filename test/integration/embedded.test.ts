import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from './harness.js';

// The same path as foundation.test.ts, on the embedded PostgreSQL (PGlite) that `npm start`
// uses when no DATABASE_URL is set.
let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem({ database: 'embedded' });
});
afterAll(async () => sys?.stop());

it('runs HTTP → Temporal → activity → embedded database and back', async () => {
  expect((await sys.http('/readyz')).status).toBe(200);
  const { id: dossierId } = await sys.db.selectFrom('dossiers').select('id').orderBy('id').executeTakeFirstOrThrow();
  const res = await sys.http(`/dossiers/${dossierId}/notes`, {
    method: 'POST',
    as: 'u-kb-limburg-1',
    json: { text: 'Ingebedde database' },
    headers: { 'idempotency-key': 'embedded-smoke-1' },
  });
  expect(res.status).toBe(201);
  const timeline = await sys.http(`/dossiers/${dossierId}/timeline?limit=5`, { as: 'u-kb-limburg-1' });
  const entries = (await timeline.json()) as { kind: string; details: { text?: string } }[];
  expect(entries.find((e) => e.kind === 'notitie')?.details.text).toBe('Ingebedde database');
});
