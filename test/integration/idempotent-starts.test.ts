import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseIdForKey } from '../../api/routes/handhaving/start.js';
import { startTestSystem, type TestSystem } from './harness.js';
import { type CaseView, enforcementOverrides, kb, kbTeamLocations, tc } from './handhaving-helpers.js';

// Starting a process twice (docs/reliability.md): POST /handhaving and POST /inspections under an
// Idempotency-Key, through the real API and workflows. The same request sent again (after a 503 or
// a lost answer) finds the same process and starts or feeds nothing; another request under the
// same key is refused (422); while the worker is down the start answers 503 with Retry-After,
// and the same request completes once it is back.

let sys: TestSystem;
let location: Awaited<ReturnType<typeof kbTeamLocations>>;

beforeAll(async () => {
  sys = await startTestSystem({ enforcementOverrides });
  location = await kbTeamLocations(sys);
}, 180_000);
afterAll(async () => {
  await sys?.stop();
});

async function start(body: unknown, key: string | undefined, as = kb) {
  const res = await sys.http('/handhaving', { method: 'POST', as, json: body, ...(key ? { headers: { 'idempotency-key': key } } : {}) });
  return { status: res.status, type: res.headers.get('content-type') ?? '', retryAfter: res.headers.get('retry-after'), body: (await res.json()) as CaseView & { type?: string; detail?: string } };
}
const opening = (locationId: string, note = 'Tekortkomingen vastgesteld bij het bezoek.') => ({ locationId, milestone: { kind: 'rechtstreeks', note } });
/** The case's milestones from its live state; a worker just restarted may need a while to answer the query. */
async function milestonesOf(id: string) {
  for (let attempt = 0; ; attempt += 1) {
    const live = ((await (await sys.http(`/handhaving/${id}`, { as: tc })).json()) as CaseView).live;
    if (live || attempt >= 30) return live?.milestones ?? [];
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

describe('POST /handhaving with an Idempotency-Key', () => {
  it('answers the same request sent again with the same case, opened once and fed once', async () => {
    const loc = location().location_id;
    const key = `test-start-${loc}`;
    const first = await start(opening(loc), key);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.id).toBe(caseIdForKey(key));
    const again = await start(opening(loc), key);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(await milestonesOf(first.body.id)).toHaveLength(1);
    // A milestone without a reference counts every time: only the key kept the retry from feeding it twice.
    const open = await (await sys.http(`/handhaving?locationId=${loc}&status=open`, { as: tc })).json() as { items: unknown[] };
    expect(open.items).toHaveLength(1);

    // Another request under the same key: another body, or another sender.
    const other = await start(opening(loc, 'Een andere vaststelling.'), key);
    expect(other.status).toBe(422);
    expect(other.type).toMatch(/^application\/problem\+json/);
    expect(other.body.type).toBe('/problems/idempotency-key-reused');
    expect((await start(opening(loc), key, tc)).status).toBe(422);
    // A new request for the open case under a new key feeds it (200), once.
    const fed = await start(opening(loc, 'Bijkomende vaststelling.'), `${key}-2`);
    expect(fed.status).toBe(200);
    expect(fed.body.id).toBe(first.body.id);
    expect((await start(opening(loc, 'Bijkomende vaststelling.'), `${key}-2`)).status).toBe(200);
    expect(await milestonesOf(first.body.id)).toHaveLength(2);
  });

  it('refuses a key that is not a key (pattern, length)', async () => {
    const loc = location().location_id;
    for (const bad of ['short', 'x'.repeat(101), 'spaties in de sleutel']) {
      const res = await start(opening(loc), bad);
      expect(res.status, bad).toBe(400);
      expect(res.type).toMatch(/^application\/problem\+json/);
    }
  });

  it('answers 503 with Retry-After while the worker is down, and the same request completes once it is back', async () => {
    const loc = location().location_id;
    const key = `test-worker-down-${loc}`;
    await sys.stopWorker();
    let down;
    try {
      down = await start(opening(loc), key);
    } finally {
      await sys.startWorker();
    }
    expect(down.status).toBe(503);
    expect(down.type).toMatch(/^application\/problem\+json/);
    expect(Number(down.retryAfter)).toBeGreaterThan(0);
    let again = await start(opening(loc), key);
    // A loaded machine: the restarted worker may need longer than one request's time limit.
    for (let i = 0; i < 4 && again.status === 503; i++) again = await start(opening(loc), key);
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(again.body.id).toBe(caseIdForKey(key));
    expect(await milestonesOf(again.body.id)).toHaveLength(1);
  }, 240_000);

  it('answers a start whose first answer was lost from the register, without waiting on the workflow', async () => {
    const loc = location().location_id;
    const key = `test-lost-answer-${loc}`;
    const first = await start(opening(loc), key);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    // As after a worker kill: the case was opened, but its start never answered (each attempt
    // a 503 while the first step was still starting), so the key holds no answer yet.
    await sys.db.updateTable('idempotent_requests').set({ resource_id: null, status_code: null, completed_at: null }).where('key', '=', key).execute();
    await sys.stopWorker();
    let again;
    try {
      again = await start(opening(loc), key);
    } finally {
      await sys.startWorker();
    }
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    const kept = await sys.db.selectFrom('idempotent_requests').select(['resource_id', 'status_code']).where('key', '=', key).executeTakeFirstOrThrow();
    expect(kept).toEqual({ resource_id: first.body.id, status_code: 201 });
    expect(await milestonesOf(first.body.id)).toHaveLength(1);
  }, 120_000);
});

describe('POST /inspections with an Idempotency-Key', () => {
  it('answers the same request with the same inspection and refuses another body under the key', async () => {
    const loc = location().location_id;
    const body = { locationId: loc, reason: 'Opvolging van tekortkomingen in de registratie', questions: ['Is de registratie volledig?'], urgency: 'regulier' };
    const post = async (json: unknown, key: string, as = kb) => {
      const res = await sys.http('/inspections', { method: 'POST', as, json, headers: { 'idempotency-key': key } });
      return { status: res.status, body: (await res.json()) as { id: string; type?: string } };
    };
    const key = `test-inspection-${loc}`;
    const first = await post(body, key);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const again = await post({ ...body, questions: [...body.questions] }, key);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const other = await post({ ...body, reason: 'Een ander verzoek' }, key);
    expect(other.status).toBe(422);
    expect(other.body.type).toBe('/problems/idempotency-key-reused');

    // The key's record expired (docs/retention.md) and the key comes back for a new request: its
    // id names the old inspection, which is not this request's.
    await forgetKeyAndAge('inspections', 'requested_at', first.body.id, key);
    const reused = await post(body, key);
    expect(reused.status, JSON.stringify(reused.body)).toBe(422);
    expect(reused.body.type).toBe('/problems/idempotency-key-reused');
  });
});

describe('a key used again after its record expired', () => {
  it('is refused (422) rather than answered with the case it opened long before', async () => {
    const loc = location().location_id;
    const key = `test-expired-${loc}`;
    const first = await start(opening(loc), key);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    await forgetKeyAndAge('enforcement_cases', 'opened_at', first.body.id, key);
    const reused = await start(opening(loc), key);
    expect(reused.status, JSON.stringify(reused.body)).toBe(422);
    expect(reused.body.type).toBe('/problems/idempotency-key-reused');
    // Sent again, the refused request is refused again, never answered with the old case.
    expect((await start(opening(loc), key)).status).toBe(422);
  });
});

/** As the retention run leaves it: the key's record gone, the process it made 31 days old. */
async function forgetKeyAndAge(table: 'inspections' | 'enforcement_cases', column: 'requested_at' | 'opened_at', id: string, key: string) {
  await sys.db.deleteFrom('idempotent_requests').where('key', '=', key).execute();
  await sql`update ${sql.table(table)} set ${sql.ref(column)} = ${sql.ref(column)} - interval '31 days' where id = ${id}`.execute(sys.db);
}
