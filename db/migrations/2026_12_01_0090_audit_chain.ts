import { type Kysely, sql } from 'kysely';

// Frozen in time: takes Kysely<any> and imports nothing from the application.
// The audit trail the application cannot rewrite (docs/security.md, "Audit trail"):
// - a TRUNCATE trigger beside the UPDATE/DELETE one (statement-level, refuses);
// - a hash chain: every record carries `prev_hash` (the `hash` of the record before it, 64 zeros
//   for the first) and `hash` = hex(SHA-256(prev_hash || content)), computed by a BEFORE INSERT
//   trigger under an advisory lock, which also hands out the id, so the chain order is the id
//   order even with concurrent inserts. `content` is the record as a JSON array of its columns
//   (jsonb's text form is canonical; the time in UTC to the microsecond). db/repositories/audit.ts
//   (verifyAuditChain) recomputes the same text and hash; keep the two in step.
// Built-in sha256(bytea) (PostgreSQL ≥ 11), so no extension is needed; the same on PGlite.
// Which role may do what is set by `npm run migrate` with APP_DATABASE_ROLE (db/migrate.ts).

/** Key of the transaction-level advisory lock that serialises appends to the chain ("auditlog"). */
const CHAIN_LOCK_KEY = '7022344793451884391';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_is_append_only()`.execute(db);

  await sql`alter table audit_log add column prev_hash text, add column hash text`.execute(db);

  await sql`
    create function audit_log_chain_hash(prev_hash text, a audit_log) returns text
    language sql stable as $$
      select encode(sha256(convert_to(prev_hash || jsonb_build_array(
        a.id,
        to_char(a.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        a.actor_id, a.actor_role, a.action, a.subject_type, a.subject_id, a.details,
        a.request_id, a.idempotency_key
      )::text, 'UTF8')), 'hex')
    $$`.execute(db);

  // READ COMMITTED only: each statement of the function then sees the record committed by the
  // previous holder of the lock. Under REPEATABLE READ the snapshot could predate it and fork the chain.
  await sql.raw(`
    create function audit_log_chain() returns trigger language plpgsql as $$
    declare
      previous text;
    begin
      if current_setting('transaction_isolation') <> 'read committed' then
        raise exception 'audit_log records are chained under READ COMMITTED only, not %', current_setting('transaction_isolation');
      end if;
      perform pg_advisory_xact_lock(${CHAIN_LOCK_KEY});
      new.id := nextval(pg_get_serial_sequence('audit_log', 'id'));
      select a.hash into previous from audit_log a order by a.id desc limit 1;
      new.prev_hash := coalesce(previous, repeat('0', 64));
      new.hash := audit_log_chain_hash(new.prev_hash, new);
      return new;
    end;
    $$`).execute(db);

  // Name resolution fixed to this schema: a temporary table or function named like ours must not
  // stand in for it (pg_temp last, never first).
  await sql`
    do $$
    begin
      execute format('alter function audit_log_chain() set search_path = pg_catalog, %I, pg_temp', current_schema());
      execute format('alter function audit_log_chain_hash(text, audit_log) set search_path = pg_catalog, %I, pg_temp', current_schema());
    end;
    $$`.execute(db);

  // Existing records, chained in id order. The append-only trigger is set aside for this only,
  // inside the migration's transaction (the owner may; the application's role may not).
  await sql`alter table audit_log disable trigger audit_log_append_only`.execute(db);
  await sql`
    do $$
    declare
      r audit_log;
      prev text := repeat('0', 64);
      h text;
    begin
      for r in select * from audit_log order by id loop
        h := audit_log_chain_hash(prev, r);
        update audit_log set prev_hash = prev, hash = h where id = r.id;
        prev := h;
      end loop;
    end;
    $$`.execute(db);
  await sql`alter table audit_log enable trigger audit_log_append_only`.execute(db);
  await sql`alter table audit_log alter column prev_hash set not null, alter column hash set not null`.execute(db);

  await sql`
    create trigger audit_log_chain before insert on audit_log
    for each row execute function audit_log_chain()`.execute(db);
  // The trigger hands out every id (under the lock); a column default would only burn one first.
  await sql`alter table audit_log alter column id drop default`.execute(db);
  // Nobody but the owner and the roles granted by `npm run migrate` (db/migrate.ts).
  await sql`revoke all on audit_log from public`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    do $$
    begin
      execute format('alter table audit_log alter column id set default nextval(%L::regclass)', pg_get_serial_sequence('audit_log', 'id'));
    end;
    $$`.execute(db);
  await sql`drop trigger if exists audit_log_chain on audit_log`.execute(db);
  await sql`drop function if exists audit_log_chain()`.execute(db);
  await sql`drop function if exists audit_log_chain_hash(text, audit_log)`.execute(db);
  await sql`alter table audit_log drop column if exists prev_hash, drop column if exists hash`.execute(db);
  await sql`drop trigger if exists audit_log_no_truncate on audit_log`.execute(db);
}
