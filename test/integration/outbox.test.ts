import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
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
