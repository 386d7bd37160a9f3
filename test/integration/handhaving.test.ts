import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoWeekOf } from '../../workflows/clock/iso-week.js';
import { startTestSystem, type TestSystem } from './harness.js';
import { caseApi, kbTeamLocations, DAY, enforcementOverrides, inDays, jurist, kb, lettersOf, tc } from './handhaving-helpers.js';
import { eventually, replayAll } from './melding-helpers.js';

// Enforcement cases on the real Temporal dev server and PostgreSQL, with day terms of 1.5 s.

let sys: TestSystem;
let api: ReturnType<typeof caseApi>;
let location: Awaited<ReturnType<typeof kbTeamLocations>>;

beforeAll(async () => {
  sys = await startTestSystem({ enforcementOverrides });
  api = caseApi(sys);
  location = await kbTeamLocations(sys);
});
afterAll(async () => sys?.stop());

describe('aanmaning → voornemen → schorsing → bezwaar', () => {
  it('runs the whole ladder with its communications, each exactly once', async () => {
    const loc = location();
    const opened = await api.open(loc.location_id);
    expect(opened).toMatchObject({ status: 'open', urgent: false });
    const id = opened.id;
    expect((await api.call('/handhaving', kb, { locationId: loc.location_id, milestone: { kind: 'melding', reference: { type: 'melding', id: 'MEL-1' } } })).status).toBe(200);

    const aanmaning = await api.sendAanmaning(id);
    expect(aanmaning.live!.current!.communications.map((c) => `${c.recipient}/${c.channel}`)).toEqual(
      expect.arrayContaining(['organisator/email', 'organisator/aangetekende_brief', 'mentes/email']),
    );
    await api.remedyTermPassed(id);
    await api.cmd(id, 'remedy-outcome', kb, { remedied: false, evidence: 'Herinspectie: nog steeds te weinig begeleiders.' });

    await api.runVoornemen(id, 'schorsing');
    await api.decide(id, 'beslissing', 'schorsing', inDays(3));
    await api.atStep(id, 'beslissing', 'communicatie');
    await api.cmd(id, 'oral-notice', kb, { at: new Date().toISOString(), note: 'Telefonisch verwittigd, een werkdag vooraf.' });
    const decided = await api.atStep(id, 'beslissing', 'opvolging');
    expect(decided.live!.current!.communications.map((c) => `${c.recipient}/${c.channel}`)).toEqual(
      expect.arrayContaining(['organisator/email', 'organisator/aangetekende_brief', 'ouders/email', 'lokaal_bestuur/email']),
    );
    const licence = await sys.db.selectFrom('locations').select('licence_status').where('id', '=', loc.location_id).executeTakeFirstOrThrow();
    expect(licence.licence_status).toBe('geschorst');

    // A regular decision is suspended by an objection until the objection is decided.
    await api.cmd(id, 'objection', kb, { action: 'received', note: 'Bezwaarschrift van de organisator.' });
    let decision = await sys.db.selectFrom('enforcement_decisions').selectAll().where('case_id', '=', id).executeTakeFirstOrThrow();
    expect(decision).toMatchObject({ kind: 'schorsing', objection: 'ingediend', in_force: false, capacity_freed: loc.capacity });
    await api.cmd(id, 'objection', jurist, { action: 'decided', upheld: false, note: 'Bezwaar ongegrond.' });
    decision = await sys.db.selectFrom('enforcement_decisions').selectAll().where('case_id', '=', id).executeTakeFirstOrThrow();
    expect(decision).toMatchObject({ objection: 'ongegrond', in_force: true });

    // The suspension's end asks for a verification; lifting it closes the case.
    await eventually(() => sys.db.selectFrom('outbox_messages').select('template').where('subject_id', '=', id).where('idempotency_key', 'like', '%suspension-end%').execute(), (r) => r.length === 1, 20_000);
    await api.cmd(id, 'suspension-end', tc, { action: 'lift', verification: 'Herinspectie: voldoende begeleiders.' });
    const closed = await eventually(() => api.get(id), (c) => c.status === 'closed');
    expect(closed.live!.steps.map((s) => `${s.flow}:${s.outcome?.result}`)).toEqual(['aanmaning:not_remedied', 'voornemen:proceed', 'beslissing:decided']);
    expect(closed.live!.milestones.map((m) => m.kind)).toEqual(['advies_handhaving', 'melding', 'termijn_verstreken_tekortkomingen', 'hoorrecht_afgerond']);
    expect((await sys.db.selectFrom('locations').select('licence_status').where('id', '=', loc.location_id).executeTakeFirstOrThrow()).licence_status).toBe('actief');

    const letters = await lettersOf(sys, id);
    expect(letters.map((l) => `${l.template}/${l.channel}`)).toEqual([
      'aanmaning/email',
      'aanmaning/aangetekende_brief',
      'mentes_aanmaning/email',
      'voornemen/email',
      'voornemen/aangetekende_brief',
      'beslissing/email',
      'beslissing/aangetekende_brief',
      'beslissing_ouders/email',
      'beslissing_lokaal_bestuur/email',
      // Issue 13: the end of the suspension, to parents and local government.
      'einde_schorsing_ouders/email',
      'einde_schorsing_ouders/email',
    ]);
    const parents = letters.find((l) => l.template === 'beslissing_ouders')!;
    expect(parents.body).toContain('onvoldoende toezicht');
    expect(parents.body).toContain('psychosociale ondersteuning');
    for (const personal of ['An Peeters', 'an.peeters@voorbeeld.test', 'Interne motivering', '@']) expect(parents.body).not.toContain(personal);
    expect(parents.recipient_address).toBe(`ouders:${loc.location_id}`);
  });
});

describe('other paths', () => {
  it('closes the case when the shortcomings are remedied at the aanmaning', async () => {
    const { id } = await api.open(location().location_id);
    await api.sendAanmaning(id);
    await api.cmd(id, 'mentes-contact', kb, { at: new Date().toISOString() });
    await api.cmd(id, 'remedy-outcome', kb, { remedied: true, evidence: 'Herinspectie: alles in orde.' });
    const closed = await eventually(() => api.get(id), (c) => c.status === 'closed');
    expect(closed.closedReason).toBe('Herinspectie: alles in orde.');
    await eventually(() => sys.db.selectFrom('enforcement_cases').select('status').where('id', '=', id).executeTakeFirstOrThrow(), (r) => r.status === 'closed');
  });

  it('revokes (opheffing) after a jurist rejected the first draft, and closes after the objection term', async () => {
    const loc = location();
    const { id } = await api.open(loc.location_id);
    await api.sendAanmaning(id);
    await api.remedyTermPassed(id);
    await api.cmd(id, 'remedy-outcome', kb, { remedied: false, evidence: 'Niet hersteld.' });
    await api.atStep(id, 'voornemen');
    await api.cmd(id, 'draft', kb, { decision: 'opheffing', text: 'Eerste ontwerp.' });
    const rejected = await api.cmd(id, 'review', jurist, { approve: false, remarks: 'Motivering onvoldoende.' });
    expect(rejected.live!.current!.block).toBe('mijlpaal');
    expect((await api.call(`/handhaving/${id}/review`, jurist, { approve: true, remarks: 'Nog eens?' })).status).toBe(409);
    await api.cmd(id, 'draft', kb, { decision: 'opheffing', text: 'Tweede ontwerp met motivering.' });
    await api.cmd(id, 'review', jurist, { approve: true, remarks: 'Nu in orde.' });
    await api.atStep(id, 'voornemen', 'opvolging');
    // Without a hearing, the case manager concludes once the hearing term has passed.
    expect((await api.call(`/handhaving/${id}/conclude-hearing`, kb, { proceed: true, reason: 'Te vroeg' })).status).toBe(409);
    await new Promise((r) => setTimeout(r, 2 * DAY + 500));
    await api.cmd(id, 'conclude-hearing', kb, { proceed: true, reason: 'Geen reactie binnen de hoortermijn.' });
    await api.decide(id, 'beslissing', 'opheffing', inDays(0));
    await api.atStep(id, 'beslissing', 'communicatie');
    await api.cmd(id, 'oral-notice', kb, { at: new Date().toISOString(), note: 'Telefonisch verwittigd.' });
    const closed = await eventually(() => api.get(id), (c) => c.status === 'closed', 20_000);
    expect(closed.live!.steps.at(-1)?.outcome).toMatchObject({ result: 'decided' });
    expect((await sys.db.selectFrom('locations').select('licence_status').where('id', '=', loc.location_id).executeTakeFirstOrThrow()).licence_status).toBe('opgeheven');
    const reminders = await sys.db.selectFrom('outbox_messages').select('idempotency_key').where('subject_id', '=', id).where('template', '=', 'herinnering_handhaving').execute();
    expect(reminders.some((r) => r.idempotency_key.includes('hearing-term'))).toBe(true);
  });

  it('suspends at once in urgent necessity, without hearing; an objection does not suspend it', async () => {
    const loc = location();
    const opened = await api.open(loc.location_id, { urgent: true, kind: 'integriteitsrisico' });
    const id = opened.id;
    const again = await api.call('/handhaving', kb, { locationId: loc.location_id, urgent: true, milestone: { kind: 'integriteitsrisico' } });
    expect(again.status).toBe(409);
    await api.decide(id, 'dringende_beslissing', 'schorsing', inDays(5));
    const sent = await api.atStep(id, 'dringende_beslissing', 'opvolging');
    expect(sent.urgent).toBe(true);
    expect(sent.live!.steps.map((s) => s.flow)).toEqual(['dringende_beslissing']);
    await api.cmd(id, 'objection', kb, { action: 'received', note: 'Bezwaar.' });
    const decision = await sys.db.selectFrom('enforcement_decisions').selectAll().where('case_id', '=', id).executeTakeFirstOrThrow();
    expect(decision).toMatchObject({ urgent: true, objection: 'ingediend', in_force: true });
    const organiser = (await lettersOf(sys, id)).find((l) => l.template === 'beslissing' && l.channel === 'email')!;
    expect(organiser.body).toContain('dringende noodzakelijkheid');
  });

  it('interrupts an aanmaning for the urgent decision', async () => {
    const { id } = await api.open(location().location_id);
    await api.atStep(id, 'aanmaning');
    const escalated = await api.call(`/handhaving/${id}/escalate-urgent`, tc, { reason: 'Nieuwe melding: kind gewond', decision: 'schorsing' });
    expect(escalated.status).toBe(200);
    expect(escalated.body).toMatchObject({ step: 'dringende_beslissing', urgent: true });
    const c = await api.atStep(id, 'dringende_beslissing');
    expect(c.live!.steps.map((s) => s.flow)).toEqual(['aanmaning', 'dringende_beslissing']);
    expect(c.live!.milestones.map((m) => m.kind)).toContain('integriteitsrisico');
    await api.cmd(id, 'decision', kb, { decision: 'schorsing', motivation: 'Dringend.', publicMotivation: 'Acuut risico voor de kinderen.', date: inDays(5), integrityHarmed: true });
    await api.cmd(id, 'review', jurist, { approve: true, remarks: 'Akkoord.' });
    await api.atStep(id, 'dringende_beslissing', 'opvolging');
    // A decision in force is not closed over: it ends through its own follow-up.
    expect((await api.call(`/handhaving/${id}/close`, tc, { reason: 'Dossier afgesloten' })).status).toBe(409);
    expect((await api.call(`/handhaving/${id}/escalate-urgent`, tc, { reason: 'Nog eens', decision: 'opheffing' })).status).toBe(409);
    await api.cmd(id, 'suspension-end', tc, { action: 'lift', verification: 'Herinspectie: veilig.' });
    await eventually(() => api.get(id), (c) => c.status === 'closed');
  });
});

describe('refusals', () => {
  it('answers 409 for a command of another step or out of turn, 403 for a wrong role, 400 for a bad body', async () => {
    const { id } = await api.open(location().location_id);
    await api.atStep(id, 'aanmaning');
    expect((await api.call(`/handhaving/${id}/draft`, kb, { decision: 'schorsing', text: 'Te vroeg voor een voornemen.' })).status).toBe(409);
    expect((await api.call(`/handhaving/${id}/talk`, kb, { at: new Date().toISOString(), summary: 'Gesprek zonder tekortkomingen.' })).status).toBe(409);
    expect((await api.call(`/handhaving/${id}/shortcomings`, jurist, { shortcomings: ['x y z'], remedyBy: inDays(2) })).status).toBe(403);
    expect((await api.call(`/handhaving/${id}/review`, kb, { approve: true, remarks: 'Zelf goedkeuren' })).status).toBe(403);
    const bad = await api.call(`/handhaving/${id}/shortcomings`, kb, { shortcomings: [], remedyBy: 'morgen' });
    expect(bad.status).toBe(400);
    expect((await api.call('/handhaving/HH-00000000', kb)).status).toBe(404);
    await api.call(`/handhaving/${id}/close`, kb, { reason: 'Test afgerond' });
    expect((await api.call(`/handhaving/${id}/close`, kb, { reason: 'Nog eens' })).status).toBe(409);
  });

  it('refuses a step command after the close from the register alone, with no worker to ask', async () => {
    const { id } = await api.open(location().location_id);
    await api.atStep(id, 'aanmaning');
    expect((await api.call(`/handhaving/${id}/close`, kb, { reason: 'Test afgerond' })).status).toBe(200);
    // The close answers once the register says closed.
    const row = await sys.db.selectFrom('enforcement_cases').select('status').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.status).toBe('closed');
    await sys.stopWorker();
    try {
      const late = await api.call(`/handhaving/${id}/shortcomings`, kb, { shortcomings: ['Te laat: het dossier is gesloten.'], remedyBy: inDays(10) });
      expect(late.status).toBe(409);
    } finally {
      await sys.startWorker();
    }
  });
});

describe('a worker restart', () => {
  it('loses nothing: the hearing term that passed while the worker was down fires once after it returns', async () => {
    const { id } = await api.open(location().location_id);
    await api.sendAanmaning(id);
    await api.remedyTermPassed(id);
    await api.cmd(id, 'remedy-outcome', kb, { remedied: false, evidence: 'Niet hersteld.' });
    await api.atStep(id, 'voornemen');
    await api.cmd(id, 'draft', kb, { decision: 'schorsing', text: 'Ontwerp.' });
    await api.cmd(id, 'review', jurist, { approve: true, remarks: 'Ok.' });
    await api.atStep(id, 'voornemen', 'opvolging');
    await sys.stopWorker();
    try {
      await new Promise((r) => setTimeout(r, 2 * DAY + 1_000));
    } finally {
      await sys.startWorker();
    }
    const reminders = () => sys.db.selectFrom('outbox_messages').select('idempotency_key').where('subject_id', '=', id).where('idempotency_key', 'like', '%hearing-term%').execute();
    await eventually(reminders, (r) => r.length === 1);
    await api.cmd(id, 'conclude-hearing', kb, { proceed: false, reason: 'Organisator heeft intussen hersteld.' });
    await eventually(() => api.get(id), (c) => c.status === 'closed');
    expect(await reminders()).toHaveLength(1);
  });
});

describe('public information', () => {
  it('shows the status and the weekly decisions without personal data', async () => {
    const decisions = await sys.db.selectFrom('enforcement_decisions').select(['location_id', 'decided_at']).execute();
    expect(decisions.length).toBeGreaterThan(0);
    const status = await sys.http(`/public/locations/${decisions[0]!.location_id}/status`);
    expect(status.status).toBe(200);
    const body = (await status.json()) as { status: number; enforcement: { kind: string; cause: string }[] };
    expect(body.enforcement.map((e) => e.kind)).toEqual(expect.arrayContaining(['aanmaning']));
    const text = JSON.stringify(body);
    for (const forbidden of ['@', 'u-kb-', 'Interne motivering', 'An Peeters']) expect(text).not.toContain(forbidden);

    const d = decisions[0]!.decided_at;
    const week = isoWeekOf(d.getTime());
    const weekly = await sys.http(`/public/decisions?week=${week}`);
    const list = (await weekly.json()) as { decisions: { locationId: string; explanation: string }[] };
    expect(list.decisions.map((x) => x.locationId)).toContain(decisions[0]!.location_id);
    expect(JSON.stringify(list)).not.toContain('@');
    expect((await sys.http('/public/decisions?week=2026-W99')).status).toBe(400);
  });

  it('derives status 1 while an inspection runs, 3 while its points of attention are followed up, else 2', async () => {
    const quiet = await sys.db
      .selectFrom('dossiers as d')
      .innerJoin('locations as l', 'l.id', 'd.location_id')
      .select(['d.id as dossier_id', 'd.location_id', 'd.team_id', 'l.organiser_id'])
      .where('d.location_id', 'not in', sys.db.selectFrom('enforcement_cases').select('location_id'))
      .where('d.location_id', 'not in', sys.db.selectFrom('meldingen').select('location_id').where('location_id', 'is not', null).$castTo<string>())
      .orderBy('d.id', 'desc')
      .executeTakeFirstOrThrow();
    const status = async () => ((await (await sys.http(`/public/locations/${quiet.location_id}/status`)).json()) as { status: number }).status;
    expect(await status()).toBe(2);
    // The inspection register as the inspection workflow writes it.
    await sys.db
      .insertInto('inspections')
      .values({
        id: 'INS-PUBLICSTATUS01', workflow_id: 'inspectie:INS-PUBLICSTATUS01', idempotency_key: null, location_id: quiet.location_id,
        organiser_id: quiet.organiser_id, dossier_id: quiet.dossier_id, team_id: quiet.team_id, case_manager_id: null, reason: 'Regulier bezoek',
        questions: '[]', urgency: 'regulier', four_eyes: false, requested_by_type: 'klantenbeheerder', requested_by_id: null, status: 'gepland',
        modular_order_id: null, planned_visit_at: null, visited_at: null, draft_document_ref: null, location_reaction: null, final_report: null,
        advice_enforce: null, advice_urgency: null, cancellation: null, deliveries: '[]', due_at: null, overdue: false, requested_at: new Date(),
        closed_at: null, created_by: kb, version: 1,
      })
      .execute();
    expect(await status()).toBe(1);
    const finalReport = { documentRef: 'ZI-1', findings: [], advice: { urgency: 'laag', enforce: false, motivation: 'Opvolgen', pointsOfAttention: ['registratie'] } };
    await sys.db.updateTable('inspections').set({ status: 'eindverslag', final_report: JSON.stringify(finalReport), advice_enforce: false, closed_at: new Date() }).where('id', '=', 'INS-PUBLICSTATUS01').execute();
    expect(await status()).toBe(3);
    await sys.db.updateTable('inspections').set({ final_report: JSON.stringify({ ...finalReport, advice: { ...finalReport.advice, pointsOfAttention: [] } }) }).where('id', '=', 'INS-PUBLICSTATUS01').execute();
    expect(await status()).toBe(2);
  });
});

it('replays every recorded history against the current workflow code', async () => {
  expect(await replayAll(sys)).toBeGreaterThan(10);
});
