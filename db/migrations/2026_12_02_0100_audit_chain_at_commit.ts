import { type Kysely, sql } from 'kysely';

// Frozen in time: takes Kysely<any> and imports nothing from the application.
// Issue 15: the audit chain is appended at COMMIT instead of at INSERT (docs/security.md, "Audit
// trail"; docs/performance.md, section 4). Migration 0090 chained a record in its BEFORE INSERT
// trigger under a transaction-level advisory lock, so the lock was held from the insert until the
// client sent COMMIT: under load every writer of the product queued behind a holder that sat
// "idle in transaction" waiting for its own process. Now:
// - the BEFORE INSERT trigger `audit_log_chain` only hands out the id and clears the chain's columns
//   (whatever the application sends for them is dropped, as before);
// - a deferred constraint trigger `audit_log_chain_at_commit` runs while the transaction commits,
//   takes the same lock, and sets `chain_seq` (the chain's order: the order of the commits), the
//   `prev_hash` of the record before it in that order and the `hash`. The lock is held from there to
//   the end of the commit, inside the server: no client round trip. A committed record is always
//   chained; an unchained one is only ever seen by the transaction that inserts it.
// - `audit_log_append_only` becomes a row trigger: it still refuses every DELETE and every UPDATE,
//   except the chain's own, once, of a record not chained yet whose content it leaves untouched.
// The hash's content and function are unchanged (audit_log_chain_hash, 0090); existing records
// keep their hashes and take their id as chain_seq (0090's chain order was the id order).

/** Key of the transaction-level advisory lock that serialises appends to the chain ("auditlog"), as in 0090. */
const CHAIN_LOCK_KEY = '7022344793451884391';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table audit_log add column chain_seq bigint`.execute(db);
  await sql`alter table audit_log disable trigger audit_log_append_only`.execute(db);
  await sql`update audit_log set chain_seq = id`.execute(db);
  await sql`alter table audit_log enable trigger audit_log_append_only`.execute(db);
  await sql`create unique index audit_log_chain_seq_idx on audit_log (chain_seq)`.execute(db);
  await sql`alter table audit_log alter column prev_hash drop not null, alter column hash drop not null`.execute(db);

  // READ COMMITTED only, refused at the insert already: the chaining at commit must see the record
  // committed by the previous holder of the lock, which a REPEATABLE READ snapshot could miss.
  await sql`
    create or replace function audit_log_chain() returns trigger language plpgsql as $$
    begin
      if current_setting('transaction_isolation') <> 'read committed' then
        raise exception 'audit_log records are chained under READ COMMITTED only, not %', current_setting('transaction_isolation');
      end if;
      new.id := nextval(pg_get_serial_sequence('audit_log', 'id'));
      new.chain_seq := null;
      new.prev_hash := null;
      new.hash := null;
      return new;
    end;
    $$`.execute(db);

  // SECURITY DEFINER: the application's role may not UPDATE the audit log; this function, owned by
  // the table's owner, is the only writer of the chain's columns. A trigger function cannot be
  // called directly.
  await sql.raw(`
    create function audit_log_chain_at_commit() returns trigger language plpgsql security definer as $$
    declare
      last_seq bigint;
      last_hash text;
    begin
      perform pg_advisory_xact_lock(${CHAIN_LOCK_KEY});
      select a.chain_seq, a.hash into last_seq, last_hash
        from audit_log a where a.chain_seq is not null order by a.chain_seq desc limit 1;
      update audit_log a
         set chain_seq = coalesce(last_seq, 0) + 1,
             prev_hash = coalesce(last_hash, repeat('0', 64)),
             hash = audit_log_chain_hash(coalesce(last_hash, repeat('0', 64)), a)
       where a.id = new.id and a.chain_seq is null;
      return null;
    end;
    $$`).execute(db);

  await sql`
    create function audit_log_append_only_row() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and old.chain_seq is null and new.chain_seq is not null
         and (new.id, new.occurred_at, new.actor_id, new.actor_role, new.action, new.subject_type,
              new.subject_id, new.details, new.request_id, new.idempotency_key)
             is not distinct from
             (old.id, old.occurred_at, old.actor_id, old.actor_role, old.action, old.subject_type,
              old.subject_id, old.details, old.request_id, old.idempotency_key) then
        return new;
      end if;
      raise exception 'audit_log is append-only';
    end;
    $$`.execute(db);

  await sql`
    do $$
    begin
      execute format('alter function audit_log_chain() set search_path = pg_catalog, %I, pg_temp', current_schema());
      execute format('alter function audit_log_chain_at_commit() set search_path = pg_catalog, %I, pg_temp', current_schema());
      execute format('alter function audit_log_append_only_row() set search_path = pg_catalog, %I, pg_temp', current_schema());
    end;
    $$`.execute(db);
  await sql`revoke all on function audit_log_chain_at_commit() from public`.execute(db);

  await sql`drop trigger audit_log_append_only on audit_log`.execute(db);
  await sql`
    create trigger audit_log_append_only before update or delete on audit_log
    for each row execute function audit_log_append_only_row()`.execute(db);
  await sql`
    create constraint trigger audit_log_chain_at_commit after insert on audit_log
    deferrable initially deferred
    for each row execute function audit_log_chain_at_commit()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists audit_log_chain_at_commit on audit_log`.execute(db);
  await sql`drop function if exists audit_log_chain_at_commit()`.execute(db);
  await sql`drop trigger if exists audit_log_append_only on audit_log`.execute(db);
  await sql`drop function if exists audit_log_append_only_row()`.execute(db);
  // 0090's insert trigger chains in id order again; records chained at commit keep their hashes,
  // so a verification in id order holds only where commits came in id order.
  await sql.raw(`
    create or replace function audit_log_chain() returns trigger language plpgsql as $$
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
  await sql`
    create trigger audit_log_append_only before update or delete on audit_log
    for each statement execute function audit_log_is_append_only()`.execute(db);
  await sql`drop index if exists audit_log_chain_seq_idx`.execute(db);
  await sql`alter table audit_log drop column if exists chain_seq`.execute(db);
  await sql`alter table audit_log alter column prev_hash set not null, alter column hash set not null`.execute(db);
}
