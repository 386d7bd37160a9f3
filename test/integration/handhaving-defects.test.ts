import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import protos from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { feedEnforcementCase } from '../../workflows/enforcement/client.js';
import { caseStateQuery, enforcementCaseWorkflowId, republishProgressSignal } from '../../workflows/enforcement/definitions.js';
import type { ResyncReport } from '../../workflows/enforcement/resync.js';
import { isoWeekOf } from '../../workflows/clock/iso-week.js';
import { dueAtKey } from '../../workflows/search-attributes.js';
import { caseApi, kbTeamLocations, type CaseView, enforcementOverrides, inDays, jurist, kb, tc } from './handhaving-helpers.js';
import { startTestSystem, TEST_PAYLOAD_KEYS, temporalAddress, type TestSystem } from './harness.js';
import { eventually, replayAll } from './melding-helpers.js';

// Regression tests for the enforcement defects of issue 9, on the real Temporal dev server and
// PostgreSQL, with day terms of 1.5 s and the Modular simulator for the inspection path.

const run = promisify(execFile);

let sys: TestSystem;
let api: ReturnType<typeof caseApi>;
let location: Awaited<ReturnType<typeof kbTeamLocations>>;

beforeAll(async () => {
  sys = await startTestSystem({ enforcementOverrides, modular: { timeoutMs: 1_000 } });
  api = caseApi(sys);
  location = await kbTeamLocations(sys);
});
afterAll(async () => sys?.stop());

const licence = async (locationId: string) =>
  (await sys.db.selectFrom('locations').select('licence_status').where('id', '=', locationId).executeTakeFirstOrThrow()).licence_status;

/** From an opened case to the voornemen, by an early escalation (no waiting for the remedy term). */
async function toVoornemen(id: string) {
  await api.sendAanmaning(id, 30);
  await api.cmd(id, 'remedy-outcome', kb, { remedied: false, evidence: 'Weigert te herstellen.', earlyEscalation: { reason: 'De organisator weigert schriftelijk te herstellen.' } });
  return api.atStep(id, 'voornemen');
}

describe('defect 3: a new case takes commands as soon as POST /handhaving answers', () => {
  it('answers with the first step ready: waitingFor set and a command accepted at once', async () => {
    const opened = await api.open(location().location_id);
    expect(opened).toMatchObject({ status: 'open', step: 'aanmaning', waitingFor: 'tekortkomingen en hersteltermijn vastleggen' });
    expect(opened.live!.current).toMatchObject({ flow: 'aanmaning', block: 'mijlpaal' });
    // No waiting: the very next request is a command of the step.
    const res = await api.call(`/handhaving/${opened.id}/shortcomings`, kb, { shortcomings: ['Geen brandoefening'], remedyBy: inDays(3) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });

  it('answers an escalation to the urgent decision once that step takes commands', async () => {
    const opened = await api.open(location().location_id);
    const escalated = await api.call(`/handhaving/${opened.id}/escalate-urgent`, tc, { reason: 'Nieuwe melding: kind gewond', decision: 'schorsing' });
    expect(escalated.status).toBe(200);
    expect(escalated.body.live!.current).toMatchObject({ flow: 'dringende_beslissing' });
    const res = await api.call(`/handhaving/${opened.id}/decision`, kb, {
      decision: 'schorsing', motivation: 'Dringend.', publicMotivation: 'Acuut risico.', date: inDays(5), integrityHarmed: true,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });
});

describe('defect 4: a closed case waits for nothing', () => {
  it('clears waitingFor and dueAt in the view, the list, the register and the DueAt search attribute', async () => {
    const loc = location();
    const { id } = await api.open(loc.location_id);
    const sent = await api.sendAanmaning(id, 10);
    expect(sent.dueAt).not.toBeNull();
    await api.cmd(id, 'close', kb, { reason: 'Tekortkomingen hersteld na gesprek.' });
    const closed = await eventually(() => api.get(id), (c) => c.status === 'closed');
    expect(closed).toMatchObject({ waitingFor: null, dueAt: null });
    expect(closed.live).toMatchObject({ status: 'closed', current: null });
    const row = await eventually(
      () => sys.db.selectFrom('enforcement_cases').select(['status', 'waiting_for', 'due_at']).where('id', '=', id).executeTakeFirstOrThrow(),
      (r) => r.status === 'closed',
    );
    expect(row).toMatchObject({ waiting_for: null, due_at: null });
    const list = (await (await sys.http(`/handhaving?locationId=${loc.location_id}`, { as: tc })).json()) as { items: CaseView[] };
    expect(list.items.find((c) => c.id === id)).toMatchObject({ status: 'closed', waitingFor: null, dueAt: null });
    const described = await sys.temporal.workflow.getHandle(`handhaving:${loc.location_id}`).describe();
    expect(described.typedSearchAttributes.get(dueAtKey)).toBeUndefined();
  });
});

describe('defect 2: "not remedied" only after the remedy term, or as an explicit early escalation', () => {
  it('refuses "not remedied" with 409 while the term runs, and records an early escalation as such', async () => {
    const { id } = await api.open(location().location_id);
    await api.sendAanmaning(id, 60);
    const early = await sys.http(`/handhaving/${id}/remedy-outcome`, { method: 'POST', as: kb, json: { remedied: false, evidence: 'Nog niet hersteld.' } });
    expect(early.status).toBe(409);
    expect(early.headers.get('content-type')).toContain('application/problem+json');
    expect(((await early.json()) as { detail: string }).detail).toContain('earlyEscalation');
    const still = await api.get(id);
    expect(still.live!.current!.flow).toBe('aanmaning');
    expect(still.live!.milestones.map((m) => m.kind)).not.toContain('termijn_verstreken_tekortkomingen');

    const reason = 'De organisator weigert schriftelijk de tekortkomingen te herstellen.';
    expect((await api.call(`/handhaving/${id}/remedy-outcome`, kb, { remedied: true, evidence: 'Hersteld.', earlyEscalation: { reason } })).status).toBe(400);
    await api.cmd(id, 'remedy-outcome', kb, { remedied: false, evidence: 'Brief van de organisator van vandaag.', earlyEscalation: { reason } });
    const voornemen = await api.atStep(id, 'voornemen');
    const kinds = voornemen.live!.milestones.map((m) => m.kind);
    expect(kinds).toContain('vroegtijdige_escalatie');
    expect(kinds).not.toContain('termijn_verstreken_tekortkomingen');
    expect(voornemen.live!.milestones.find((m) => m.kind === 'vroegtijdige_escalatie')!.note).toBe(reason);
    const audit = await sys.db.selectFrom('audit_log').select('action').where('subject_id', '=', id).where('action', '=', 'aanmaning.early_escalation').execute();
    expect(audit).toHaveLength(1);
  });

  it('accepts "not remedied" once the term has passed, as an expired term', async () => {
    const { id } = await api.open(location().location_id);
    await api.sendAanmaning(id, 1);
    await api.remedyTermPassed(id);
    await api.cmd(id, 'remedy-outcome', kb, { remedied: false, evidence: 'Herinspectie: niet hersteld.' });
    const voornemen = await api.atStep(id, 'voornemen');
    expect(voornemen.live!.milestones.map((m) => m.kind)).toContain('termijn_verstreken_tekortkomingen');
    expect(voornemen.live!.milestones.map((m) => m.kind)).not.toContain('vroegtijdige_escalatie');
  });
});

describe('defect 1: a revocation takes effect on its date', () => {
  it('keeps the licence until the effective date, then revokes it by a timer; register and weekly list show the date', async () => {
    const loc = location();
    const { id } = await api.open(loc.location_id);
    await toVoornemen(id);
    await api.runVoornemen(id, 'opheffing');
    await api.atStep(id, 'beslissing');
    const past = await api.call(`/handhaving/${id}/decision`, kb, { decision: 'opheffing', motivation: 'Motivering.', publicMotivation: 'Publieke motivering.', date: inDays(-1), integrityHarmed: false });
    expect(past.status).toBe(400);
    const tooFar = await api.call(`/handhaving/${id}/decision`, kb, { decision: 'opheffing', motivation: 'Motivering.', publicMotivation: 'Publieke motivering.', date: inDays(400), integrityHarmed: false });
    expect(tooFar.status).toBe(400);

    // 8 compressed days: 12 s after sending.
    const effectiveDate = inDays(8);
    await api.decide(id, 'beslissing', 'opheffing', effectiveDate);
    await api.atStep(id, 'beslissing', 'communicatie');
    await api.cmd(id, 'oral-notice', kb, { at: new Date().toISOString(), note: 'Telefonisch verwittigd.' });
    const sent = await api.atStep(id, 'beslissing', 'opvolging');
    const effectiveTimer = sent.live!.current!.deadlines.find((d) => d.id === 'effective');
    expect(effectiveTimer).toBeDefined();
    const pending = await sys.db.selectFrom('enforcement_decisions').selectAll().where('case_id', '=', id).executeTakeFirstOrThrow();
    expect(pending).toMatchObject({ kind: 'opheffing', effective_from: effectiveDate, effective: false, in_force: true });
    expect(await licence(loc.location_id)).toBe('actief');

    // The weekly list (the week of the decision, on the Brussels clock) shows the effective date.
    const weekly = (await (await sys.http(`/public/decisions?week=${isoWeekOf(pending.decided_at.getTime())}`)).json()) as { decisions: { locationId: string; effectiveFrom: string }[] };
    expect(weekly.decisions.find((d) => d.locationId === loc.location_id)).toMatchObject({ effectiveFrom: effectiveDate });

    // The timer takes effect: the licence is revoked, not before its due moment.
    await eventually(() => licence(loc.location_id), (s) => s === 'opgeheven', 30_000);
    // The audit record of the effect was written when the timer fired, not before its due moment.
    const effect = await eventually(
      () => sys.db.selectFrom('audit_log').select('occurred_at').where('subject_id', '=', id).where('action', '=', 'beslissing.effective').execute(),
      (r) => r.length === 1,
    );
    const recorded = effect[0]!.occurred_at;
    expect(recorded.getTime()).toBeGreaterThanOrEqual(Date.parse(effectiveTimer!.dueAt));
    expect(await sys.db.selectFrom('enforcement_decisions').select('effective').where('case_id', '=', id).executeTakeFirstOrThrow()).toEqual({ effective: true });
    await eventually(() => api.get(id), (c) => c.status === 'closed', 20_000);
  });
});

describe('defect 6: the weekly public list follows the Brussels clock', () => {
  it('starts 2026-W49 on Monday 00:00 Brussels and dates decisions in Brussels', async () => {
    const loc = location();
    const caseRow = await api.open(loc.location_id);
    // Monday 30 November 2026, 00:30 in Brussels: still Sunday in UTC.
    await sys.db
      .insertInto('enforcement_decisions')
      .values({
        id: 'BES-WEEKTEST', case_id: caseRow.id, location_id: loc.location_id, municipality: 'Gent', kind: 'schorsing', urgent: false,
        decided_at: new Date('2026-11-29T23:30:00Z'), effective_from: '2026-11-30', ends_on: '2026-12-31', public_motivation: 'Onvoldoende toezicht.',
        cause: 'advies_handhaving', capacity_freed: 0, lifted_at: null,
      })
      .execute();
    const week = async (w: string) => (await (await sys.http(`/public/decisions?week=${w}`)).json()) as { from: string; to: string; decisions: { locationId: string; decidedOn: string; effectiveFrom: string }[] };
    const w49 = await week('2026-W49');
    expect(w49).toMatchObject({ from: '2026-11-29T23:00:00.000Z', to: '2026-12-06T23:00:00.000Z' });
    expect(w49.decisions.filter((d) => d.decidedOn === '2026-11-30' && d.locationId === loc.location_id)).toHaveLength(1);
    const w48 = await week('2026-W48');
    expect(w48.to).toBe('2026-11-29T23:00:00.000Z');
    expect(w48.decisions.some((d) => d.locationId === loc.location_id && d.effectiveFrom === '2026-11-30')).toBe(false);
    // A week that the year does not have.
    expect((await sys.http('/public/decisions?week=2027-W53')).status).toBe(400);
    await sys.db.deleteFrom('enforcement_decisions').where('id', '=', 'BES-WEEKTEST').execute();
  });
});

describe('defect 9: an urgent advice proposes the decision in urgent necessity', () => {
  async function sim(path: string, json: unknown) {
    const res = await fetch(`${sys.modular!.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) });
    return { status: res.status, body: (await res.json()) as { delivery: { httpStatus: number } } };
  }

  it('opens the case on the proposal, alerts the team coordinator at once, and goes urgent when the case manager confirms', async () => {
    const loc = location();
    const created = await sys.http('/inspections', {
      method: 'POST', as: kb,
      json: { locationId: loc.location_id, reason: 'Kind vastgebonden tijdens het middagdutje', questions: ['Is het toezicht voldoende?'], urgency: 'spoed' },
    });
    expect(created.status).toBe(201);
    const inspectionId = ((await created.json()) as { id: string }).id;
    const ordered = await eventually(
      async () => (await (await sys.http(`/inspections/${inspectionId}`, { as: kb })).json()) as { modularOrderId: string | null; status: string },
      (v) => v.modularOrderId !== null && v.status !== 'aangevraagd',
    );
    const advice = { urgency: 'hoog', enforce: true, motivation: 'Acuut risico voor de fysieke integriteit van de kinderen.', pointsOfAttention: [] };
    expect((await sim(`/_control/orders/${ordered.modularOrderId}/advance`, { to: 'gepland' })).body.delivery.httpStatus).toBe(202);
    expect((await sim(`/_control/orders/${ordered.modularOrderId}/advance`, { to: 'eindverslag', data: { documentRef: 'ZI-URG-1', findings: ['Kind vastgebonden'], advice } })).body.delivery.httpStatus).toBe(202);

    const row = await eventually(
      () => sys.db.selectFrom('enforcement_cases').select(['id', 'status']).where('location_id', '=', loc.location_id).where('status', '=', 'open').executeTakeFirst(),
      (r) => r !== undefined,
    );
    const id = row!.id;
    const proposed = await eventually(() => api.get(id), (c) => !!c.live?.urgentProposal);
    expect(proposed).toMatchObject({ step: null, urgent: false, waitingFor: expect.stringContaining('dringende beslissing') });
    expect(proposed.live!.steps).toEqual([]);
    expect(proposed.live!.urgentProposal!.decided).toBeUndefined();

    // The team coordinator hears of it at once: an internal message and a timeline entry.
    const alert = await eventually(
      () => sys.db.selectFrom('outbox_messages').select(['recipient_user_id', 'channel', 'subject']).where('subject_id', '=', id).where('idempotency_key', 'like', 'alert:%').execute(),
      (r) => r.length === 1,
    );
    const coordinator = await sys.db.selectFrom('users').select('id').where('team_id', '=', loc.team_id).where('role', '=', 'teamcoordinator').orderBy('id').executeTakeFirstOrThrow();
    expect(alert[0]).toMatchObject({ recipient_user_id: coordinator.id, channel: 'intern' });
    const timeline = await sys.db.selectFrom('timeline_entries').select('title').where('idempotency_key', 'like', 'alert:%').where('kind', '=', 'escalatie').execute();
    expect(timeline.map((t) => t.title)).toContain(alert[0]!.subject);

    expect((await api.call(`/handhaving/${id}/urgent-proposal`, kb, { confirm: true, reason: 'Integriteitsrisico bevestigd.' })).status).toBe(400);
    expect((await api.call(`/handhaving/${id}/urgent-proposal`, jurist, { confirm: true, decision: 'schorsing', reason: 'Geen klantenbeheerder.' })).status).toBe(403);
    const confirmed = await api.cmd(id, 'urgent-proposal', kb, { confirm: true, decision: 'schorsing', reason: 'Integriteitsrisico bevestigd.' });
    expect(confirmed).toMatchObject({ step: 'dringende_beslissing', urgent: true });
    expect(confirmed.live!.urgentProposal!.decided).toMatchObject({ confirmed: true });
    expect((await api.call(`/handhaving/${id}/urgent-proposal`, kb, { confirm: false, reason: 'Nog eens.' })).status).toBe(409);
    // The urgent step takes its first command at once.
    await api.cmd(id, 'decision', kb, { decision: 'schorsing', motivation: 'Dringend.', publicMotivation: 'Acuut risico voor de kinderen.', date: inDays(5), integrityHarmed: true });
  });

  it('lets the case manager keep the ordinary route with a reason, for an open case as for a new one', async () => {
    const loc = location();
    const { id } = await api.open(loc.location_id);
    await api.sendAanmaning(id, 10);
    // What the inspection activity does with an urgent advice for a location with an open case.
    await feedEnforcementCase(
      { db: sys.db, temporal: sys.temporal, taskQueue: sys.taskQueue, settings: () => sys.settings.enforcement() },
      { locationId: loc.location_id, milestone: { kind: 'advies_handhaving', reference: { type: 'inspectieverslag', id: `INS-${id}` }, note: 'Urgent advies.', proposeUrgent: true }, actor: { id: 'u-modular', role: 'modular' } },
    );
    const proposed = await eventually(() => api.get(id), (c) => !!c.live?.urgentProposal);
    expect(proposed).toMatchObject({ step: 'aanmaning', waitingFor: expect.stringContaining('dringende beslissing') });
    const kept = await api.cmd(id, 'urgent-proposal', kb, { confirm: false, reason: 'Tekortkomingen worden al aangepakt; geen acuut risico meer.' });
    expect(kept).toMatchObject({ step: 'aanmaning', urgent: false });
    expect(kept.live!.urgentProposal!.decided).toMatchObject({ confirmed: false, reason: 'Tekortkomingen worden al aangepakt; geen acuut risico meer.' });
    expect(kept.waitingFor).toBe(kept.live!.current!.waitingFor);
    const audit = await sys.db.selectFrom('audit_log').select('action').where('subject_id', '=', id).where('action', 'in', ['handhaving.urgent_proposed', 'handhaving.urgent_declined']).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['handhaving.urgent_declined', 'handhaving.urgent_proposed']);
  });
});

describe('gap 7: the operator\'s repair of a case that lost its step\'s progress (npm run cases:resync)', () => {
  it('finds no stuck case in a healthy system; a step asked to report again changes nothing but its report count', async () => {
    const { location_id: locationId } = location();
    const opened = await api.open(locationId);
    const handle = sys.temporal.workflow.getHandle(enforcementCaseWorkflowId(locationId));
    const before = await handle.query(caseStateQuery);
    expect(before.current).toMatchObject({ flow: 'aanmaning', block: 'mijlpaal' });

    // The operator's script, as its own process against this system's Temporal: reads, repairs nothing.
    // A grace of 10 s: a case of an earlier test may be between a step's start and its first report.
    const script = join(import.meta.dirname, '..', '..', 'scripts', 'resync-cases.ts');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', script, '--grace-s', '10'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TEMPORAL_ADDRESS: temporalAddress(), TEMPORAL_NAMESPACE: inject('temporalNamespace'), TEMPORAL_TASK_QUEUE: sys.taskQueue, PAYLOAD_KEYS: TEST_PAYLOAD_KEYS },
    });
    const report = JSON.parse(stdout) as ResyncReport & { applied: boolean };
    expect(report).toMatchObject({ applied: false, stuck: [], unreadable: [] });
    expect(report.checked).toBeGreaterThanOrEqual(1);

    // What --apply sends to a stuck case's step, here to a healthy one: the case hears the same state again.
    const audit = async () => (await sys.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<string>().as('n')).where('subject_id', '=', opened.id).executeTakeFirstOrThrow()).n;
    const recorded = await audit();
    await sys.temporal.workflow.getHandle(before.steps[0]!.workflowId).signal(republishProgressSignal);
    const after = await eventually(() => handle.query(caseStateQuery), (c) => (c.current?.seq ?? 0) > before.current!.seq);
    expect(after.current).toMatchObject({ flow: 'aanmaning', block: before.current!.block, waitingFor: before.current!.waitingFor });
    expect(after.steps).toHaveLength(1);
    expect(await audit()).toBe(recorded);
    const res = await api.call(`/handhaving/${opened.id}/shortcomings`, kb, { shortcomings: ['Geen brandoefening'], remedyBy: inDays(3) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });
});

it('replays every recorded history against the current workflow code', async () => {
  expect(await replayAll(sys)).toBeGreaterThan(5);
});

it('replays cases recorded before these fixes (an opheffing ladder, a case closed at its aanmaning) against the current code', async () => {
  // Recorded with the code before issue 9: the patched() changes must leave these histories valid.
  const dir = join(import.meta.dirname, '..', 'histories', 'enforcement-before-issue-9');
  const histories = readdirSync(dir).map((f) => ({
    // The case's id is in its children's ids (commands), so it must be the real one.
    workflowId: f.replace(/\.bin\.gz$/, '').replace(/^handhaving_(LOC-\d+)$/, 'handhaving:$1'),
    history: protos.temporal.api.history.v1.History.decode(gunzipSync(readFileSync(join(dir, f)))),
  }));
  let count = 0;
  for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: inject('workflowBundlePath') } }, histories)) {
    expect(result.error, `replay of ${result.workflowId}`).toBeUndefined();
    count += 1;
  }
  expect(count).toBe(histories.length);
});
