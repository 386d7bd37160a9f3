import { readFileSync } from 'node:fs';
import protos from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestSystem, type TestSystem } from './harness.js';
import { crisisCoordinatorsOnDuty, eventually, getMelding, intake, locationOfTeam, type MeldingView, post, replayAll } from './melding-helpers.js';

// Reports with the default deadlines (24 hours, 1 hour): the paths and the commands.
// Escalations on short deadlines are in melding-deadlines.test.ts.

let sys: TestSystem;
let location: Awaited<ReturnType<typeof locationOfTeam>>;

beforeAll(async () => {
  sys = await startTestSystem();
  location = await locationOfTeam(sys, 'team-antwerpen');
});
afterAll(async () => sys?.stop());

const coordinator = 'u-tc-antwerpen';

const onDuty = () => crisisCoordinatorsOnDuty(sys);

describe('the regular path', () => {
  it('assigns to the dossier\'s case manager with a 24-hour deadline and closes with a follow-up', async () => {
    const created = await post(sys, '/meldingen', coordinator, intake.regular(location.location_id));
    expect(created.status).toBe(201);
    const m = created.body;
    expect(m).toMatchObject({ phase: 'toegewezen', triage: 'regulier', triageProposed: 'regulier', assigneeId: location.case_manager_id, dossierId: location.id });
    expect((await eventually(() => getMelding(sys, m.id), (r) => r.dueAt !== null)).dueAt).toBe(m.dueAt);
    const receivedAt = (await sys.db.selectFrom('meldingen').select('received_at').where('id', '=', m.id).executeTakeFirstOrThrow()).received_at;
    expect(Date.parse(m.dueAt!) - receivedAt.getTime()).toBe(24 * 3600 * 1000);

    const handler = location.case_manager_id!;
    expect((await post(sys, `/meldingen/${m.id}/acknowledge`, handler, { note: 'Bekeken, organisator gebeld.' })).body.phase).toBe('in_behandeling');
    const feedback = await post(sys, `/meldingen/${m.id}/feedback`, handler, { channel: 'email', message: 'We volgen uw melding op.' });
    expect(feedback.status).toBe(200);
    const closed = await post(sys, `/meldingen/${m.id}/close`, handler, { followUps: [{ kind: 'toegevoegd_aan_dossier' }, { kind: 'inspectie_gevraagd', note: 'extra bezoek' }] });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ phase: 'afgesloten', followUps: [{ kind: 'toegevoegd_aan_dossier' }, { kind: 'inspectie_gevraagd' }] });

    const record = await eventually(() => getMelding(sys, m.id), (r) => r.phase === 'afgesloten');
    expect(record.overdue).toBe(false);
    const outbox = await sys.db.selectFrom('outbox_messages').selectAll().where('subject_id', '=', m.id).execute();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ channel: 'email', recipient_address: 'sam.janssens@voorbeeld.test', template: 'terugkoppeling_melder', status: 'queued' });
    expect(outbox[0]!.body).toContain('We volgen uw melding op.');
    const timeline = await sys.db.selectFrom('timeline_entries').select(['kind', 'title']).where('dossier_id', '=', location.id).where(sql`details->>'meldingId'`, '=', m.id).execute();
    expect(timeline.map((t) => t.kind)).toEqual(expect.arrayContaining(['melding']));
    const audit = await sys.db.selectFrom('audit_log').select(['action', 'actor_id']).where('subject_id', '=', m.id).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual([
      'melding.registered',
      'melding.assigned',
      'melding.acknowledged',
      'melding.feedback',
      'melding.closed',
      'melding.follow_ups_started', // inspectie_gevraagd asked Zorginspectie for an inspection
    ]);
    expect(audit.find((a) => a.action === 'melding.closed')?.actor_id).toBe(handler);
  });

  it('closes an anonymous report only with a reason why no feedback was given', async () => {
    const { reporter: _r, ...anonymous } = intake.regular(location.location_id);
    const m = (await post(sys, '/meldingen', coordinator, anonymous)).body;
    const handler = m.assigneeId!;
    await post(sys, `/meldingen/${m.id}/acknowledge`, handler, {});
    expect((await post(sys, `/meldingen/${m.id}/feedback`, handler, { channel: 'email', message: 'x'.repeat(5) })).status).toBe(409);
    const refused = await post(sys, `/meldingen/${m.id}/close`, handler, { followUps: [{ kind: 'geen_gevolg' }] });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('feedback');
    const closed = await post(sys, `/meldingen/${m.id}/close`, handler, { followUps: [{ kind: 'geen_gevolg' }], noFeedbackReason: 'Anonieme melding' });
    expect(closed.body.phase).toBe('afgesloten');
  });
});

describe('the crisis path', () => {
  it('assigns to the coordinator on duty, who acknowledges, records measures and feedback, and closes', async () => {
    const [first] = await onDuty();
    const created = await post(sys, '/meldingen', coordinator, intake.crisis(location.location_id));
    expect(created.status).toBe(201);
    const m = created.body;
    expect(m).toMatchObject({ triage: 'crisis', triageProposed: 'crisis', assigneeId: first, phase: 'toegewezen' });
    expect(m.live!.triageReasons.join(' ')).toContain('vastbinden');
    expect(Date.parse(m.dueAt!) - Date.now()).toBeLessThanOrEqual(3600 * 1000);

    const confirmed = await post(sys, `/meldingen/${m.id}/triage`, first!, { triage: 'crisis', reason: 'Bevestigd na telefonisch contact' });
    expect(confirmed.status).toBe(200);
    expect((await post(sys, `/meldingen/${m.id}/acknowledge`, first!, { note: 'Organisator opgedragen het kind los te maken; inspectie gevraagd.' })).body.phase).toBe('in_behandeling');
    await post(sys, `/meldingen/${m.id}/feedback`, first!, { channel: 'telefoon', message: 'Voorziening teruggebeld.' });
    const closed = await post(sys, `/meldingen/${m.id}/close`, first!, {
      followUps: [{ kind: 'handhaving_gestart' }, { kind: 'doorgestuurd', forwardedTo: 'parket' }],
    });
    expect(closed.body.phase).toBe('afgesloten');
    const row = await sys.db.selectFrom('meldingen').selectAll().where('id', '=', m.id).executeTakeFirstOrThrow();
    expect(row.triage_confirmed).toBe(true);
  });
});

describe('linking, reclassification and reassignment', () => {
  it('keeps an unlinkable report in the to-be-linked queue until a case manager links it', async () => {
    const body = { ...intake.regular(location.location_id), location: { addressText: 'Kerkstraat 12, 2000 Antwerpen' } };
    const m = (await post(sys, '/meldingen', coordinator, body)).body;
    expect(m).toMatchObject({ phase: 'te_koppelen', assigneeId: null, locationId: null, dueAt: null });
    const queue = await eventually(
      () => sys.http('/meldingen?phase=te_koppelen', { as: coordinator }).then((r) => r.json() as Promise<{ items: { id: string }[] }>),
      (page) => page.items.some((i) => i.id === m.id),
    );
    expect(queue.items.map((i) => i.id)).toContain(m.id);

    expect((await post(sys, `/meldingen/${m.id}/acknowledge`, coordinator, {})).status).toBe(409);
    const unknown = await post(sys, `/meldingen/${m.id}/link`, coordinator, { locationId: 'LOC-999999' });
    expect(unknown.status).toBe(400);
    const linked = await post(sys, `/meldingen/${m.id}/link`, coordinator, { locationId: location.location_id });
    expect(linked.body).toMatchObject({ phase: 'toegewezen', locationId: location.location_id, assigneeId: location.case_manager_id });
    expect(linked.body.dueAt).not.toBeNull();
    expect((await post(sys, `/meldingen/${m.id}/link`, coordinator, { locationId: location.location_id })).status).toBe(409);
  });

  it('reclassifies a regular report as crisis: reassigned to the coordinator on duty, recorded', async () => {
    const [first] = await onDuty();
    const m = (await post(sys, '/meldingen', coordinator, intake.regular(location.location_id))).body;
    const changed = await post(sys, `/meldingen/${m.id}/triage`, location.case_manager_id!, { triage: 'crisis', reason: 'Bij navraag bleek een kind gewond' });
    expect(changed.body).toMatchObject({ triage: 'crisis', triageProposed: 'regulier', assigneeId: first });
    expect(changed.body.live!.history.map((h) => h.action)).toEqual(expect.arrayContaining(['melding.triage.changed']));
    const audit = await sys.db.selectFrom('audit_log').select(['action', 'details']).where('subject_id', '=', m.id).where('action', '=', 'melding.triage.changed').execute();
    expect(audit[0]?.details).toMatchObject({ reason: 'Bij navraag bleek een kind gewond' });
  });

  it('lets a coordinator reassign a report, with a reason', async () => {
    const m = (await post(sys, '/meldingen', coordinator, intake.regular(location.location_id))).body;
    const other = 'u-kb-antwerpen-8' === m.assigneeId ? 'u-kb-antwerpen-7' : 'u-kb-antwerpen-8';
    const res = await post(sys, `/meldingen/${m.id}/assign`, coordinator, { assigneeId: other, reason: 'Afwezigheid' });
    expect(res.body.assigneeId).toBe(other);
    expect((await post(sys, `/meldingen/${m.id}/assign`, coordinator, { assigneeId: 'u-nobody', reason: 'x y z' })).status).toBe(400);
    expect((await post(sys, `/meldingen/${m.id}/assign`, m.assigneeId!, { assigneeId: other, reason: 'ik wil niet' })).status).toBe(403);
  });
});

describe('deadline pause and extension', () => {
  it('pauses (never overdue while paused), resumes with the due moment moved, and extends within the cap', async () => {
    const m = (await post(sys, '/meldingen', coordinator, intake.regular(location.location_id))).body;
    const handler = m.assigneeId!;
    const due0 = Date.parse(m.dueAt!);
    const paused = await post(sys, `/meldingen/${m.id}/deadline/pause`, handler, { reason: 'Wachten op info van melder', basis: 'Dienstafspraak opvolging meldingen' });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ dueAt: null, deadlinePaused: true, overdue: false });
    expect((await post(sys, `/meldingen/${m.id}/deadline/pause`, handler, { reason: 'nog eens', basis: 'x y z' })).status).toBe(409);
    await new Promise((r) => setTimeout(r, 1_500));
    const resumed = await post(sys, `/meldingen/${m.id}/deadline/resume`, handler, { reason: 'Info ontvangen', basis: 'Dienstafspraak opvolging meldingen' });
    expect(Date.parse(resumed.body.dueAt!) - due0).toBeGreaterThanOrEqual(1_400);

    const extended = await post(sys, `/meldingen/${m.id}/deadline/extend`, coordinator, { hours: 12, reason: 'Complexe melding', basis: 'Beslissing teamcoördinator' });
    expect(Date.parse(extended.body.dueAt!) - Date.parse(resumed.body.dueAt!)).toBe(12 * 3600 * 1000);
    const changes = extended.body.live!.deadline!.changes;
    expect(changes.map((c) => c.type)).toEqual(['pause', 'resume', 'extend']);
    expect(changes[2]).toMatchObject({ actor: coordinator, reason: 'Complexe melding', basis: 'Beslissing teamcoördinator' });
    const beyond = await post(sys, `/meldingen/${m.id}/deadline/extend`, coordinator, { hours: 48, reason: 'Nog meer tijd', basis: 'x y z' });
    expect(beyond.status).toBe(409);
    expect(beyond.body.detail).toMatch(/cap|maximum|48/i);
    expect((await post(sys, `/meldingen/${m.id}/deadline/extend`, handler, { hours: 1, reason: 'zelf', basis: 'x y z' })).status).toBe(403);
  });
});

describe('intake is idempotent', () => {
  it('returns the same report for the same Idempotency-Key, with one workflow', async () => {
    const key = `intake-${Date.now()}`;
    const first = await post(sys, '/meldingen', coordinator, intake.regular(location.location_id), key);
    const second = await post(sys, '/meldingen', coordinator, intake.regular(location.location_id), key);
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    const rows = await sys.db.selectFrom('meldingen').select('id').where('idempotency_key', '=', key).execute();
    expect(rows).toHaveLength(1);
    const runs = await sys.temporal.workflow.count(`WorkflowId = "melding:${first.body.id}"`);
    expect(runs.count).toBe(1);
  });

  // Issue 9, defect 5: concurrent sends of the same report all answered 201.
  async function concurrently(body: object, key?: string) {
    const results = await Promise.all([1, 2, 3].map(() => post(sys, '/meldingen', coordinator, body, key)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 201]);
    const ids = new Set(results.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    for (const r of results) expect(r.body).toMatchObject({ triage: 'regulier', phase: 'toegewezen', assigneeId: location.case_manager_id });
    const runs = await sys.temporal.workflow.count(`WorkflowId = "melding:${id}"`);
    expect(runs.count).toBe(1);
    const history = (await getMelding(sys, id!)).live!.history.map((h) => h.action);
    expect(history.filter((a) => a === 'melding.registered')).toHaveLength(1);
    return id!;
  }

  it('answers one 201 and 200 to the others for concurrent sends with the same external reference', async () => {
    const externalRef = `KLAROEN-${Date.now()}`;
    await concurrently({ ...intake.regular(location.location_id), externalRef });
    const rows = await sys.db.selectFrom('meldingen').select('id').where('external_ref', '=', externalRef).execute();
    expect(rows).toHaveLength(1);
    expect((await post(sys, '/meldingen', coordinator, { ...intake.regular(location.location_id), externalRef })).status).toBe(200);
  });

  it('answers one 201 and 200 to the others for concurrent sends with the same Idempotency-Key', async () => {
    const key = `intake-concurrent-${Date.now()}`;
    await concurrently(intake.regular(location.location_id), key);
    const rows = await sys.db.selectFrom('meldingen').select('id').where('idempotency_key', '=', key).execute();
    expect(rows).toHaveLength(1);
  });
});

// Issue 9, defect 8: a report from the parket about a criminal investigation of a staff member
// was triaged `regulier`; there was no category for it.
describe('a report from the parket (integrity risk)', () => {
  it('proposes crisis for a criminal investigation of a staff member: to the coordinator on duty, who may override', async () => {
    const [first] = await onDuty();
    const created = await post(sys, '/meldingen', coordinator, {
      source: 'parket',
      channel: 'brief',
      externalRef: `PARKET-AN-${Date.now()}`,
      location: { locationId: location.location_id },
      description: 'Het parket meldt een strafonderzoek naar een kinderbegeleider van deze locatie.',
      categories: ['strafonderzoek', 'personeel_bezetting'],
    });
    expect(created.status).toBe(201);
    const m = created.body;
    expect(m).toMatchObject({ triageProposed: 'crisis', triage: 'crisis', assigneeId: first, phase: 'toegewezen' });
    expect(m.live!.triageReasons.join(' ')).toContain('strafonderzoek');
    expect(m.live!.triageReasons.join(' ')).toContain('parket');
    expect(Date.parse(m.dueAt!) - Date.now()).toBeLessThanOrEqual(3600 * 1000);

    const overridden = await post(sys, `/meldingen/${m.id}/triage`, first!, { triage: 'regulier', reason: 'Feiten buiten de opvang, betrokkene werkt er niet meer' });
    expect(overridden.status).toBe(200);
    expect(overridden.body).toMatchObject({ triage: 'regulier', triageProposed: 'crisis', assigneeId: location.case_manager_id });
  });

  it('proposes crisis for any report from the parket, also without a crisis category', async () => {
    const m = (await post(sys, '/meldingen', coordinator, {
      source: 'parket',
      channel: 'email',
      location: { locationId: location.location_id },
      description: 'Het parket vraagt informatie over een medewerker van deze locatie.',
      categories: ['personeel_bezetting'],
    })).body;
    expect(m).toMatchObject({ triageProposed: 'crisis', triage: 'crisis' });
    expect(m.live!.triageReasons.join(' ')).toContain('parket');
  });
});

describe('refusals', () => {
  let m: MeldingView;
  beforeAll(async () => {
    m = (await post(sys, '/meldingen', coordinator, intake.regular(location.location_id))).body;
  });

  it('answers 409 for a command out of turn', async () => {
    const res = await post(sys, `/meldingen/${m.id}/close`, m.assigneeId!, { followUps: [{ kind: 'geen_gevolg' }], noFeedbackReason: 'niet nodig' });
    expect(res.status).toBe(409);
    expect(res.body.type).toBe('/problems/conflict');
  });

  it('answers 403 for a role that may not give the command', async () => {
    expect((await post(sys, `/meldingen/${m.id}/acknowledge`, 'u-jur-1', {})).status).toBe(403);
    expect((await post(sys, '/meldingen', 'u-modular', intake.regular(location.location_id))).status).toBe(403);
  });

  it('answers 400 naming the fields of a malformed intake', async () => {
    const res = await post(sys, '/meldingen', coordinator, { source: 'buurman', channel: 'telefoon', description: 'x', categories: ['onbekend'], extra: 1 });
    expect(res.status).toBe(400);
    expect(res.body.errors!.map((e) => e.field)).toEqual(expect.arrayContaining(['body.source', 'body.description', 'body.categories.0', 'body.extra']));
  });

  it('answers 404 for an unknown report and 409 for a command to a closed one', async () => {
    expect((await sys.http('/meldingen/MEL-0000000000000000', { as: coordinator })).status).toBe(404);
    const done = (await post(sys, '/meldingen', coordinator, intake.regular(location.location_id))).body;
    await post(sys, `/meldingen/${done.id}/acknowledge`, done.assigneeId!, {});
    await post(sys, `/meldingen/${done.id}/close`, done.assigneeId!, { followUps: [{ kind: 'geen_gevolg' }], noFeedbackReason: 'Test' });
    await eventually(() => getMelding(sys, done.id), (r) => r.phase === 'afgesloten');
    expect((await post(sys, `/meldingen/${done.id}/acknowledge`, done.assigneeId!, {})).status).toBe(409);
  });
});

describe('follow-ups that start other processes', () => {
  it('opens an enforcement case and asks for an inspection when a report closes with those follow-ups', async () => {
    const other = await locationOfTeam(sys, 'team-antwerpen', 3);
    const m = (await post(sys, '/meldingen', coordinator, intake.regular(other.location_id))).body;
    await post(sys, `/meldingen/${m.id}/acknowledge`, m.assigneeId!, {});
    const closed = await post(sys, `/meldingen/${m.id}/close`, m.assigneeId!, {
      followUps: [{ kind: 'handhaving_gestart', note: 'Herhaalde klachten' }, { kind: 'inspectie_gevraagd', note: 'Onaangekondigd bezoek' }],
      noFeedbackReason: 'Melder wenst geen terugkoppeling',
    });
    expect(closed.status).toBe(200);
    const started = await eventually(
      () => sys.db.selectFrom('enforcement_cases').select(['id', 'first_milestone', 'status']).where('location_id', '=', other.location_id).execute(),
      (rows) => rows.length === 1,
    );
    expect(started[0]!.first_milestone).toMatchObject({ kind: 'melding', reference: { type: 'melding', id: m.id } });
    const inspection = await eventually(
      () => sys.db.selectFrom('inspections').select(['requested_by_type', 'urgency', 'location_id']).where('requested_by_id', '=', m.id).execute(),
      (rows) => rows.length === 1,
    );
    expect(inspection[0]).toMatchObject({ requested_by_type: 'melding', urgency: 'regulier', location_id: other.location_id });
  });
});

describe('people', () => {
  it('shows the reporter\'s contact only to the report\'s assignee, audits that read, never in lists; names the users', async () => {
    const m = (await post(sys, '/meldingen', coordinator, intake.regular(location.location_id))).body;
    expect(m.assigneeId).toBeTruthy();
    const asAssignee = (await (await sys.http(`/meldingen/${m.id}`, { as: m.assigneeId! })).json()) as { reporter: unknown };
    expect(asAssignee.reporter).toEqual({ name: 'Sam Janssens', email: 'sam.janssens@voorbeeld.test' });
    const asCoordinator = (await (await sys.http(`/meldingen/${m.id}`, { as: coordinator })).json()) as { reporter: unknown; anonymous: boolean };
    expect(asCoordinator).toMatchObject({ reporter: null, anonymous: false });
    const reads = await sys.db.selectFrom('audit_log').select(['actor_id']).where('action', '=', 'melding.reporter.read').where('subject_id', '=', m.id).execute();
    expect(reads).toEqual([{ actor_id: m.assigneeId }]);
    const page = (await (await sys.http(`/meldingen?locationId=${location.location_id}&limit=5`, { as: m.assigneeId! })).json()) as { items: { reporter: unknown }[] };
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((i) => i.reporter === null)).toBe(true);
    const users = (await (await sys.http('/users?role=crisiscoordinator', { as: coordinator })).json()) as { id: string; name: string }[];
    expect(users.map((u) => u.id)).toEqual(['u-cc-1', 'u-cc-2', 'u-cc-3', 'u-cc-4']);
    expect((await sys.http('/users', { as: 'u-modular' })).status).toBe(403);
    expect(((await (await sys.http('/teams', { as: coordinator })).json()) as unknown[]).length).toBe(6);
  });
});

describe('lists', () => {
  it('filters by triage, phase, assignee and location, sorted by due moment', async () => {
    const res = await sys.http(`/meldingen?locationId=${location.location_id}&phase=toegewezen&triage=regulier&sort=due_at&order=asc&limit=100`, { as: coordinator });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { items: MeldingView[]; total: number };
    expect(page.total).toBeGreaterThan(0);
    expect(page.items.every((i) => i.phase === 'toegewezen' && i.triage === 'regulier' && i.locationId === location.location_id)).toBe(true);
    const dues = page.items.map((i) => Date.parse(i.dueAt!));
    expect(dues).toEqual([...dues].sort((a, b) => a - b));
  });
});

// Recorded with the workflow code before issue 9 (rule v1: a parket report proposed `regulier`;
// the intake update answered the bare state), a second intake as a retry, then terminated.
// It must replay: a running report keeps the proposal it was registered with.
it('replays a parket report recorded before the integrity-risk rule and the intake answer', async () => {
  // Binary (History.encode): the SDK's JSON history reader fails with two copies of protobufjs installed.
  const history = protos.temporal.api.history.v1.History.decode(readFileSync(new URL('./histories/melding-parket-v1.bin', import.meta.url)));
  await Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, 'melding:MEL-parketv1000001');
});

it('replays every recorded history against the current workflow code', async () => {
  expect(await replayAll(sys)).toBeGreaterThan(10);
});
