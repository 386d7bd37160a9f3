import { sql } from 'kysely';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedEnforcementCase } from '../../workflows/enforcement/client.js';
import { signWebhook } from '../../modular/signature.js';
import { startTestSystem, type TestSystem, testPayloadCodec } from './harness.js';
import { eventually, intake, locationOfTeam, replayAll } from './melding-helpers.js';
import { untilIdle } from './workflow-history.js';
import { inspectionWorkflowId } from '../../workflows/inspection/definitions.js';

// Inspection requests against the Modular simulator over real HTTP, the real Temporal dev server
// and PostgreSQL. Deadlines of seconds (DEADLINE_OVERRIDES): planning of a fast-procedure order
// 3 s, the report 10 s. The Modular client times out after 1 s per call.
const SECOND = 1_000;
const deadlineOverrides = {
  inspection_planning: { budget: { unit: 'hours', amount: 3 / 3600 }, rungs: [{ id: 'due_teamcoordinator', offsetMs: 0, target: 'teamcoordinator' }] },
  inspection_report: { budget: { unit: 'hours', amount: 10 / 3600 }, rungs: [{ id: 'due_handler', offsetMs: 0, target: 'handler' }] },
};

interface InspectionView {
  id: string;
  status: string;
  urgency: string;
  fourEyes: boolean;
  waitingForModular: boolean;
  modularOrderId: string | null;
  plannedVisitAt: string | null;
  draftDocumentRef: string | null;
  locationReactionReceived: boolean;
  finalReport: { documentRef: string; findings: string[]; advice: { urgency: string; enforce: boolean; pointsOfAttention: string[] } } | null;
  cancellation: { by: string; reason: string; confirmedAt: string | null } | null;
  deliveries: { to: string; what: string; workflowId: string | null }[];
  overdue: boolean;
  dueAt: string | null;
  live: { version: number; firedRungs: string[]; locationReaction: { text: string } | null; plannedVisit: { inspectors: number } | null } | null;
}

let sys: TestSystem;
let locations: Awaited<ReturnType<typeof locationOfTeam>>[];
const kb = 'u-tc-antwerpen';

beforeAll(async () => {
  sys = await startTestSystem({ deadlineOverrides, modular: { timeoutMs: 1_000 } });
  locations = await Promise.all([0, 1, 2, 3, 4, 5, 6].map((i) => locationOfTeam(sys, 'team-antwerpen', i)));
});
afterAll(async () => sys?.stop());

// ----- helpers ----------------------------------------------------------------------------------

async function request(path: string, as: string, json?: unknown, key?: string) {
  const res = await sys.http(path, { method: json === undefined ? 'GET' : 'POST', as, json, headers: key ? { 'idempotency-key': key } : {} });
  return { status: res.status, body: (await res.json()) as InspectionView & { detail?: string; items?: InspectionView[] } };
}

const getInspection = async (id: string) => (await request(`/inspections/${id}`, kb)).body;

async function sim<T = unknown>(path: string, json?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${sys.modular!.url}${path}`, {
    method: json === undefined ? 'GET' : 'POST',
    headers: json === undefined ? {} : { 'content-type': 'application/json' },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  return { status: res.status, body: (await res.json()) as T };
}

type SimOrder = { orderId: string; reference: string; status: string; createRequests: number };
type Advanced = { delivery: { deliveryId: string; httpStatus: number } };

const ordersFor = async (reference: string) => (await sim<SimOrder[]>(`/_control/orders?reference=${reference}`)).body;

async function untilOrdered(id: string): Promise<string> {
  const v = await eventually(() => getInspection(id), (r) => r.modularOrderId !== null && r.status !== 'aangevraagd', 20 * SECOND);
  return v.modularOrderId!;
}

/** A webhook delivery as Modular signs it; `at` in Unix seconds. */
async function deliver(body: Record<string, unknown>, opts: { at?: number; signature?: string } = {}) {
  const raw = JSON.stringify(body);
  const at = opts.at ?? Math.floor(Date.now() / 1000);
  const res = await fetch(`${sys.url}/modular/webhook`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-modular-timestamp': String(at),
      'x-modular-delivery': String(body.deliveryId),
      'x-modular-signature': opts.signature ?? signWebhook(sys.modular!.secret, at, raw),
    },
    body: raw,
  });
  return { status: res.status, body: (await res.json()) as { status?: string; detail?: string } };
}

async function historyOf(workflowId: string) {
  const history = await sys.temporal.workflow.getHandle(workflowId).fetchHistory();
  const started = history.events?.find((e) => e.workflowExecutionStartedEventAttributes)?.workflowExecutionStartedEventAttributes;
  const decode = async (payloads: Payload[] | null | undefined) =>
    (await testPayloadCodec.decode(payloads ?? [])).map((p) => defaultPayloadConverter.fromPayload(p)) as unknown[];
  const signals = await Promise.all(
    (history.events ?? [])
      .map((e) => e.workflowExecutionSignaledEventAttributes)
      .filter((a): a is NonNullable<typeof a> => !!a)
      .map(async (a) => ({ name: a.signalName, args: await decode(a.input?.payloads as Payload[] | undefined) })),
  );
  return { startInput: await decode(started?.input?.payloads as Payload[] | undefined), signals };
}

const regular = (locationId: string, extra: Record<string, unknown> = {}) => ({
  locationId,
  reason: 'Opvolging van tekortkomingen in de registratie van aanwezigheden',
  questions: ['Is de registratie van aanwezigheden volledig?'],
  urgency: 'regulier',
  ...extra,
});

// ----- the full paths ---------------------------------------------------------------------------

describe('the path to a final report', () => {
  it('follows the order to its final report and delivers it to the enforcement case that asked for it', async () => {
    const loc = locations[0]!;
    const { workflowId: caseWorkflowId } = await feedEnforcementCase(
      { db: sys.db, temporal: sys.temporal, taskQueue: sys.taskQueue, settings: () => sys.settings.enforcement() },
      { locationId: loc.location_id, milestone: { kind: 'rechtstreeks', note: 'Gestart door de klantenbeheerder' }, actor: { id: kb, role: 'teamcoordinator' } },
    );
    expect(caseWorkflowId).toBe(`handhaving:${loc.location_id}`);

    const created = await request('/inspections', kb, regular(loc.location_id, { requestedBy: { type: 'handhaving', id: caseWorkflowId } }), 'full-path-1');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'aangevraagd', urgency: 'regulier', fourEyes: false });
    const id = created.body.id;
    expect((await request('/inspections', kb, regular(loc.location_id, { requestedBy: { type: 'handhaving', id: caseWorkflowId } }), 'full-path-1')).status).toBe(200);
    const orderId = await untilOrdered(id);

    for (const step of ['gepland', 'bezoek_uitgevoerd', 'ontwerpverslag']) {
      const r = await sim<Advanced>(`/_control/orders/${orderId}/advance`, {});
      expect(r.body.delivery.httpStatus, step).toBe(202);
      await eventually(() => getInspection(id), (v) => v.status === step);
    }
    const reaction = 'De vermelde capaciteit van 18 kinderen is fout: het zijn er 14.';
    expect((await sim<Advanced>(`/_control/orders/${orderId}/reaction`, { text: reaction })).body.delivery.httpStatus).toBe(202);
    await eventually(() => getInspection(id), (v) => v.locationReactionReceived);
    const final = await sim<Advanced>(`/_control/orders/${orderId}/advance`, {
      data: {
        documentRef: 'ZI-2026-0042',
        findings: ['Registratie van aanwezigheden onvolledig'],
        advice: { urgency: 'middel', enforce: false, motivation: 'Opvolgen bij het volgende bezoek.', pointsOfAttention: ['registratie', 'capaciteit'] },
      },
    });
    expect(final.body.delivery.httpStatus).toBe(202);

    const done = await eventually(() => getInspection(id), (v) => v.status === 'eindverslag' && v.deliveries.length >= 2);
    expect(done.finalReport).toMatchObject({ documentRef: 'ZI-2026-0042', findings: ['Registratie van aanwezigheden onvolledig'], advice: { urgency: 'middel', enforce: false, pointsOfAttention: ['registratie', 'capaciteit'] } });
    expect(done.plannedVisitAt).not.toBeNull();
    expect(done.draftDocumentRef).toBe(`MODULAR-DOC-${orderId}-ONTWERP`);
    expect(done.deliveries).toEqual(expect.arrayContaining([expect.objectContaining({ to: `handhaving:${loc.location_id}`, what: 'inspectieverslag', workflowId: caseWorkflowId })]));

    // The enforcement case received the report as a milestone (a signal on its workflow).
    const { signals } = await historyOf(caseWorkflowId);
    const milestones = signals.filter((s) => s.name === 'milestone').map((s) => (s.args[0] as { milestone: { kind: string; reference?: { type: string; id: string } } }).milestone);
    expect(milestones).toContainEqual(expect.objectContaining({ kind: 'inspectieverslag', reference: { type: 'inspectieverslag', id } }));

    // The location's reaction is recorded in the register, and published nowhere.
    const row = await sys.db.selectFrom('inspections').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.location_reaction).toMatchObject({ text: reaction });
    expect(row).toMatchObject({ status: 'eindverslag', advice_enforce: false, advice_urgency: 'middel', modular_order_id: orderId });
    // The delivery's timeline entry is the projection of the state above: it may land a moment later.
    const timeline = await eventually(
      () => sys.db.selectFrom('timeline_entries').select(['kind', 'title', 'details']).where('dossier_id', '=', loc.id).where(sql<string>`details->>'inspectionId'`, '=', id).execute(),
      (rows) => rows.some((t) => (t.details as { action: string }).action === 'inspectie.verslag_bezorgd'),
    );
    expect(timeline.map((t) => (t.details as { action: string }).action)).toEqual(expect.arrayContaining([
      'inspectie.aangevraagd', 'inspectie.opdracht_aangemaakt', 'inspectie.gepland', 'inspectie.bezoek_uitgevoerd',
      'inspectie.ontwerpverslag', 'inspectie.reactie_voorziening', 'inspectie.eindverslag', 'inspectie.verslag_bezorgd',
    ]));
    expect(JSON.stringify(timeline)).not.toContain('capaciteit van 18');
    const audit = await sys.db.selectFrom('audit_log').select('details').where('subject_id', '=', id).execute();
    expect(JSON.stringify(audit)).not.toContain('capaciteit van 18');
    expect(JSON.stringify((await getInspection(id)).live)).not.toContain('capaciteit van 18');
  });

  it('turns an advice to enforce into an enforcement case, and records the report with the melding that asked', async () => {
    const loc = locations[1]!;
    const melding = await sys.http('/meldingen', { method: 'POST', as: kb, json: intake.regular(loc.location_id) });
    const meldingId = ((await melding.json()) as { id: string }).id;
    const created = await request('/inspections', kb, {
      locationId: loc.location_id,
      reason: 'Een kind werd vastgebonden tijdens het middagdutje',
      questions: ['Is het toezicht tijdens het slapen voldoende?'],
      urgency: 'spoed',
      requestedBy: { type: 'melding', id: meldingId },
    });
    expect(created.body).toMatchObject({ urgency: 'spoed', fourEyes: true });
    const id = created.body.id;
    const orderId = await untilOrdered(id);
    for (const to of ['gepland', 'eindverslag']) expect((await sim<Advanced>(`/_control/orders/${orderId}/advance`, { to })).body.delivery.httpStatus).toBe(202);

    const done = await eventually(() => getInspection(id), (v) => v.deliveries.some((d) => d.what === 'advies_handhaving'));
    expect(done.live!.plannedVisit!.inspectors).toBe(2);
    expect(done.finalReport!.advice).toMatchObject({ enforce: true, urgency: 'hoog' });
    const caseId = `handhaving:${loc.location_id}`;
    expect(done.deliveries).toEqual(expect.arrayContaining([
      expect.objectContaining({ to: caseId, what: 'advies_handhaving', workflowId: caseId }),
      expect.objectContaining({ to: `melding:${meldingId}` }),
    ]));

    // The case exists on the server, was started for this location with the advice as its first
    // milestone, and got the advice as a milestone signal (signal-with-start).
    const description = await sys.temporal.workflow.getHandle(caseId).describe();
    expect(description.type).toBe('enforcementCaseWorkflow');
    const { startInput, signals } = await historyOf(caseId);
    expect((startInput[0] as { first: { kind: string; reference: unknown } }).first).toMatchObject({ kind: 'advies_handhaving', reference: { type: 'inspectieverslag', id } });
    const advice = signals.filter((s) => s.name === 'milestone').map((s) => (s.args[0] as { milestone: { kind: string; reference: unknown } }).milestone);
    expect(advice).toEqual([expect.objectContaining({ kind: 'advies_handhaving', reference: { type: 'inspectieverslag', id } })]);

    const recorded = await sys.db.selectFrom('audit_log').select(['action', 'details']).where('subject_type', '=', 'melding').where('subject_id', '=', meldingId).where('action', '=', 'melding.inspectie_eindverslag').execute();
    expect(recorded).toHaveLength(1);
    expect(recorded[0]!.details).toMatchObject({ inspectionId: id, advice: { enforce: true } });
  });
});

// ----- cancellation -----------------------------------------------------------------------------

describe('cancellation', () => {
  it('by the case manager: goes to Modular and is confirmed; a second cancel is 409, a reader may not', async () => {
    const id = (await request('/inspections', kb, regular(locations[2]!.location_id))).body.id;
    const orderId = await untilOrdered(id);
    expect((await request(`/inspections/${id}/cancel`, 'u-jur-1', { reason: 'Niet meer nodig' })).status).toBe(403);
    expect((await request(`/inspections/${id}/cancel`, kb, { reason: 'x' })).status).toBe(400);
    const cancelled = await request(`/inspections/${id}/cancel`, kb, { reason: 'De voorziening is intussen gesloten' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'geannuleerd', cancellation: { by: 'agentschap', reason: 'De voorziening is intussen gesloten' } });
    expect(cancelled.body.cancellation!.confirmedAt).not.toBeNull();
    expect((await sim<SimOrder>(`/v1/orders/${orderId}`)).body.status).toBe('geannuleerd');
    expect((await request(`/inspections/${id}/cancel`, kb, { reason: 'Nog eens annuleren' })).status).toBe(409);
  });

  it('by Zorginspectie: recorded, the case manager and the requesting melding are told', async () => {
    const loc = locations[3]!;
    const melding = await sys.http('/meldingen', { method: 'POST', as: kb, json: intake.regular(loc.location_id) });
    const meldingId = ((await melding.json()) as { id: string }).id;
    const id = (await request('/inspections', kb, regular(loc.location_id, { requestedBy: { type: 'melding', id: meldingId } }))).body.id;
    const orderId = await untilOrdered(id);
    const r = await sim<Advanced>(`/_control/orders/${orderId}/cancel`, { reason: 'Geen inspecteurs beschikbaar in deze periode' });
    expect(r.body.delivery.httpStatus).toBe(202);
    const v = await eventually(() => getInspection(id), (x) => x.status === 'geannuleerd' && x.deliveries.length >= 2);
    expect(v.cancellation).toMatchObject({ by: 'zorginspectie', reason: 'Geen inspecteurs beschikbaar in deze periode' });
    const told = await sys.db.selectFrom('outbox_messages').select(['recipient_user_id', 'subject']).where('subject_id', '=', id).where('idempotency_key', '=', `inspectie:${id}:geannuleerd:klantenbeheerder`).execute();
    expect(told).toEqual([{ recipient_user_id: loc.case_manager_id, subject: expect.stringContaining('geannuleerd door Zorginspectie') }]);
    expect(v.deliveries.map((d) => d.to)).toContain(`melding:${meldingId}`);
  });
});

// ----- the webhook ------------------------------------------------------------------------------

describe('the Modular webhook', () => {
  it('acknowledges a duplicate delivery and ignores it; refuses a bad signature, an unknown order and a replay outside the window', async () => {
    const id = (await request('/inspections', kb, regular(locations[4]!.location_id))).body.id;
    const orderId = await untilOrdered(id);
    const planned = await sim<Advanced>(`/_control/orders/${orderId}/advance`, {});
    expect(planned.body.delivery.httpStatus).toBe(202);
    const before = await eventually(() => getInspection(id), (v) => v.status === 'gepland');

    // The same delivery again (same id, timestamp and signature): acknowledged, ignored.
    const again = await sim<{ httpStatus: number }>(`/_control/deliveries/${planned.body.delivery.deliveryId}/redeliver`, {});
    expect(again.body.httpStatus).toBe(200);
    // Even when the register lost it, the workflow knows the delivery id and changes nothing.
    await sys.db.deleteFrom('modular_webhook_deliveries').where('delivery_id', '=', planned.body.delivery.deliveryId).execute();
    expect((await sim<{ httpStatus: number }>(`/_control/deliveries/${planned.body.delivery.deliveryId}/redeliver`, {})).body.httpStatus).toBe(202);
    // The 202 means the signal is in the workflow's history; once it has handled it, it changed nothing.
    const signalled = await untilIdle(sys, inspectionWorkflowId(id));
    expect(signalled.filter((e) => e.workflowExecutionSignaledEventAttributes).length).toBeGreaterThanOrEqual(2);
    expect((await getInspection(id)).live!.version).toBe(before.live!.version);

    const body = { deliveryId: 'DLV-test-1', orderId, reference: id, event: 'bezoek_uitgevoerd', occurredAt: new Date().toISOString(), data: { visitedAt: new Date().toISOString() } };
    const badSignature = await deliver(body, { signature: signWebhook('een-ander-geheim-van-minstens-32-tekens!', Math.floor(Date.now() / 1000), JSON.stringify(body)) });
    expect(badSignature.status).toBe(401);
    const tampered = await deliver(body, { signature: signWebhook(sys.modular!.secret, Math.floor(Date.now() / 1000), JSON.stringify({ ...body, event: 'eindverslag' })) });
    expect(tampered.status).toBe(401);
    const unsigned = await fetch(`${sys.url}/modular/webhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(unsigned.status).toBe(401);
    // Signed correctly, but ten minutes ago: a captured delivery replayed outside the window.
    const replay = await deliver({ ...body, deliveryId: 'DLV-test-old' }, { at: Math.floor(Date.now() / 1000) - 600 });
    expect(replay.status).toBe(401);
    expect(replay.body.detail).toContain('window');
    const unknown = await deliver({ ...body, deliveryId: 'DLV-test-2', orderId: 'MOD-999999-XXXX', reference: 'INS-0000000000000000' });
    expect(unknown.status).toBe(404);
    const incomplete = await deliver({ ...body, deliveryId: 'DLV-test-3', event: 'eindverslag', data: { documentRef: 'x' } });
    expect(incomplete.status).toBe(400);
    expect((await getInspection(id)).status).toBe('gepland');

    // And a correct one is applied.
    expect((await deliver(body)).status).toBe(202);
    await eventually(() => getInspection(id), (v) => v.status === 'bezoek_uitgevoerd');
    const seen = await sys.db.selectFrom('modular_webhook_deliveries').select('delivery_id').where('inspection_id', '=', id).execute();
    expect(seen.map((s) => s.delivery_id)).not.toContain('DLV-test-old');
  });
});

// ----- Modular's availability -------------------------------------------------------------------

describe('when Modular is down or slow', () => {
  it('waits for Modular, escalates an unplanned fast-procedure order and chases a late report; exactly one order once Modular is back', async () => {
    const loc = locations[5]!;
    const statsBefore = (await sim<{ unavailableAnswers: number }>('/_control/stats')).body.unavailableAnswers;
    await sim('/_control/faults', { unavailableForMs: 5 * SECOND });
    const created = await request('/inspections', kb, { ...regular(loc.location_id), urgency: 'spoed' });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(created.body).toMatchObject({ status: 'aangevraagd', waitingForModular: true });
    const waiting = await request('/inspections?status=aangevraagd&urgency=spoed', kb);
    expect(waiting.body.items!.map((i) => i.id)).toContain(id);

    // Not planned within 3 s (Modular is down): the team coordinator is alerted, the request is overdue.
    const overdue = await eventually(() => getInspection(id), (v) => v.live!.firedRungs.includes('inspection_planning-1:due_teamcoordinator'), 10 * SECOND);
    expect(overdue.overdue).toBe(true);
    expect(overdue.status).toBe('aangevraagd');
    // The list reads the register, which the workflow's projection activity updates just after.
    const flagged = await eventually(
      () => request(`/inspections?overdue=true&locationId=${loc.location_id}`, kb),
      (r) => (r.body.items ?? []).length > 0,
      10 * SECOND,
    );
    expect(flagged.body.items!.map((i) => i.id)).toEqual([id]);

    const orderId = await untilOrdered(id);
    expect((await sim<{ unavailableAnswers: number }>('/_control/stats')).body.unavailableAnswers).toBeGreaterThan(statsBefore);
    const orders = await ordersFor(id);
    expect(orders).toHaveLength(1);
    expect(orders[0]!.orderId).toBe(orderId);

    // The report is not in after 10 s: the case manager gets a reminder.
    await eventually(() => getInspection(id), (v) => v.live!.firedRungs.includes('inspection_report-1:due_handler'), 15 * SECOND);
    const alerts = await sys.db.selectFrom('outbox_messages').select(['recipient_user_id', 'idempotency_key']).where('subject_id', '=', id).where('channel', '=', 'intern').orderBy('id').execute();
    expect(alerts).toEqual([
      { recipient_user_id: 'u-tc-antwerpen', idempotency_key: `escalation:${id}:inspection_planning-1:due_teamcoordinator` },
      { recipient_user_id: loc.case_manager_id, idempotency_key: `escalation:${id}:inspection_report-1:due_handler` },
    ]);
  });

  it('holds a cancellation given while Modular is down and sends it once the order exists', async () => {
    const loc = locations[2]!;
    await sim('/_control/faults', { unavailableForMs: 2_500 });
    const id = (await request('/inspections', kb, regular(loc.location_id))).body.id;
    const started = Date.now();
    const cancelled = await request(`/inspections/${id}/cancel`, kb, { reason: 'Dubbele aanvraag' });
    expect(Date.now() - started).toBeGreaterThan(1_000); // it waited for Modular
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'geannuleerd', cancellation: { by: 'agentschap' } });
    const orders = await ordersFor(id);
    expect(orders.map((o) => o.status)).toEqual(['geannuleerd']);
  });

  it('creates no second order when a create is retried after a timeout', async () => {
    await sim('/_control/faults', { slowCreates: { count: 1, ms: 2_500 } });
    const id = (await request('/inspections', kb, regular(locations[6]!.location_id))).body.id;
    await untilOrdered(id);
    // The simulator creates the order before its slow answer, so the order count is final once
    // the workflow has nothing outstanding (no create attempt left running or to retry).
    await untilIdle(sys, inspectionWorkflowId(id));
    const orders = await ordersFor(id);
    expect(orders).toHaveLength(1);
    expect(orders[0]!.createRequests).toBeGreaterThanOrEqual(2);
    expect((await getInspection(id)).modularOrderId).toBe(orders[0]!.orderId);
  });
});

// ----- reading ----------------------------------------------------------------------------------

describe('reading', () => {
  it('lists with filters, shows one, refuses unknown ids and bad input', async () => {
    const all = await request('/inspections?limit=100', kb);
    expect(all.body.items!.length).toBeGreaterThanOrEqual(7);
    // A jurist has no inspections in scope; another team's coordinator sees none of Antwerpen's (docs/access.md).
    expect((await request('/inspections?limit=100', 'u-jur-1')).body.items).toEqual([]);
    expect((await request(`/inspections/${all.body.items![0]!.id}`, 'u-tc-limburg')).status).toBe(404);
    const finals = await request('/inspections?status=eindverslag', kb);
    expect(finals.body.items!.every((i) => i.status === 'eindverslag')).toBe(true);
    expect((await request('/inspections/INS-DOESNOTEXIST', kb)).status).toBe(404);
    expect((await request('/inspections?status=wrong', kb)).status).toBe(400);
    expect((await request('/inspections', kb, { locationId: locations[0]!.location_id, reason: 'Spoed zonder vier ogen', urgency: 'spoed', fourEyes: false })).status).toBe(400);
    expect((await request('/inspections', kb, regular('LOC-999999'))).status).toBe(400);
  });

  it('replays every recorded history with the current workflow code', async () => {
    expect(await replayAll(sys)).toBeGreaterThan(7);
  });
});
