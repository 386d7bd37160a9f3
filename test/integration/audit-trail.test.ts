/**
 * The audit trail the application cannot rewrite (issue 11, point 4; docs/security.md "Audit
 * trail"), against the real PostgreSQL: the application's role (the run's role of global-setup.ts,
 * with the grants of `npm run migrate` + APP_DATABASE_ROLE) is refused every way of changing or
 * removing records, the hash chain verifies, and a record the owner alters behind the triggers'
 * back is found by the verification (repository, and GET /audit/verify).
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../../api/app.js';
import { connectDatabase } from '../../db/connect.js';
import { ApplicationRoleError, grantApplicationRole, migrateToLatest } from '../../db/migrate.js';
import { migrations } from '../../db/migrations/index.js';
import { AUDIT_CHAIN_GENESIS, recordAudit, verifyAuditChain } from '../../db/repositories/audit.js';
import type { Database } from '../../db/schema.js';
import { createTokenService } from '../../api/auth/tokens.js';
import { startTestSystem, type TestSystem } from './harness.js';

const CHAIN_MIGRATION = '2026_12_01_0090_audit_chain';
const caseManager = 'u-kb-antwerpen-1';

let sys: TestSystem;
let databaseName: string;
let app: FastifyInstance;
let adminToken: string;
let caseManagerToken: string;
/** A plain `pg` connection as the application's role: what a compromised API or worker could send. */
let asApp: pg.Client;
const suffix = randomBytes(4).toString('hex');

function urlFor(database: string, user?: string): string {
  const url = new URL(inject('pgAdminUrl'));
  if (user) {
    url.username = user;
    url.password = '';
  }
  url.pathname = `/${database}`;
  return url.toString();
}

async function adminQuery(text: string) {
  const client = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

const entry = (n: number, overrides: Partial<{ actor_id: string; subject_type: string; subject_id: string }> = {}) => ({
  actor_id: overrides.actor_id ?? 'u-test',
  actor_role: 'admin',
  action: 'test.audit',
  subject_type: overrides.subject_type ?? 'test',
  subject_id: overrides.subject_id ?? `T-${n}`,
  details: JSON.stringify({ n, text: 'één "quote" \\ backslash' }),
  request_id: `req-${n}`,
  idempotency_key: `audit-trail-${suffix}-${n}`,
});

beforeAll(async () => {
  sys = await startTestSystem();
  databaseName = (await sql<{ name: string }>`select current_database() as name`.execute(sys.db)).rows[0]!.name;
  asApp = new pg.Client({ connectionString: urlFor(databaseName, inject('pgAppRole')) });
  await asApp.connect();
  // The API as in api/app.ts, with the audit routes (registered here too until app.ts has them).
  const tokens = createTokenService(randomBytes(32).toString('hex'), 'handhaving-test');
  app = await buildApp(
    { db: sys.appDb, temporal: sys.temporal, namespace: inject('temporalNamespace'), taskQueue: sys.taskQueue, tokens, settings: sys.settings },
    { logger: false, bodyLimit: 64 * 1024 },
  );
  await app.ready();
  adminToken = tokens.sign({ sub: 'u-admin', role: 'from-db', name: 'u-admin' });
  caseManagerToken = tokens.sign({ sub: caseManager, role: 'from-db', name: caseManager });
});

afterAll(async () => {
  await asApp?.end();
  await app?.close();
  await sys?.stop();
});

describe('the application role', () => {
  it('is neither superuser nor owner, and holds only SELECT and INSERT on audit_log', async () => {
    const role = inject('pgAppRole');
    const { rows: [attrs] } = await sql<{ rolsuper: boolean; rolbypassrls: boolean; rolreplication: boolean; owner: string; ownerPrivileges: boolean }>`
      select rolsuper, rolbypassrls, rolreplication, t.tableowner as owner, pg_has_role(${role}, t.tableowner, 'USAGE') as "ownerPrivileges"
      from pg_roles, pg_tables t where rolname = ${role} and t.tablename = 'audit_log' and t.schemaname = current_schema()`.execute(sys.db);
    expect(attrs).toMatchObject({ rolsuper: false, rolbypassrls: false, rolreplication: false, ownerPrivileges: false });
    expect(attrs!.owner).not.toBe(role);
    const privileges: Record<string, boolean> = {};
    for (const p of ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) {
      const { rows: [r] } = await sql<{ has: boolean }>`select has_table_privilege(${role}, 'audit_log', ${p}) as has`.execute(sys.db);
      privileges[p] = r!.has;
    }
    expect(privileges).toEqual({ SELECT: true, INSERT: true, UPDATE: false, DELETE: false, TRUNCATE: false, REFERENCES: false, TRIGGER: false });
    // The current connection of the API and the worker is that role.
    const { rows: [who] } = await sql<{ user: string }>`select current_user as user`.execute(sys.appDb);
    expect(who!.user).toBe(role);
  });

  it('may INSERT and SELECT; the database sets the chain hashes when the insert commits', async () => {
    const inserted = await asApp.query(
      `insert into audit_log (id, actor_id, actor_role, action, subject_type, subject_id, details, chain_seq, prev_hash, hash)
       values (987654321, 'u-test', 'admin', 'test.direct', 'test', 'T-direct', '{}', 1, 'forged', 'forged') returning id, chain_seq, prev_hash, hash`,
    );
    // Inside the statement the record is not chained yet; what was sent for the chain is dropped.
    const row = inserted.rows[0] as { id: string; chain_seq: string | null; prev_hash: string | null; hash: string | null };
    expect(row).toMatchObject({ chain_seq: null, prev_hash: null, hash: null });
    expect(row.id).not.toBe('987654321');
    const read = await asApp.query('select chain_seq, prev_hash, hash from audit_log where id = $1', [row.id]);
    expect(read.rows[0].prev_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(read.rows[0].hash).toMatch(/^[0-9a-f]{64}$/);
    expect(Number(read.rows[0].chain_seq)).toBeGreaterThan(0);
    await recordAudit(sys.appDb, entry(1));
    expect((await verifyAuditChain(sys.appDb)).valid).toBe(true);
  });

  it('does not hold the chain while a transaction that wrote a record is still open', async () => {
    const other = new pg.Client({ connectionString: urlFor(databaseName, inject('pgAppRole')) });
    await other.connect();
    try {
      // The first writer inserts and stays open (as a client waiting for its own process would).
      await asApp.query('begin');
      const first = await asApp.query(`insert into audit_log (actor_id, actor_role, action, subject_type, subject_id) values ('u-test', 'admin', 'test.open', 'test', 'T-open-1') returning id`);
      // The second writer must not wait for it: a lock wait would fail at once under this timeout.
      await other.query(`set lock_timeout = '200ms'`);
      const second = await other.query(`insert into audit_log (actor_id, actor_role, action, subject_type, subject_id) values ('u-test', 'admin', 'test.open', 'test', 'T-open-2') returning id`);
      await asApp.query('commit');
      // Chained in the order of the commits, not of the ids.
      const rows = await sys.db.selectFrom('audit_log').select(['id', 'chain_seq', 'prev_hash', 'hash'])
        .where('id', 'in', [first.rows[0].id, second.rows[0].id]).orderBy('chain_seq').execute();
      expect(rows.map((r) => r.id)).toEqual([second.rows[0].id, first.rows[0].id]);
      expect(BigInt(rows[0]!.id)).toBeGreaterThan(BigInt(rows[1]!.id));
      expect(Number(rows[1]!.chain_seq)).toBe(Number(rows[0]!.chain_seq) + 1);
      expect(rows[1]!.prev_hash).toBe(rows[0]!.hash);
      expect(await verifyAuditChain(sys.appDb)).toMatchObject({ valid: true, firstBrokenId: null });
    } finally {
      await asApp.query('rollback').catch(() => undefined);
      await other.end();
    }
  });

  it('refuses a record in a REPEATABLE READ transaction, whose snapshot could fork the chain', async () => {
    await asApp.query('begin isolation level repeatable read');
    try {
      await expect(asApp.query(`insert into audit_log (actor_id, actor_role, action, subject_type, subject_id) values ('u-test', 'admin', 'test.rr', 'test', 'T-rr')`))
        .rejects.toThrow(/READ COMMITTED only/);
    } finally {
      await asApp.query('rollback');
    }
  });

  it.each([
    ['UPDATE', 'update audit_log set action = $$rewritten$$', /permission denied/],
    ['DELETE', 'delete from audit_log', /permission denied/],
    ['TRUNCATE', 'truncate audit_log', /permission denied/],
    ['DISABLE TRIGGER', 'alter table audit_log disable trigger audit_log_append_only', /must be owner/],
    ['DISABLE TRIGGER ALL', 'alter table audit_log disable trigger all', /must be owner/],
    ['session_replication_role', 'set session_replication_role = replica', /permission denied to set parameter/],
    ['DROP TRIGGER', 'drop trigger audit_log_append_only on audit_log', /must be owner/],
    ['DROP TRIGGER (chain)', 'drop trigger audit_log_chain on audit_log', /must be owner/],
    ['DROP TRIGGER (chain at commit)', 'drop trigger audit_log_chain_at_commit on audit_log', /must be owner/],
    ['ALTER TABLE', 'alter table audit_log add column note text', /must be owner/],
    ['DROP TABLE', 'drop table audit_log', /must be owner/],
    ['replace the chain function', 'create or replace function audit_log_chain() returns trigger language plpgsql as $$ begin return new; end $$', /must be owner|permission denied/],
  ])('is refused %s on the audit log', async (_what, statement, error) => {
    const before = await sql<{ n: string; last: string }>`select count(*) as n, max(hash) as last from audit_log`.execute(sys.db);
    await expect(asApp.query(statement)).rejects.toThrow(error);
    const after = await sql<{ n: string; last: string }>`select count(*) as n, max(hash) as last from audit_log`.execute(sys.db);
    expect(after.rows).toEqual(before.rows);
  });

  it('cannot feed the chain a forged previous record through a temporary table', async () => {
    await asApp.query('create temp table audit_log (id bigint, hash text)');
    try {
      await asApp.query(`insert into pg_temp.audit_log values (9223372036854775000, '${'f'.repeat(64)}')`);
      const { rows } = await asApp.query(
        `insert into public.audit_log (actor_id, actor_role, action, subject_type, subject_id) values ('u-test', 'admin', 'test.temp', 'test', 'T-temp') returning id`,
      );
      const chained = await asApp.query('select prev_hash from public.audit_log where id = $1', [rows[0].id]);
      expect(chained.rows[0].prev_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(chained.rows[0].prev_hash).not.toBe('f'.repeat(64));
    } finally {
      await asApp.query('drop table pg_temp.audit_log');
    }
    expect(await verifyAuditChain(sys.appDb)).toMatchObject({ valid: true, firstBrokenId: null });
  });
});

describe('the owner', () => {
  it('is refused UPDATE, DELETE and TRUNCATE by the triggers', async () => {
    await expect(sql`update audit_log set action = 'x'`.execute(sys.db)).rejects.toThrow(/append-only/);
    await expect(sql`update audit_log set chain_seq = chain_seq + 1000000`.execute(sys.db)).rejects.toThrow(/append-only/);
    await expect(sql`update audit_log set hash = ${'0'.repeat(64)}`.execute(sys.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log`.execute(sys.db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_log`.execute(sys.db)).rejects.toThrow(/append-only/);
  });
});

describe('the hash chain', () => {
  it('links every record, also when written concurrently and through the API', async () => {
    const dossier = await sys.db.selectFrom('dossiers').select('id').where('case_manager_id', '=', caseManager).orderBy('id').executeTakeFirstOrThrow();
    const note = await sys.http(`/dossiers/${dossier.id}/notes`, {
      method: 'POST', as: caseManager, json: { text: 'Audit trail test.' }, headers: { 'idempotency-key': `audit-trail-${suffix}` },
    });
    expect(note.status).toBe(201);
    // Ten connections at once: the advisory lock taken at each commit keeps one chain.
    const pool = await connectDatabase({ kind: 'postgres', url: urlFor(databaseName, inject('pgAppRole')), poolSize: 10 });
    try {
      await Promise.all(Array.from({ length: 40 }, (_, i) => recordAudit(pool.db, entry(100 + i, { actor_id: i % 2 ? 'u-odd' : 'u-even' }))));
    } finally {
      await pool.db.destroy();
    }
    const rows = await sys.db.selectFrom('audit_log').select(['id', 'chain_seq', 'prev_hash', 'hash']).orderBy('chain_seq').execute();
    expect(rows[0]!.prev_hash).toBe(AUDIT_CHAIN_GENESIS);
    rows.forEach((row, i) => expect(Number(row.chain_seq), `record ${row.id}`).toBe(Number(rows[0]!.chain_seq) + i));
    rows.slice(1).forEach((row, i) => expect(row.prev_hash, `record ${row.id}`).toBe(rows[i]!.hash));
    expect(new Set(rows.map((r) => r.hash)).size).toBe(rows.length);

    const result = await verifyAuditChain(sys.appDb, { batchSize: 7 });
    expect(result).toEqual({ valid: true, checked: rows.length, firstBrokenId: null, lastHash: rows[rows.length - 1]!.hash });
  });

  it('finds a record the owner altered behind the triggers, and where', async () => {
    const victim = await sys.db.selectFrom('audit_log').select(['id', 'chain_seq', 'details']).where('actor_id', '=', 'u-odd').orderBy('chain_seq').executeTakeFirstOrThrow();
    const tamper = async (details: unknown) => {
      await sys.db.transaction().execute(async (tx) => {
        await sql`alter table audit_log disable trigger audit_log_append_only`.execute(tx);
        await sql`update audit_log set details = ${JSON.stringify(details)}::jsonb where id = ${victim.id}`.execute(tx);
        await sql`alter table audit_log enable trigger audit_log_append_only`.execute(tx);
      });
    };
    await tamper({ n: 'rewritten' });
    const broken = await verifyAuditChain(sys.appDb);
    expect(broken).toMatchObject({ valid: false, firstBrokenId: victim.id });
    const before = await sys.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<string>().as('n')).where('chain_seq', '<', victim.chain_seq).executeTakeFirstOrThrow();
    expect(broken.checked).toBe(Number(before.n) + 1);

    const res = await app.inject({ method: 'GET', url: '/audit/verify', headers: { authorization: `Bearer ${adminToken}` } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ valid: false, firstBrokenId: victim.id, checked: broken.checked });

    // Put back as it was: the chain holds again (the hash covers the content, nothing else).
    await tamper(victim.details);
    expect((await verifyAuditChain(sys.appDb)).valid).toBe(true);
  });

  it('finds a committed record the chain never took (its trigger set aside)', async () => {
    const id = await sys.db.transaction().execute(async (tx) => {
      await sql`alter table audit_log disable trigger audit_log_chain_at_commit`.execute(tx);
      const row = await tx.insertInto('audit_log').values(entry(900)).returning('id').executeTakeFirstOrThrow();
      await sql`alter table audit_log enable trigger audit_log_chain_at_commit`.execute(tx);
      return row.id;
    });
    expect(await verifyAuditChain(sys.appDb)).toMatchObject({ valid: false, firstBrokenId: String(id) });
    await sys.db.transaction().execute(async (tx) => {
      await sql`alter table audit_log disable trigger audit_log_append_only`.execute(tx);
      await sql`delete from audit_log where id = ${id}`.execute(tx);
      await sql`alter table audit_log enable trigger audit_log_append_only`.execute(tx);
    });
    expect((await verifyAuditChain(sys.appDb)).valid).toBe(true);
  });

  it('finds a record the owner removed, at the record after it', async () => {
    const ids = await sys.db.selectFrom('audit_log').select('id').where('actor_id', '=', 'u-even').orderBy('chain_seq').limit(2).execute();
    // occurred_at as text: a JavaScript Date would drop its microseconds, and the hash covers them.
    const full = await sys.db.selectFrom('audit_log').selectAll().select(sql<string>`occurred_at::text`.as('occurred')).where('id', '=', ids[0]!.id).executeTakeFirstOrThrow();
    const next = await sys.db.selectFrom('audit_log').select('id').where('chain_seq', '>', full.chain_seq).orderBy('chain_seq').executeTakeFirstOrThrow();
    await sys.db.transaction().execute(async (tx) => {
      await sql`alter table audit_log disable trigger audit_log_append_only`.execute(tx);
      await sql`delete from audit_log where id = ${full.id}`.execute(tx);
      await sql`alter table audit_log enable trigger audit_log_append_only`.execute(tx);
    });
    expect(await verifyAuditChain(sys.appDb)).toMatchObject({ valid: false, firstBrokenId: next.id });
    // Put back, with the chain's triggers out of the way (the owner can; that is the point of the check).
    await sys.db.transaction().execute(async (tx) => {
      await sql`alter table audit_log disable trigger audit_log_chain, disable trigger audit_log_chain_at_commit`.execute(tx);
      await sql`insert into audit_log (id, occurred_at, actor_id, actor_role, action, subject_type, subject_id, details, request_id, idempotency_key, chain_seq, prev_hash, hash)
        values (${full.id}, ${full.occurred}::timestamptz, ${full.actor_id}, ${full.actor_role}, ${full.action}, ${full.subject_type}, ${full.subject_id},
          ${JSON.stringify(full.details)}::jsonb, ${full.request_id}, ${full.idempotency_key}, ${full.chain_seq}, ${full.prev_hash}, ${full.hash})`.execute(tx);
      await sql`alter table audit_log enable trigger audit_log_chain, enable trigger audit_log_chain_at_commit`.execute(tx);
    });
    expect((await verifyAuditChain(sys.appDb)).valid).toBe(true);
  });
});

describe('GET /audit and GET /audit/verify', () => {
  const get = (url: string, token = adminToken) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

  it('answers the verification to an admin only', async () => {
    const res = await get('/audit/verify');
    expect(res.statusCode).toBe(200);
    const total = await sys.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(res.json()).toMatchObject({ valid: true, checked: Number(total.n), firstBrokenId: null });
    expect((await get('/audit/verify', caseManagerToken)).statusCode).toBe(403);
    expect((await get('/audit', caseManagerToken)).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/audit' })).statusCode).toBe(401);
  });

  it('reads the trail by actor, subject, dossier and period, newest first, with paging', async () => {
    const byActor = (await get('/audit?actorId=u-odd&limit=5')).json() as { items: { id: string; actorId: string; hash: string; prevHash: string }[]; total: number };
    expect(byActor.total).toBe(20);
    expect(byActor.items).toHaveLength(5);
    expect(byActor.items.every((e) => e.actorId === 'u-odd')).toBe(true);
    const ids = byActor.items.map((e) => BigInt(e.id));
    expect([...ids].sort((a, b) => (a > b ? -1 : 1))).toEqual(ids);
    const page2 = (await get('/audit?actorId=u-odd&limit=5&offset=5')).json() as { items: { id: string }[] };
    expect(BigInt(page2.items[0]!.id)).toBeLessThan(ids[4]!);

    const bySubject = (await get('/audit?subjectType=test&subjectId=T-101')).json() as { items: { subjectId: string; details: unknown }[]; total: number };
    expect(bySubject.total).toBe(1);
    expect(bySubject.items[0]).toMatchObject({ subjectId: 'T-101', details: { n: 101 } });

    const dossier = await sys.db.selectFrom('dossiers').select('id').where('case_manager_id', '=', caseManager).orderBy('id').executeTakeFirstOrThrow();
    const byDossier = (await get(`/audit?dossierId=${dossier.id}`)).json() as { items: { action: string; subjectId: string }[] };
    expect(byDossier.items.map((e) => e.action)).toContain('dossier.note.add');

    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(((await get(`/audit?from=${encodeURIComponent(future)}`)).json() as { total: number }).total).toBe(0);
    const all = ((await get('/audit?to=' + encodeURIComponent(future))).json() as { total: number }).total;
    expect(all).toBeGreaterThan(40);
    const bad = await get(`/audit?from=${encodeURIComponent(future)}&to=${encodeURIComponent(new Date(0).toISOString())}`);
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe('the migration and the grants', () => {
  it('chains the records that were there before it, in id order', async () => {
    const name = `hh_test_${inject('runId')}_chain_${suffix}`;
    await adminQuery(`create database "${name}"`);
    const { db } = await connectDatabase({ kind: 'postgres', url: urlFor(name), poolSize: 2 });
    try {
      const before = Object.fromEntries(Object.entries(migrations).filter(([n]) => n < CHAIN_MIGRATION));
      const result = await new Migrator({ db, provider: { getMigrations: async () => before } }).migrateToLatest();
      expect(result.error).toBeUndefined();
      for (let n = 0; n < 5; n++) await db.insertInto('audit_log').values(entry(n)).execute();
      expect(await migrateToLatest(db)).toContain(CHAIN_MIGRATION);
      const rows = await db.selectFrom('audit_log').select(['id', 'chain_seq', 'subject_id', 'prev_hash', 'hash']).orderBy('id').execute();
      expect(rows.map((r) => r.subject_id)).toEqual(['T-0', 'T-1', 'T-2', 'T-3', 'T-4']);
      // 0090 chained in id order; the chain at commit (0100) keeps that order for them.
      expect(rows.map((r) => r.chain_seq)).toEqual(rows.map((r) => r.id));
      expect(rows[0]!.prev_hash).toBe(AUDIT_CHAIN_GENESIS);
      await recordAudit(db as Kysely<Database>, entry(5));
      expect(await verifyAuditChain(db as Kysely<Database>)).toMatchObject({ valid: true, checked: 6 });
    } finally {
      await db.destroy();
      await adminQuery(`drop database if exists "${name}" with (force)`);
    }
  });

  it('creates a missing role with only LOGIN, and refuses a superuser or a member of the owner', async () => {
    const role = `hh_test_audit_${suffix}`;
    try {
      const grants = await grantApplicationRole(sys.db, role, { createWithPassword: `pw-${suffix}'"` });
      expect(grants).toMatchObject({ role, created: true, appendOnly: ['audit_log'] });
      expect(grants.readWrite).toContain('meldingen');
      expect(grants.readWrite).not.toContain('kysely_migration');
      const { rows: [attrs] } = await sql<Record<string, boolean>>`
        select rolcanlogin, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls from pg_roles where rolname = ${role}`.execute(sys.db);
      expect(attrs).toEqual({ rolcanlogin: true, rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolreplication: false, rolbypassrls: false });
      // Again: converges, creates nothing.
      expect((await grantApplicationRole(sys.db, role)).created).toBe(false);

      const { rows: [owner] } = await sql<{ owner: string }>`select tableowner as owner from pg_tables where tablename = 'audit_log' and schemaname = current_schema()`.execute(sys.db);
      await adminQuery(`grant "${owner!.owner}" to "${role}"`);
      await expect(grantApplicationRole(sys.db, role)).rejects.toThrow(ApplicationRoleError);
      await expect(grantApplicationRole(sys.db, owner!.owner)).rejects.toThrow(/SUPERUSER|privileges of/);
      await expect(grantApplicationRole(sys.db, `hh_test_missing_${suffix}`)).rejects.toThrow(/does not exist/);
    } finally {
      await sql`drop owned by ${sql.id(role)}`.execute(sys.db).catch(() => undefined);
      await adminQuery(`drop role if exists "${role}"`);
    }
  });
});

describe('on the embedded database (PGlite, one superuser role)', () => {
  it('keeps the triggers and the hash chain; verification finds an altered record', async () => {
    const { db } = await connectDatabase({ kind: 'embedded', dataDir: undefined });
    try {
      await migrateToLatest(db);
      for (let n = 0; n < 4; n++) await recordAudit(db, entry(n));
      await Promise.all([4, 5, 6].map((n) => recordAudit(db, entry(n))));
      expect(await verifyAuditChain(db)).toMatchObject({ valid: true, checked: 7, firstBrokenId: null });
      for (const statement of [sql`update audit_log set action = 'x'`, sql`delete from audit_log`, sql`truncate audit_log`]) {
        await expect(statement.execute(db)).rejects.toThrow(/append-only/);
      }
      // The single role may set the trigger aside (what does not hold there); the chain shows it.
      const victim = await db.selectFrom('audit_log').select('id').orderBy('id').offset(2).limit(1).executeTakeFirstOrThrow();
      await db.transaction().execute(async (tx) => {
        await sql`alter table audit_log disable trigger audit_log_append_only`.execute(tx);
        await sql`update audit_log set actor_id = 'someone-else' where id = ${victim.id}`.execute(tx);
        await sql`alter table audit_log enable trigger audit_log_append_only`.execute(tx);
      });
      expect(await verifyAuditChain(db)).toMatchObject({ valid: false, checked: 3, firstBrokenId: String(victim.id) });
    } finally {
      await db.destroy();
    }
  });
});
