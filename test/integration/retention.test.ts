import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useRequestKey } from '../../db/repositories/idempotent-requests.js';
import { erasedText } from '../../db/repositories/retention.js';
import { ensureRetentionSchedule } from '../../workflows/retention/schedule.js';
import { addDays, fromBrusselsLocal, localDateOf, toIsoUtc } from '../../workflows/clock/brussels-time.js';
import type { RetentionProgress, RetentionRunInput, RetentionSettings } from '../../workflows/retention/definitions.js';
import { startTestSystem, type TestSystem } from './harness.js';
import { eventually, getMelding, locationOfTeam, personalIntake, post, replayAll } from './melding-helpers.js';

// Retention of reports' personal data (docs/retention.md): the daily run erases what is personal
// a configurable time after closure, keeps the statistics, and records once per report that it did.

let sys: TestSystem;
let location: Awaited<ReturnType<typeof locationOfTeam>>;
const coordinator = 'u-tc-antwerpen';
const retentionDays = 30;

/** Markers in every personal field: none may survive the erasure. */
const marker = {
  name: 'Zzreporter Retentie',
  email: 'zz.retentie@voorbeeld.test',
  phone: '+32 470 11 22 33',
  child: 'Zzkindje Bewaar',
  address: 'Zzstraat 17, 2000 Antwerpen',
  ref: `KLA-ZZ-${Date.now()}`,
  triageReason: 'Zzreden: de melder Zzreporter belde nogmaals',
  ackNote: 'Zznotitie: gesprek met Zzreporter',
  feedback: 'Zzterugkoppeling aan Zzreporter',
  followUpNote: 'Zzopvolging over Zzkindje',
};
const markers = Object.values(marker);
const leaks = (value: unknown) => markers.filter((m) => JSON.stringify(value).includes(m));

beforeAll(async () => {
  sys = await startTestSystem();
  location = await locationOfTeam(sys, 'team-antwerpen');
});
afterAll(async () => sys?.stop());

async function run(asOf: string, batchSize = 2, more: Partial<RetentionSettings> = {}): Promise<RetentionProgress> {
  const input: RetentionRunInput = { asOf, triggeredBy: { id: 'systeem', role: 'systeem' }, settings: { retentionDays, batchSize, ...more } };
  return sys.temporal.workflow.execute('retentionRunWorkflow', {
    taskQueue: sys.taskQueue,
    workflowId: `retention-test-${sys.taskQueue}-${Math.random().toString(16).slice(2)}`,
    args: [input],
  });
}

/** Noon in Brussels, `days` days from today's Brussels date: not moved by a summer-time switch. */
const brusselsNoonIn = (days: number) => toIsoUtc(fromBrusselsLocal(addDays(localDateOf(Date.now()), days), 12 * 3600_000));

/** Closed reports of long ago, inserted directly: the harness seeds history without a register of reports. */
async function insertOldClosedReports(n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, i) => `MEL-OLD-RET-${i + 1}`);
  for (const [i, id] of ids.entries()) {
    const closedAt = new Date(Date.UTC(2025, 0, 10 + i, 14));
    await sys.db.insertInto('meldingen').values({
      id,
      workflow_id: `melding:${id}`,
      idempotency_key: `old-key-${i}`,
      external_ref: `${marker.ref}-old-${i}`,
      source: 'derde',
      channel: 'email',
      received_at: new Date(closedAt.getTime() - 5 * 86_400_000),
      reporter: { name: marker.name, email: marker.email, phone: marker.phone },
      location_id: location.location_id,
      organiser_id: null,
      dossier_id: location.id,
      address_text: marker.address,
      description: `Oude melding over ${marker.child}`,
      categories: JSON.stringify(['kwaliteit_pedagogisch']),
      immediate_danger: false,
      triage_proposed: 'regulier',
      triage: 'regulier',
      triage_confirmed: true,
      phase: 'afgesloten',
      assignee_id: location.case_manager_id,
      team_id: location.team_id,
      due_at: null,
      deadline_paused: false,
      overdue: false,
      follow_ups: JSON.stringify([{ kind: 'doorgestuurd', forwardedTo: 'VECK', note: marker.followUpNote }]),
      closed_at: closedAt,
      created_by: coordinator,
      version: 6,
    }).execute();
    await sys.db.insertInto('timeline_entries').values({
      dossier_id: location.id,
      occurred_at: closedAt,
      kind: 'melding',
      title: 'Afgesloten: doorgestuurd',
      details: JSON.stringify({ meldingId: id, action: 'melding.closed', phase: 'afgesloten', followUps: [{ kind: 'doorgestuurd', forwardedTo: 'VECK', note: marker.followUpNote }], noFeedbackReason: marker.triageReason }),
      actor_id: coordinator,
      idempotency_key: `melding:${id}:v6`,
    }).execute();
    await sys.db.insertInto('outbox_messages').values({
      idempotency_key: `feedback:${id}:v5`,
      channel: 'email',
      recipient_user_id: null,
      recipient_address: marker.email,
      template: 'terugkoppeling_melder',
      subject: `Uw melding over kinderopvang (referentie ${id})`,
      body: `Beste ${marker.name},\n\n${marker.feedback}`,
      subject_type: 'melding',
      subject_id: id,
      last_error: null,
      sent_at: null,
    }).execute();
  }
  // An internal alert to staff (no reporter data) and an incident whose error quotes a value.
  await sys.db.insertInto('outbox_messages').values({
    idempotency_key: `escalation:${ids[0]}:x`, channel: 'intern', recipient_user_id: coordinator, recipient_address: null,
    template: 'escalatie_teamcoordinator', subject: 'Escalatie', body: 'De melding is te laat opgenomen.', subject_type: 'melding', subject_id: ids[0]!, last_error: null, sent_at: null,
  }).execute();
  await sys.db.insertInto('incidents').values({
    id: randomUUID(), status: 'opgelost', workflow_id: `melding:${ids[0]}`, run_id: 'r', workflow_type: 'meldingWorkflow', activity_type: 'saveMelding',
    kind: 'gegevens', error_type: 'DataError', message: `value "${marker.email}" too long`, attempts: 1, team_id: location.team_id, dossier_id: location.id,
    retry_requested_by: null, retry_requested_at: null, resolved_at: new Date(),
  }).execute();
  return ids;
}

/** Everything a report has in PostgreSQL: register row, its timeline entries, outbox, incidents, audit. */
async function footprint(id: string) {
  const [row, timeline, outbox, incidents, erasures] = await Promise.all([
    sys.db.selectFrom('meldingen').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
    sys.db.selectFrom('timeline_entries').select(['id', 'kind', 'title', 'details', 'occurred_at']).where(sql`details->>'meldingId'`, '=', id).orderBy('id').execute(),
    sys.db.selectFrom('outbox_messages').selectAll().where('subject_type', '=', 'melding').where('subject_id', '=', id).orderBy('id').execute(),
    sys.db.selectFrom('incidents').selectAll().where('workflow_id', '=', `melding:${id}`).execute(),
    sys.db.selectFrom('audit_log').selectAll().where('subject_id', '=', id).where('action', '=', 'melding.personal_data_erased').execute(),
  ]);
  return { row, timeline, outbox, incidents, erasures };
}

describe('the retention run', () => {
  let oldIds: string[];
  let closedId: string;
  let openId: string;
  const statistics = ['received_at', 'closed_at', 'phase', 'triage', 'triage_proposed', 'categories', 'location_id', 'dossier_id', 'team_id', 'source', 'channel', 'immediate_danger', 'created_at', 'version'] as const;
  let before: Awaited<ReturnType<typeof footprint>>;

  it('registers, handles and closes a report through the API, and leaves an open one', async () => {
    const handler = location.case_manager_id!;
    const created = await post(sys, '/meldingen', coordinator, personalIntake(location.location_id, marker,
      `De verzorgers lieten ${marker.child} lang alleen in de slaapkamer.`, ['kwaliteit_pedagogisch', 'communicatie_ouders']));
    expect(created.status).toBe(201);
    closedId = created.body.id;
    expect((await post(sys, `/meldingen/${closedId}/triage`, handler, { triage: 'regulier', reason: marker.triageReason })).status).toBe(200);
    expect((await post(sys, `/meldingen/${closedId}/acknowledge`, handler, { note: marker.ackNote })).status).toBe(200);
    expect((await post(sys, `/meldingen/${closedId}/feedback`, handler, { channel: 'email', message: marker.feedback })).status).toBe(200);
    const closed = await post(sys, `/meldingen/${closedId}/close`, handler, { followUps: [{ kind: 'toegevoegd_aan_dossier', note: marker.followUpNote }, { kind: 'geen_gevolg' }] });
    expect(closed.status).toBe(200);
    await eventually(() => getMelding(sys, closedId, handler), (r) => r.phase === 'afgesloten');

    const open = await post(sys, '/meldingen', coordinator, {
      source: 'derde',
      channel: 'telefoon',
      reporter: { name: marker.name, phone: marker.phone },
      location: { locationId: location.location_id },
      description: `Nog open: ${marker.child} viel van de trap.`,
      categories: ['kwaliteit_pedagogisch'],
    });
    expect(open.status).toBe(201);
    openId = open.body.id;

    before = await footprint(closedId);
    expect(leaks(before).length).toBeGreaterThanOrEqual(8); // the markers are really there to erase
    expect(before.outbox).toHaveLength(1);
    expect(before.timeline.length).toBeGreaterThanOrEqual(5);
  });

  it('erases reports closed before the cutoff in bounded batches, and leaves the recently closed and the open one untouched', async () => {
    oldIds = await insertOldClosedReports(5);
    const openBefore = await footprint(openId);
    const progress = await run(brusselsNoonIn(0));
    // 5 due, 2 per batch: 2 + 2 + 1.
    expect(progress).toMatchObject({ erased: 5, batches: 3, retentionDays, done: true });
    expect(Date.parse(progress.cutoff)).toBe(fromBrusselsLocal(addDays(localDateOf(Date.now()), -retentionDays)));

    for (const id of oldIds) {
      const f = await footprint(id);
      expect(leaks(f), id).toEqual([]);
      expect(f.row).toMatchObject({ reporter: null, description: erasedText, address_text: null, external_ref: null, idempotency_key: null, phase: 'afgesloten', triage: 'regulier', location_id: location.location_id });
      expect(f.row.personal_data_erased_at).toBeInstanceOf(Date);
      expect(f.row.follow_ups).toEqual([{ kind: 'doorgestuurd', forwardedTo: 'VECK' }]);
      expect(f.timeline[0]!.details).toEqual({ meldingId: id, action: 'melding.closed', phase: 'afgesloten', followUps: [{ kind: 'doorgestuurd', forwardedTo: 'VECK' }], personalDataErased: true });
      const feedback = f.outbox.find((m) => m.channel === 'email')!;
      // Never sent: it is not sent any more, and says why.
      expect(feedback).toMatchObject({ recipient_address: null, body: erasedText, status: 'failed' });
      expect(f.erasures).toHaveLength(1);
    }
    const first = await footprint(oldIds[0]!);
    expect(first.outbox.find((m) => m.channel === 'intern')).toMatchObject({ body: 'De melding is te laat opgenomen.', recipient_user_id: coordinator });
    expect(first.incidents[0]).toMatchObject({ message: erasedText, status: 'opgelost' });

    // Closed today: within the term. Open: not closed at all. Neither changes.
    expect(await footprint(closedId)).toEqual(before);
    expect(await footprint(openId)).toEqual(openBefore);
  });

  it('erases the API-made report once its term has passed: register, timeline and outbox, keeping the statistics', async () => {
    const openBefore = await footprint(openId);
    const progress = await run(brusselsNoonIn(retentionDays + 1), 100);
    expect(progress).toMatchObject({ erased: 1, batches: 1 });

    const after = await footprint(closedId);
    expect(leaks(after)).toEqual([]);
    expect(after.row).toMatchObject({ reporter: null, description: erasedText, address_text: null, external_ref: null });
    expect(after.row.personal_data_erased_at).toBeInstanceOf(Date);
    for (const column of statistics) expect(after.row[column], column).toEqual(before.row[column]);
    expect(after.row.follow_ups).toEqual([{ kind: 'toegevoegd_aan_dossier' }, { kind: 'geen_gevolg' }]);

    // Timeline: the same entries (dates, kinds, titles), their details without free text.
    expect(after.timeline.map((t) => [t.id, t.kind, t.title, t.occurred_at])).toEqual(before.timeline.map((t) => [t.id, t.kind, t.title, t.occurred_at]));
    expect(after.timeline.map((t) => t.details.action)).toEqual(before.timeline.map((t) => t.details.action));
    expect(after.timeline.every((t) => t.details.personalDataErased === true)).toBe(true);
    const closedEntry = after.timeline.find((t) => t.details.action === 'melding.closed')!;
    expect(closedEntry.details).toMatchObject({ phase: 'afgesloten', followUps: [{ kind: 'toegevoegd_aan_dossier' }, { kind: 'geen_gevolg' }] });

    // Outbox: the feedback e-mail keeps its template, subject and status, not its address or body.
    expect(after.outbox).toHaveLength(1);
    expect(after.outbox[0]).toMatchObject({ recipient_address: null, body: erasedText, template: 'terugkoppeling_melder', subject: before.outbox[0]!.subject });

    // Audit: one record, THAT it happened, with no personal data.
    expect(after.erasures).toHaveLength(1);
    expect(after.erasures[0]).toMatchObject({ actor_id: 'systeem', subject_type: 'melding', subject_id: closedId });
    expect(after.erasures[0]!.details).toMatchObject({ retentionDays, timelineEntries: before.timeline.length, outboxMessages: 1 });

    // The API shows the register's erased report without any of it. Its `live` part is the closed
    // workflow's state (follow-up notes, history), which Temporal keeps, encrypted, only for the
    // namespace retention (30 days), long before a report's term ends: not the register's to erase
    // (docs/retention.md, "Temporal").
    const res = await sys.http(`/meldingen/${closedId}`, { as: location.case_manager_id! });
    expect(res.status).toBe(200);
    const view = (await res.json()) as Record<string, unknown>;
    expect(leaks({ ...view, live: null })).toEqual([]);
    expect(view).toMatchObject({ phase: 'afgesloten', description: erasedText, reporter: null });

    // Still open: untouched, whatever the term.
    expect(await footprint(openId)).toEqual(openBefore);
    expect((await footprint(openId)).erasures).toHaveLength(0);
  });

  it('erases nothing more when run again', async () => {
    const all = [...oldIds, closedId, openId];
    const snapshot = await Promise.all(all.map(footprint));
    const auditCount = async () => Number((await sys.db.selectFrom('audit_log').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
    const auditBefore = await auditCount();
    const progress = await run(brusselsNoonIn(retentionDays + 1));
    expect(progress).toMatchObject({ erased: 0, batches: 1 });
    expect(await Promise.all(all.map(footprint))).toEqual(snapshot);
    expect(await auditCount()).toBe(auditBefore);
  });
});

// ----- old Idempotency-Keys (docs/retention.md, "Idempotency keys") -----

describe('old Idempotency-Keys', () => {
  // A fixed "now" for the run: what is due follows from it and from the rows' dates, never from the
  // day the test runs. Noon in Brussels on 15 June; 30 days before its Brussels day starts at
  // midnight (Brussels, summer time) on 16 May.
  const asOf = '2026-06-15T10:00:00.000Z';
  const cutoff = Date.parse('2026-05-15T22:00:00.000Z');
  const scope = 'TEST retention';
  const hour = 3600_000;
  const day = 24 * hour;
  const rows: { key: string; created: number; completed: number | null; due: boolean }[] = [
    { key: 'completed-long-ago', created: cutoff - 10 * day, completed: cutoff - 10 * day + 1000, due: true },
    { key: 'never-completed-old', created: cutoff - day, completed: null, due: true },
    { key: 'completed-just-before', created: cutoff - 1, completed: cutoff - 1, due: true },
    { key: 'completed-at-cutoff', created: cutoff, completed: cutoff, due: false },
    // First used before the cutoff, answered after it (sent again later): counts from its answer.
    { key: 'answered-late', created: cutoff - 5 * day, completed: cutoff + hour, due: false },
    { key: 'completed-recently', created: Date.parse(asOf) - 2 * day, completed: Date.parse(asOf) - 2 * day + 500, due: false },
    // A start still under way: never deleted.
    { key: 'in-flight', created: Date.parse(asOf) - 60_000, completed: null, due: false },
  ];
  const keysLeft = async () => (await sys.db.selectFrom('idempotent_requests').selectAll().where('scope', '=', scope).orderBy('key').execute());

  it('deletes, in batches, the keys last used before the cutoff, completed or not, and keeps younger ones, in flight or answered', async () => {
    for (const r of rows) {
      await sys.db.insertInto('idempotent_requests').values({
        scope, key: r.key, actor_id: 'u-tc-antwerpen', fingerprint: `fp-${r.key}`,
        resource_id: r.completed === null ? null : `HH-${r.key}`, status_code: r.completed === null ? null : 201,
        created_at: new Date(r.created), completed_at: r.completed === null ? null : new Date(r.completed),
      }).execute();
    }
    const before = await keysLeft();

    const progress = await run(asOf, 100, { idempotencyKeyRetentionDays: 30, idempotencyKeyBatchSize: 2 });
    // 3 due, 2 per batch: 2 + 1.
    expect(progress.idempotencyKeys).toEqual({ retentionDays: 30, cutoff: new Date(cutoff).toISOString(), deleted: 3, batches: 2 });
    expect(progress.done).toBe(true);
    expect(await keysLeft()).toEqual(before.filter((k) => !rows.find((r) => r.key === k.key)!.due));

    // A key that is gone is free again: sent now, with any body, it is a new request; a kept one still guards its request.
    expect((await useRequestKey(sys.db, { scope, key: 'completed-long-ago', actorId: 'u-tc-antwerpen', fingerprint: 'another body' })).use).toBe('first');
    expect((await useRequestKey(sys.db, { scope, key: 'completed-recently', actorId: 'u-tc-antwerpen', fingerprint: 'another body' })).use).toBe('other-request');
    await sys.db.deleteFrom('idempotent_requests').where('scope', '=', scope).where('key', '=', 'completed-long-ago').execute();
  });

  it('deletes nothing more when run again for the same day', async () => {
    const before = await keysLeft();
    const progress = await run(asOf, 100, { idempotencyKeyRetentionDays: 30, idempotencyKeyBatchSize: 2 });
    expect(progress.idempotencyKeys).toMatchObject({ deleted: 0, batches: 1 });
    expect(await keysLeft()).toEqual(before);
  });

  it('counts the term as configured: a run 40 days on deletes what has aged past it', async () => {
    const later = toIsoUtc(Date.parse(asOf) + 40 * day);
    const progress = await run(later, 100, { idempotencyKeyRetentionDays: 30, idempotencyKeyBatchSize: 2 });
    // Cutoff now midnight (Brussels) starting 25 June: the four keys left are all due, the start
    // "in flight" since 15 June too (no request takes that long).
    expect(progress.idempotencyKeys).toMatchObject({ deleted: 4, batches: 3 });
    expect(await keysLeft()).toEqual([]);
  });
});

describe('the schedule', () => {
  it('is created at start-up, daily at 04:00 Europe/Brussels, and updated (not duplicated) at the next start', async () => {
    const scheduleId = `report-retention-${sys.taskQueue}`;
    const options = { client: sys.temporal, namespace: 'unused', taskQueue: sys.taskQueue, retentionDays: 365, scheduleId };
    try {
      expect(await ensureRetentionSchedule(options)).toBe('created');
      expect(await ensureRetentionSchedule({ ...options, retentionDays: 400, idempotencyKeyRetentionDays: 45 })).toBe('updated');
      const described = await sys.temporal.schedule.getHandle(scheduleId).describe();
      expect(described.spec.timezone).toBe('Europe/Brussels');
      expect(described.spec.calendars?.[0]?.hour).toEqual([{ start: 4, end: 4, step: 1 }]);
      expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'retentionRunWorkflow', taskQueue: sys.taskQueue });
      const action = described.action as { args?: RetentionRunInput[] };
      expect(action.args?.[0]?.settings).toMatchObject({ retentionDays: 400, idempotencyKeyRetentionDays: 45 });
    } finally {
      await sys.temporal.schedule.getHandle(scheduleId).delete();
    }
  });
});

describe('the recorded histories', () => {
  it('replay against the current workflow code', async () => {
    expect(await replayAll(sys)).toBeGreaterThan(0);
  });
});
