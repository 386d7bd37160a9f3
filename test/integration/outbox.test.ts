import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { outboxIncidentId, outboxIncidentSubject } from '../../db/repositories/outbox.js';
import { type RunningDispatcher, startOutboxDispatcher } from '../../platform/outbox-dispatcher.js';
import { startTestSystem, type TestSystem } from './harness.js';
import { intake, locationOfTeam, post } from './melding-helpers.js';

// The outbox sends over real SMTP: a local SMTP server (smtp-server) receives what the
// dispatcher sends for a report's feedback to its reporter.
interface Received {
  to: string[];
  data: string;
}

let sys: TestSystem;
let smtp: SMTPServer;
let port: number;
const received: Received[] = [];
let dispatcher: RunningDispatcher;

beforeAll(async () => {
  sys = await startTestSystem();
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), data: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  smtp.listen(0, '127.0.0.1');
  await once(smtp.server, 'listening');
  port = (smtp.server.address() as AddressInfo).port;
  dispatcher = startOutboxDispatcher({ db: sys.db, smtpUrl: `smtp://127.0.0.1:${port}`, from: 'handhaving@opgroeien.test', intervalMs: 60_000 });
});
afterAll(async () => {
  await dispatcher?.stop();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  await sys?.stop();
});

it('sends a reporter\'s feedback e-mail once, and marks it sent', async () => {
  const location = await locationOfTeam(sys, 'team-antwerpen');
  const m = (await post(sys, '/meldingen', 'u-tc-antwerpen', intake.regular(location.location_id))).body;
  await post(sys, `/meldingen/${m.id}/acknowledge`, m.assigneeId!, {});
  await post(sys, `/meldingen/${m.id}/feedback`, m.assigneeId!, { channel: 'email', message: 'We hebben de voorziening bezocht.' });

  expect(await dispatcher.runOnce()).toBe(1);
  expect(await dispatcher.runOnce()).toBe(0);
  const mine = received.filter((r) => r.to.includes('sam.janssens@voorbeeld.test'));
  expect(mine).toHaveLength(1);
  // Quoted-printable bodies may wrap long lines with a soft break ("=" at the end of a line).
  expect(mine[0]!.data.replace(/=\r\n/g, '')).toContain('We hebben de voorziening bezocht.');
  expect(mine[0]!.data).toMatch(/Message-ID: <[A-Za-z0-9_-]+@opgroeien\.test>/i);
  const row = await sys.db.selectFrom('outbox_messages').selectAll().where('subject_id', '=', m.id).where('channel', '=', 'email').executeTakeFirstOrThrow();
  expect(row).toMatchObject({ status: 'sent', attempts: 1, last_error: null });
  expect(row.sent_at).not.toBeNull();
});

it('keeps a message queued with its error while the SMTP server refuses, and sends it when it accepts', async () => {
  const refusing = startOutboxDispatcher({ db: sys.db, smtpUrl: 'smtp://127.0.0.1:1', from: 'handhaving@opgroeien.test', intervalMs: 60_000 });
  try {
    await sys.db
      .insertInto('outbox_messages')
      .values({ idempotency_key: 'test:unreachable', channel: 'email', recipient_user_id: null, recipient_address: 'iemand@voorbeeld.test', template: 'test', subject: 'Test', body: 'Test', subject_type: 'test', subject_id: 'x', last_error: null, sent_at: null })
      .execute();
    await refusing.runOnce();
    const failed = await sys.db.selectFrom('outbox_messages').selectAll().where('idempotency_key', '=', 'test:unreachable').executeTakeFirstOrThrow();
    expect(failed).toMatchObject({ status: 'queued', attempts: 1 });
    expect(failed.last_error).toBeTruthy();
  } finally {
    await refusing.stop();
  }
  await dispatcher.runOnce();
  const sent = await sys.db.selectFrom('outbox_messages').select(['status', 'attempts']).where('idempotency_key', '=', 'test:unreachable').executeTakeFirstOrThrow();
  expect(sent).toEqual({ status: 'sent', attempts: 2 });
});

it('attaches a formal letter\'s PDF to the organiser\'s e-mail: the document stored under the same key', async () => {
  const pdf = Buffer.from('%PDF-1.7\n% a stored letter\n%%EOF\n');
  const key = 'HH-OUTBOX-1:handhaving:LOC-X:aanmaning:organisator:aanmaning:email';
  await sys.db.insertInto('enforcement_documents')
    .values({ id: 'DOC-OUTBOX-1', communication_key: key, case_id: 'HH-OUTBOX-1', dossier_id: 'DOS-X', template: 'aanmaning', audience: 'organisator', title: 'Aanmaning', sha256: createHash('sha256').update(pdf).digest('hex'), bytes: pdf.length, pdf })
    .execute();
  await sys.db.insertInto('outbox_messages')
    .values({ idempotency_key: key, channel: 'email', recipient_user_id: null, recipient_address: 'organisator@voorbeeld.test', template: 'aanmaning', subject: 'Aanmaning', body: 'In bijlage de aanmaning.', subject_type: 'handhaving', subject_id: 'HH-OUTBOX-1', last_error: null, sent_at: null })
    .execute();
  await dispatcher.runOnce();
  const mail = received.find((r) => r.to.includes('organisator@voorbeeld.test'));
  expect(mail).toBeDefined();
  expect(mail!.data).toMatch(/Content-Type: application\/pdf; name=aanmaning-HH-OUTBOX-1\.pdf/i);
  const base64 = mail!.data.split(/Content-Disposition: attachment[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n/i)[1]!.split('\r\n--')[0]!.replace(/\s+/g, '');
  expect(Buffer.from(base64, 'base64').equals(pdf)).toBe(true);
  // Other e-mails (a reporter's feedback) carry none.
  expect(received.filter((r) => r.to.includes('sam.janssens@voorbeeld.test')).every((r) => !/application\/pdf/i.test(r.data))).toBe(true);
});

// ----- the state machine of an e-mail (docs/reliability.md, "An e-mail whose delivery is uncertain") -----
//
// queued → sending (committed before SMTP, under the sender's advisory lock) → sent after the 250;
// a row left `sending` by a sender that is gone → uncertain + one incident, never resent on its own;
// the incident's retry → queued → sent once (incident resolved); its resolve → sent, never resent.

let n = 0;
async function leftSending(address: string): Promise<string> {
  const key = `test:left-sending:${++n}`;
  const row = await sys.db.insertInto('outbox_messages')
    .values({ idempotency_key: key, channel: 'email', recipient_user_id: null, recipient_address: address, template: 'test', subject: `Onzeker ${n}`, body: 'Test', subject_type: 'test', subject_id: `x${n}`, last_error: null, sent_at: null, status: 'sending', attempts: 1, sending_at: new Date() })
    .returning('id').executeTakeFirstOrThrow();
  return row.id;
}
const rowOf = (id: string) => sys.db.selectFrom('outbox_messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const incidentsOf = (id: string) => sys.db.selectFrom('incidents').selectAll().where('workflow_id', '=', outboxIncidentSubject(id)).execute();
const receivedBy = (address: string) => received.filter((r) => r.to.includes(address)).length;

it('makes an e-mail left `sending` by a sender that is gone `uncertain` with one incident, and never sends it on its own', async () => {
  const id = await leftSending('onzeker.1@voorbeeld.test');
  await dispatcher.runOnce();
  await dispatcher.runOnce();
  expect(await rowOf(id)).toMatchObject({ status: 'uncertain', attempts: 1 });
  const incidents = await incidentsOf(id);
  expect(incidents).toHaveLength(1);
  expect(incidents[0]).toMatchObject({ id: outboxIncidentId(id), status: 'open', workflow_type: 'outbox', error_type: 'DeliveryUncertain' });
  expect(receivedBy('onzeker.1@voorbeeld.test')).toBe(0);
  // The coordinator hears of it once.
  const alerts = await sys.db.selectFrom('outbox_messages').select('subject').where('idempotency_key', '=', `incident:${outboxIncidentId(id)}`).execute();
  expect(alerts).toHaveLength(1);

  // The operator's retry sends it once, and the incident closes when it is sent.
  const retry = await sys.http(`/incidents/${outboxIncidentId(id)}/retry`, { method: 'POST', as: 'u-admin' });
  expect(retry.status).toBe(202);
  expect((await rowOf(id)).status).toBe('queued');
  await dispatcher.runOnce();
  await dispatcher.runOnce();
  expect(await rowOf(id)).toMatchObject({ status: 'sent', attempts: 2 });
  expect(receivedBy('onzeker.1@voorbeeld.test')).toBe(1);
  expect((await incidentsOf(id))[0]).toMatchObject({ status: 'opgelost' });
  expect((await sys.http(`/incidents/${outboxIncidentId(id)}/resolve`, { method: 'POST', as: 'u-admin' })).status).toBe(409);
});

it('marks an uncertain e-mail sent when an operator resolves its incident (the recipient has it), and never sends it', async () => {
  const id = await leftSending('onzeker.2@voorbeeld.test');
  await dispatcher.runOnce();
  expect((await rowOf(id)).status).toBe('uncertain');
  expect((await sys.http(`/incidents/${outboxIncidentId(id)}/resolve`, { method: 'POST', as: 'u-kb-antwerpen-1' })).status).toBe(403);
  const res = await sys.http(`/incidents/${outboxIncidentId(id)}/resolve`, { method: 'POST', as: 'u-admin' });
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ status: 'opgelost', outboxMessageId: id, outboxStatus: 'sent' });
  await dispatcher.runOnce();
  expect(await rowOf(id)).toMatchObject({ status: 'sent', attempts: 1 });
  expect(receivedBy('onzeker.2@voorbeeld.test')).toBe(0);
  expect((await sys.http(`/incidents/${outboxIncidentId(id)}/retry`, { method: 'POST', as: 'u-admin' })).status).toBe(409);
  const audit = await sys.db.selectFrom('audit_log').select('action').where('subject_id', '=', outboxIncidentId(id)).execute();
  expect(audit.map((a) => a.action)).toContain('incident.resolve');
});

it('leaves a `sending` e-mail alone while its sender lives (holds the lock), however long it takes', async () => {
  const id = await leftSending('levend@voorbeeld.test');
  // Another session holds the sender's lock, as a live dispatcher in another worker does.
  await sys.db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(hashtext('outbox_messages.sending'), (${id}::bigint % 2147483647)::int)`.execute(conn);
    try {
      await dispatcher.runOnce();
      expect((await rowOf(id)).status).toBe('sending');
      expect(await incidentsOf(id)).toHaveLength(0);
    } finally {
      await sql`select pg_advisory_unlock(hashtext('outbox_messages.sending'), (${id}::bigint % 2147483647)::int)`.execute(conn);
    }
  });
  // Its session ended without recording an outcome: now it is uncertain.
  await dispatcher.runOnce();
  expect((await rowOf(id)).status).toBe('uncertain');
  expect(receivedBy('levend@voorbeeld.test')).toBe(0);
});

it('makes an e-mail uncertain when the connection breaks after the message was handed over, and ends a refused one with an incident', async () => {
  // A server that takes the whole message and then drops the connection without an answer.
  const breaking = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onRcptTo(address, _session, callback) {
      callback(address.address.startsWith('geweigerd') ? Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }) : undefined);
    },
    onData(stream, session, callback) {
      stream.resume();
      stream.on('end', () => {
        for (const c of (breaking as unknown as { connections: Set<{ id: string; _socket: { destroy(): void } }> }).connections) if (c.id === session.id) c._socket.destroy();
        void callback;
      });
    },
  });
  breaking.on('error', () => undefined);
  breaking.listen(0, '127.0.0.1');
  await once(breaking.server, 'listening');
  const breakingPort = (breaking.server.address() as AddressInfo).port;
  const other = startOutboxDispatcher({ db: sys.db, smtpUrl: `smtp://127.0.0.1:${breakingPort}`, from: 'handhaving@opgroeien.test', intervalMs: 60_000, timeouts: { socketMs: 3_000 } });
  try {
    const insert = (key: string, address: string) => sys.db.insertInto('outbox_messages')
      .values({ idempotency_key: key, channel: 'email', recipient_user_id: null, recipient_address: address, template: 'test', subject: key, body: 'Test', subject_type: 'test', subject_id: key, last_error: null, sent_at: null })
      .returning('id').executeTakeFirstOrThrow();
    const broken = await insert('test:broken-after-data', 'gebroken@voorbeeld.test');
    const refused = await insert('test:refused', 'geweigerd@voorbeeld.test');
    for (let i = 0; i < 3; i++) await other.runOnce();
    expect(await rowOf(broken.id)).toMatchObject({ status: 'uncertain', attempts: 1 });
    expect(await incidentsOf(broken.id)).toHaveLength(1);
    expect(await rowOf(refused.id)).toMatchObject({ status: 'failed', attempts: 3 });
    expect(await incidentsOf(refused.id)).toEqual([expect.objectContaining({ error_type: 'DeliveryRefused', status: 'open' })]);
  } finally {
    await other.stop();
    await new Promise<void>((resolve) => breaking.close(() => resolve()));
  }
});
