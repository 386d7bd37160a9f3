import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../modular/signature.js';
import { type TestSystem, startTestSystem } from './harness.js';
import { intake, locationOfTeam } from './melding-helpers.js';

// Issue 10's reproductions: each of these once answered 500, never answered, or wedged a process.
// Now the boundary refuses them with 400 problem+json before any workflow or write starts.

let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem({ modular: {} });
});

afterAll(async () => {
  await sys?.stop();
});

async function expectRefused(res: Response, field?: string) {
  expect(res.status).toBe(400);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = (await res.json()) as { status: number; detail: string; errors?: { field: string }[] };
  expect(problem.status).toBe(400);
  if (field) expect(problem.errors?.map((e) => e.field)).toContain(field);
  return problem;
}

async function runningWorkflows(): Promise<number> {
  return (await sys.temporal.workflow.count(`TaskQueue = "${sys.taskQueue}"`)).count;
}

describe('the boundary refuses what cannot be kept', () => {
  it('a NUL in a note: 400, no workflow, no timeline entry', async () => {
    const dossier = await locationOfTeam(sys, 'team-antwerpen');
    const before = await runningWorkflows();
    await expectRefused(await sys.http(`/dossiers/${dossier.id}/notes`, { method: 'POST', as: 'u-kb-antwerpen-1', json: { text: 'a\u0000' } }), 'body.text');
    expect(await runningWorkflows()).toBe(before);
    const notes = await sys.db.selectFrom('timeline_entries').select('id').where('dossier_id', '=', dossier.id).where('kind', '=', 'notitie').execute();
    expect(notes).toEqual([]);
  });

  it('NUL and other control characters in query strings: 400', async () => {
    await expectRefused(await sys.http('/locations?q=%00', { as: 'u-kb-antwerpen-1' }), 'query.q');
    await expectRefused(await sys.http('/locations?municipality=%00', { as: 'u-kb-antwerpen-1' }), 'query.municipality');
    await expectRefused(await sys.http('/locations?q=a%07b', { as: 'u-kb-antwerpen-1' }), 'query.q');
  });

  it('infinite numbers: 400 on every paged list', async () => {
    for (const path of ['/locations', '/meldingen', '/handhaving', '/inspections', '/incidents']) {
      const as = path === '/incidents' ? 'u-admin' : 'u-tc-antwerpen';
      await expectRefused(await sys.http(`${path}?limit=1e309`, { as }));
      await expectRefused(await sys.http(`${path}?offset=1e309`, { as }));
    }
  });

  it('an absurd date: 400 before a report starts', async () => {
    const loc = await locationOfTeam(sys, 'team-antwerpen');
    const before = await runningWorkflows();
    await expectRefused(
      await sys.http('/meldingen', { method: 'POST', as: 'u-kb-antwerpen-1', json: { ...intake.regular(loc.location_id), receivedAt: '0000-01-01T00:00:00Z' } }),
      'body.receivedAt',
    );
    expect(await runningWorkflows()).toBe(before);
  });

  it('a number where text belongs is not coerced: 400', async () => {
    const loc = await locationOfTeam(sys, 'team-antwerpen');
    await expectRefused(await sys.http('/meldingen', { method: 'POST', as: 'u-kb-antwerpen-1', json: { ...intake.regular(loc.location_id), description: 123456 } }), 'body.description');
  });

  it('a lone surrogate in an external reference: 400, so two references never map to one report', async () => {
    const loc = await locationOfTeam(sys, 'team-antwerpen');
    await expectRefused(await sys.http('/meldingen', { method: 'POST', as: 'u-kb-antwerpen-1', json: { ...intake.regular(loc.location_id), externalRef: 'KL-1\uD800' } }), 'body.externalRef');
    await expectRefused(await sys.http('/meldingen', { method: 'POST', as: 'u-kb-antwerpen-1', json: { ...intake.regular(loc.location_id), externalRef: 'KL-1\uDC00' } }), 'body.externalRef');
  });

  it('a validly signed webhook nested 5,000 levels deep: 400', async () => {
    const data = `${'{"d":'.repeat(5_000)}"x"${'}'.repeat(5_000)}`;
    const raw = `{"deliveryId":"deep-1","type":"order.status","orderId":"MOD-1","data":${data}}`;
    const at = Math.floor(Date.now() / 1000);
    const res = await fetch(`${sys.url}/modular/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-modular-timestamp': String(at), 'x-modular-delivery': 'deep-1', 'x-modular-signature': signWebhook(sys.modular!.secret, at, raw) },
      body: raw,
    });
    await expectRefused(res);
  });
});

describe('an unknown reference is refused before a report starts (issue 10: a report was lost)', () => {
  it('POST /meldingen with an organiser or location that does not exist: 400 naming the field, no workflow, no row', async () => {
    const before = await runningWorkflows();
    const countOf = async (table: 'meldingen' | 'audit_log' | 'timeline_entries') =>
      Number((await sys.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
    const rowsBefore = { meldingen: await countOf('meldingen'), audit: await countOf('audit_log'), timeline: await countOf('timeline_entries') };
    const body = (location: Record<string, string>, externalRef: string) => ({
      source: 'derde',
      channel: 'webformulier',
      externalRef,
      location,
      description: 'Te veel kinderen voor het aantal begeleiders.',
      categories: ['kwaliteit_pedagogisch'],
    });

    const organiser = await expectRefused(
      await sys.http('/meldingen', { method: 'POST', as: 'u-kb-antwerpen-1', json: body({ organiserId: 'ORG-999999' }, 'KL-UNKNOWN-ORG') }),
      'body.location.organiserId',
    );
    expect(organiser.detail).toMatch(/not a known organiser/);
    await expectRefused(await sys.http('/meldingen', { method: 'POST', as: 'u-kb-antwerpen-1', json: body({ locationId: 'LOC-999999' }, 'KL-UNKNOWN-LOC') }), 'body.location.locationId');
    await expectRefused(
      await sys.http('/meldingen', { method: 'POST', as: 'u-kb-antwerpen-1', json: body({ locationId: 'LOC-999999', organiserId: 'ORG-999999', addressText: 'Kerkstraat 1' }, 'KL-UNKNOWN-BOTH') }),
      'body.location.organiserId',
    );

    // Nothing started, nothing written: sending it again is refused again, not "404 not found".
    expect(await runningWorkflows()).toBe(before);
    expect({ meldingen: await countOf('meldingen'), audit: await countOf('audit_log'), timeline: await countOf('timeline_entries') }).toEqual(rowsBefore);
    await expectRefused(await sys.http('/meldingen', { method: 'POST', as: 'u-kb-antwerpen-1', json: body({ organiserId: 'ORG-999999' }, 'KL-UNKNOWN-ORG') }), 'body.location.organiserId');

    // A known organiser with an unknown address still registers (waiting to be linked).
    const known = await sys.db.selectFrom('organisers').select('id').orderBy('id').executeTakeFirstOrThrow();
    const res = await sys.http('/meldingen', { method: 'POST', as: 'u-kb-antwerpen-1', json: body({ organiserId: known.id, addressText: 'Kerkstraat 1' }, 'KL-KNOWN-ORG') });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { organiserId: string }).organiserId).toBe(known.id);
  });
});
