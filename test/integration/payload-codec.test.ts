import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DevServer, startDevServer } from '../../platform/dev-server.js';
import { ENCODING_ENCRYPTED } from '../../platform/payload-codec.js';
import { ensureTemporalCli } from '../../platform/temporal-cli.js';
import { meldingWorkflowId } from '../../workflows/melding/definitions.js';
import { freePort } from './global-setup.js';
import { startTestSystem, temporalAddress, TEST_TEMPORAL_UI_ORIGIN, type TestSystem, testPayloadCodec } from './harness.js';
import { eventually, getMelding, locationOfTeam, personalIntake, post } from './melding-helpers.js';

// Issue 11, "Encrypted payloads": markers in every personal field of a report appear neither in
// the Temporal history as a client without the key fetches it, nor in the bytes of the dev
// server's database file; the codec (and the Web UI's codec endpoint) decodes them.

const coordinator = 'u-tc-antwerpen';

function markersFor() {
  const tag = randomBytes(4).toString('hex');
  return {
    name: `Naammarker${tag}`,
    email: `emailmarker${tag}@voorbeeld.test`,
    phone: `0470 ${randomInt(100_000, 999_999)} ${randomInt(10, 99)}`,
    child: `Kindmarker${tag}`,
    address: `Markerstraat${tag} 12, 2000 Antwerpen`,
    externalRef: `KLAROEN-MARKER-${tag}`,
    feedback: `Terugkoppelingmarker${tag}`,
  };
}
type Markers = ReturnType<typeof markersFor>;

/** A report with a marker in every personal field, acknowledged and answered (saveMelding, queueFeedback, updates). */
async function runReport(sys: TestSystem, markers: Markers): Promise<{ id: string; locationId: string }> {
  const location = await locationOfTeam(sys, 'team-antwerpen');
  const created = await post(sys, '/meldingen', coordinator, personalIntake(location.location_id, { ...markers, ref: markers.externalRef },
    `Het kind ${markers.child} kwam thuis met blauwe plekken; de verzorgers reageren niet op vragen.`, ['kwaliteit_pedagogisch']));
  expect(created.status).toBe(201);
  const id = created.body.id;
  const handler = location.case_manager_id!;
  expect((await post(sys, `/meldingen/${id}/acknowledge`, handler, { note: 'Bekeken.' })).status).toBe(200);
  expect((await post(sys, `/meldingen/${id}/feedback`, handler, { channel: 'email', message: `Beste ${markers.name}, ${markers.feedback}.` })).status).toBe(200);
  // The feedback activity has run when the outbox holds the message.
  await eventually(
    () => sys.db.selectFrom('outbox_messages').select('id').where('subject_id', '=', id).execute(),
    (rows) => rows.length === 1,
  );
  await getMelding(sys, id, coordinator);
  return { id, locationId: location.location_id };
}

/** Every payload of a history, except the search attributes (Temporal indexes those, so they stay plain). */
function payloadsOf(node: unknown, out: Payload[] = []): Payload[] {
  if (!node || typeof node !== 'object' || node instanceof Uint8Array) return out;
  const obj = node as Record<string, unknown>;
  if (obj.data instanceof Uint8Array && obj.metadata && typeof obj.metadata === 'object') {
    out.push(obj as Payload);
    return out;
  }
  // The SDK's markers carry its own bookkeeping as plain JSON: a patch's id (`core_patch`), a local
  // activity's id, type, attempt and times (`data` of `core_local_activity`, whose result goes
  // through the codec like any payload). Neither can hold data of a report.
  const bookkeeping = obj.markerName === 'core_patch' ? ['patch-data'] : obj.markerName === 'core_local_activity' ? ['data'] : [];
  for (const [key, value] of Object.entries(obj)) {
    if (key === 'searchAttributes') continue;
    if (bookkeeping.length > 0 && key === 'details' && value && typeof value === 'object') {
      for (const [detail, payloads] of Object.entries(value)) if (!bookkeeping.includes(detail)) payloadsOf(payloads, out);
      continue;
    }
    payloadsOf(value, out);
  }
  return out;
}

/**
 * Every string and byte field of a history (bytes read as UTF-8), walked by hand: JSON.stringify
 * would let protobuf messages print their bytes as base64, where no marker could ever be seen.
 */
function textOf(node: unknown, out: string[] = []): string {
  if (typeof node === 'string') out.push(node);
  else if (node instanceof Uint8Array) out.push(Buffer.from(node).toString('utf8'));
  else if (node && typeof node === 'object') for (const value of Object.values(node)) textOf(value, out);
  return out.join('\n');
}

function expectNoMarker(text: string, markers: Markers, where: string) {
  for (const [field, marker] of Object.entries(markers)) expect(text.includes(marker), `${field} marker in ${where}`).toBe(false);
}

async function plainClient(address: string): Promise<Client> {
  // No data converter: what anyone with access to Temporal (and without the key) sees.
  return new Client({ connection: await Connection.connect({ address }), namespace: inject('temporalNamespace') });
}

describe('payloads in the shared dev server', () => {
  let sys: TestSystem;
  let markers: Markers;
  let meldingId: string;
  let locationId: string;
  let history: Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>;

  beforeAll(async () => {
    sys = await startTestSystem();
    markers = markersFor();
    ({ id: meldingId, locationId } = await runReport(sys, markers));
    const client = await plainClient(temporalAddress());
    try {
      history = await client.workflow.getHandle(meldingWorkflowId(meldingId)).fetchHistory();
    } finally {
      await client.connection.close();
    }
  });
  afterAll(async () => sys?.stop());

  it('holds no marker in the history fetched without the key, and every payload is encrypted', () => {
    const types = new Set((history.events ?? []).map((e) => e.eventType));
    expect(types.size).toBeGreaterThan(5); // start input, activity inputs and results, updates
    const text = textOf(history);
    // The walk reads bytes as text: the search attributes (plain JSON payloads) show the location id.
    expect(text).toContain(`"${locationId}"`);
    expectNoMarker(text, markers, 'the history');
    const payloads = payloadsOf(history);
    expect(payloads.length).toBeGreaterThan(5);
    for (const p of payloads) expect(Buffer.from(p.metadata!.encoding!).toString()).toBe(ENCODING_ENCRYPTED);
  });

  it('decodes every marker with the codec the client and worker load', async () => {
    const decoded = textOf(await testPayloadCodec.decode(payloadsOf(history)));
    for (const [field, marker] of Object.entries(markers)) expect(decoded, field).toContain(marker);
  });

  describe('the codec endpoint of the Temporal Web UI', () => {
    const wire = () => ({
      payloads: payloadsOf(history).map((p) => ({
        metadata: Object.fromEntries(Object.entries(p.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')])),
        data: Buffer.from(p.data!).toString('base64'),
      })),
    });
    const decodedText = (body: { payloads: { data: string }[] }) => body.payloads.map((p) => Buffer.from(p.data, 'base64').toString('utf8')).join('\n');
    const decode = (headers: Record<string, string>) =>
      fetch(`${sys.url}/codec/decode`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-namespace': inject('temporalNamespace'), origin: TEST_TEMPORAL_UI_ORIGIN, ...headers }, body: JSON.stringify(wire()) });

    it('answers the preflight of the Web UI\'s origin only', async () => {
      const preflight = (origin: string) => fetch(`${sys.url}/codec/decode`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,x-namespace' },
      });
      const ok = await preflight(TEST_TEMPORAL_UI_ORIGIN);
      expect(ok.status).toBe(204);
      expect(ok.headers.get('access-control-allow-origin')).toBe(TEST_TEMPORAL_UI_ORIGIN);
      expect(ok.headers.get('access-control-allow-headers')).toBe('authorization, content-type, x-namespace');
      expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
      const other = await preflight('http://evil.example');
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('decodes for a team coordinator, audited; refuses other roles and no token', async () => {
      const res = await decode({ authorization: `Bearer ${sys.token(coordinator)}` });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe(TEST_TEMPORAL_UI_ORIGIN);
      const text = decodedText((await res.json()) as { payloads: { data: string }[] });
      for (const [field, marker] of Object.entries(markers)) expect(text, field).toContain(marker);
      const audit = await sys.db.selectFrom('audit_log').select(['actor_id', 'subject_id']).where('action', '=', 'temporal.payloads_decoded').execute();
      expect(audit).toContainEqual({ actor_id: coordinator, subject_id: inject('temporalNamespace') });

      const caseManager = await decode({ authorization: `Bearer ${sys.token('u-kb-antwerpen-1')}` });
      expect(caseManager.status).toBe(403);
      expect(caseManager.headers.get('content-type')).toMatch(/problem\+json/);
      const admin = await decode({ authorization: `Bearer ${sys.token('u-admin')}` });
      expect(admin.status).toBe(403);
      const anonymous = await decode({});
      expect(anonymous.status).toBe(401);
      // The UI can read the refusal (CORS headers on errors too).
      expect(anonymous.headers.get('access-control-allow-origin')).toBe(TEST_TEMPORAL_UI_ORIGIN);
      const forged = await decode({ authorization: 'Bearer abc.def.ghi' });
      expect(forged.status).toBe(401);
    });

    it('signs the Web UI in with an HttpOnly cookie for /codec only', async () => {
      const session = await fetch(`${sys.url}/codec/session`, { method: 'POST', headers: { authorization: `Bearer ${sys.token(coordinator)}` } });
      expect(session.status).toBe(204);
      const cookie = session.headers.get('set-cookie')!;
      expect(cookie).toMatch(/^hh_codec=[^;]+; Path=\/codec; HttpOnly; SameSite=Strict/);
      const res = await decode({ cookie: cookie.split(';')[0]! });
      expect(res.status).toBe(200);
      // The cookie grants nothing outside /codec.
      expect((await fetch(`${sys.url}/meldingen/${meldingId}`, { headers: { cookie: cookie.split(';')[0]! } })).status).toBe(401);
      // Only the allowed roles get a cookie.
      expect((await fetch(`${sys.url}/codec/session`, { method: 'POST', headers: { authorization: `Bearer ${sys.token('u-kb-antwerpen-1')}` } })).status).toBe(403);
    });

    it('encodes as the protocol asks (the Web UI encodes signal and update input)', async () => {
      const input = { payloads: [{ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from(`"${markers.name}"`).toString('base64') }] };
      const res = await fetch(`${sys.url}/codec/encode`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${sys.token(coordinator)}` }, body: JSON.stringify(input) });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
      expect(Buffer.from(body.payloads[0]!.metadata.encoding!, 'base64').toString()).toBe(ENCODING_ENCRYPTED);
      expect(Buffer.from(body.payloads[0]!.data, 'base64').toString('latin1')).not.toContain(markers.name);
    });
  });
});

describe('the bytes of the dev server\'s database file', () => {
  let dir: string;
  let server: DevServer | undefined;
  let sys: TestSystem | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'handhaving-temporal-db-'));
    server = await startDevServer({ cli: await ensureTemporalCli(), port: await freePort(), namespace: inject('temporalNamespace'), dbFilename: join(dir, 'temporal.db'), logLevel: 'error' });
    sys = await startTestSystem({ temporalAddress: server.address });
  }, 120_000);
  afterAll(async () => {
    await sys?.stop();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds no marker of a report that ran through it', async () => {
    const markers = markersFor();
    const { id } = await runReport(sys!, markers);
    await sys!.stop();
    sys = undefined;
    await server!.stop(); // SQLite writes everything back to the file (and its -wal) on close
    server = undefined;
    const bytes = Buffer.concat(readdirSync(dir).map((f) => readFileSync(join(dir, f))));
    // The file does hold the report's history: its workflow id is there.
    expect(bytes.includes(Buffer.from(meldingWorkflowId(id)))).toBe(true);
    for (const [field, marker] of Object.entries(markers)) {
      expect(bytes.includes(Buffer.from(marker)), `${field} marker in the database file`).toBe(false);
      expect(bytes.includes(Buffer.from(marker, 'utf16le')), `${field} marker (UTF-16) in the database file`).toBe(false);
    }
  }, 120_000);
});
