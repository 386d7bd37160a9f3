import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Kysely } from 'kysely';
import type { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { receivingSmtpServer, type SunkMail } from '../../channels/smtp-sink.js';
import { connectDatabase } from '../../db/connect.js';
import { migrateToLatest } from '../../db/migrate.js';
import type { Database } from '../../db/schema.js';
import { adminQuery } from '../support/postgres-admin.js';

// The fault checks' reduced form inside `npm test` (docs/reliability.md, "Should it run in CI?"):
// check 1b and check 5 on the outbox alone, with a real process killed by a real SIGKILL and a
// real SMTP server that goes away, in seconds instead of minutes. The dispatcher runs as its own
// process (test/faults/dispatcher-child.ts: the worker's code, without Temporal); the full checks
// with the whole application are `npm run test:faults`.

const ROOT = resolve(import.meta.dirname, '../..');
const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `hh_smoke_${randomBytes(3).toString('hex')}`;
let db: Kysely<Database>;
let url: string;
let smtp: SMTPServer | undefined;
let smtpPort = 0;
const received: SunkMail[] = [];
let onAccepted: (() => void) | undefined;
const children: ChildProcess[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 40_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms (last ${JSON.stringify(v)})`);
    await sleep(200);
  }
}

async function smtpUp() {
  smtp = receivingSmtpServer((mail) => {
    received.push(mail);
    onAccepted?.();
  });
  smtp.on('error', () => undefined);
  smtp.listen(smtpPort, '127.0.0.1');
  await once(smtp.server, 'listening');
  smtpPort = (smtp.server.address() as AddressInfo).port;
}
async function smtpDown() {
  const s = smtp;
  smtp = undefined;
  if (s) await new Promise<void>((r) => s.close(() => r()));
}

async function dispatcher(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/faults/dispatcher-child.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_URL: url, SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, OUTBOX_POLL_MS: '200' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  await until('the dispatcher process', async () => out, (o) => o.includes('dispatcher running') || child.exitCode !== null, 60_000);
  if (child.exitCode !== null) throw new Error(`dispatcher exited: ${out}`);
  return child;
}
/** Resolves once the process has exited, also when it had exited before the call. */
async function exited(child: ChildProcess) {
  if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
}
async function kill9(child: ChildProcess) {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await exited(child);
  }
}

async function queue(tag: string, count: number): Promise<string[]> {
  const rows = await db.insertInto('outbox_messages')
    .values(Array.from({ length: count }, (_, i) => ({
      idempotency_key: `smoke:${tag}:${i}`, channel: 'email' as const, recipient_user_id: null, recipient_address: `${tag}.${i}@voorbeeld.test`,
      template: 'smoke', subject: `Smoke ${tag} ${i}`, body: 'Test', subject_type: 'test', subject_id: `${tag}-${i}`, last_error: null, sent_at: null,
    })))
    .returning('id').execute();
  return rows.map((r) => r.id);
}
const statuses = async (ids: string[]) => (await db.selectFrom('outbox_messages').select('status').where('id', 'in', ids).execute()).map((r) => r.status).sort();
const byMessageId = () => {
  const n = new Map<string, number>();
  for (const m of received) n.set(m.messageId, (n.get(m.messageId) ?? 0) + 1);
  return n;
};

beforeAll(async () => {
  await adminQuery(ADMIN_URL, `create database "${name}"`);
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  url = u.toString();
  ({ db } = await connectDatabase({ kind: 'postgres', url, poolSize: 2 }));
  await migrateToLatest(db);
  await smtpUp();
});
// No dispatcher outlives its check: a later check counts what reaches the SMTP server.
afterEach(async () => {
  onAccepted = undefined;
  for (const c of children.splice(0)) await kill9(c).catch(() => undefined);
});
afterAll(async () => {
  await smtpDown();
  await db?.destroy();
  await adminQuery(ADMIN_URL, `drop database if exists "${name}" with (force)`);
});

it('check 1b in small: a dispatcher killed right after the SMTP 250 sends nothing twice; the e-mail is flagged uncertain with one incident', async () => {
  const ids = await queue('window', 3);
  let child = await dispatcher();
  const victim = child;
  onAccepted = () => {
    onAccepted = undefined;
    victim.kill('SIGKILL');
  };
  await until('the first e-mail accepted', async () => received.length, (n) => n >= 1);
  await exited(victim);
  child = await dispatcher();
  const end = await until('every e-mail sent or flagged', () => statuses(ids), (s) => s.every((x) => x === 'sent' || x === 'uncertain'));
  await sleep(1_000); // a few more polls: nothing may be sent again on its own
  await kill9(child);
  const counts = byMessageId();
  const duplicated = [...counts.values()].filter((n) => n > 1).length;
  const uncertain = end.filter((s) => s === 'uncertain').length;
  const incidents = await db.selectFrom('incidents').select(['status', 'error_type']).where('workflow_type', '=', 'outbox').execute();
  process.stdout.write(`faults smoke 1b: e-mails 3, received ${received.length}, duplicated ${duplicated}, uncertain ${uncertain}, lost ${3 - received.length - 0}\n`);
  expect(duplicated).toBe(0);
  expect(uncertain).toBe(1);
  expect(incidents).toEqual([{ status: 'open', error_type: 'DeliveryUncertain' }]);
  // Nothing lost: the two others arrived once each, the uncertain one arrived once (the operator resolves it).
  expect(received).toHaveLength(3);
}, 150_000);

it('check 5 in small: e-mails queued while SMTP is away are sent once each when it returns', async () => {
  received.length = 0;
  await smtpDown();
  const child = await dispatcher();
  const ids = await queue('away', 4);
  await until('several rounds against the refused port', async () => (await db.selectFrom('outbox_messages').select('attempts').where('id', 'in', ids).execute()).map((r) => r.attempts), (a) => a.every((n) => n >= 3));
  // Nothing ended while SMTP is away: each e-mail waits (queued), or is in the attempt under way
  // this very moment (sending is committed before the dispatcher calls the server).
  expect((await statuses(ids)).filter((s) => s !== 'queued' && s !== 'sending')).toEqual([]);
  await smtpUp();
  await until('all sent after SMTP returned', () => statuses(ids), (s) => s.every((x) => x === 'sent'));
  await sleep(600);
  await kill9(child);
  const duplicated = [...byMessageId().values()].filter((n) => n > 1).length;
  process.stdout.write(`faults smoke 5: e-mails 4, received ${received.length}, duplicated ${duplicated}, lost ${4 - received.length}\n`);
  expect(received).toHaveLength(4);
  expect(duplicated).toBe(0);
}, 150_000);
