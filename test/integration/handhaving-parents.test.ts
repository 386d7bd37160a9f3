import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from './harness.js';
import { caseApi, inDays, kb, tc } from './handhaving-helpers.js';
import { eventually, replayAll } from './melding-helpers.js';
import { checkDocuments } from './letters-helpers.js';
import { untilIdle } from './workflow-history.js';
import { enforcementCaseWorkflowId } from '../../workflows/enforcement/definitions.js';

// Issue 13: parents and the municipality during a suspension, to the end, with compressed terms:
// interim news at its rhythm until the suspension ends, the information session with its task and
// invitations, the replacement capacity (12 months + one extension of 6, reminders before the
// end), the contacts erased when the case closes. Counted at the SMTP sink (real SMTP).

const DAY = 40;
const overrides = { compressDayMs: DAY, hearingTermWorkingDays: 2, objectionTermDays: 2, mentesContactWorkingDays: 2, reminderBeforeMs: 20, interimNewsEveryDays: 4, replacementReminderDays: 30 };

let sys: TestSystem;
let api: ReturnType<typeof caseApi>;
let teamOfKb: string;
const keyOf = (messageId: string) => Buffer.from(messageId.slice(1, messageId.indexOf('@')), 'base64url').toString('utf8');
const parents = [
  { name: 'Els Mertens', email: 'els.mertens@gezin.test' },
  { name: 'Koen Wouters', email: 'koen.wouters@gezin.test' },
  { name: 'Fatima Benali', email: 'fatima.benali@gezin.test' },
];

beforeAll(async () => {
  sys = await startTestSystem({ enforcementOverrides: overrides, channels: true });
  api = caseApi(sys);
  // The case manager's own team: commands and the parents' contacts are scoped to it.
  teamOfKb = (await sys.db.selectFrom('users').select('team_id').where('id', '=', kb).executeTakeFirstOrThrow()).team_id!;
});
afterAll(async () => sys?.stop());

describe('parents and the municipality during a suspension', () => {
  it('rejects invalid contacts and keeps them encrypted at rest', async () => {
    const loc = await sys.db.selectFrom('dossiers').select(['location_id', 'team_id']).where('team_id', '=', teamOfKb).orderBy('id').offset(3).executeTakeFirstOrThrow();
    const staff = (await sys.db.selectFrom('users').select('id').where('team_id', '=', loc.team_id).where('role', '=', 'klantenbeheerder').executeTakeFirstOrThrow()).id;
    const bad = await sys.http(`/locations/${loc.location_id}/parent-contacts`, { method: 'POST', as: staff, json: { contacts: [{ name: 'X', email: 'geen-adres' }] } });
    expect(bad.status).toBe(400);
    const nul = await sys.http(`/locations/${loc.location_id}/parent-contacts`, { method: 'POST', as: staff, json: { contacts: [{ name: 'A\u0000B', email: 'a@b.test' }] } });
    expect(nul.status).toBe(400);
    const ok = await sys.http(`/locations/${loc.location_id}/parent-contacts`, { method: 'POST', as: staff, json: { contacts: parents } });
    expect(ok.status).toBe(200);
    const rows = await sys.db.selectFrom('parent_contacts').selectAll().where('location_id', '=', loc.location_id).execute();
    expect(rows).toHaveLength(3);
    for (const r of rows) for (const p of parents) {
      expect(r.sealed).not.toContain(p.email);
      expect(Buffer.from(r.sealed, 'base64').toString('latin1')).not.toContain(p.email);
    }
    const read = (await (await sys.http(`/locations/${loc.location_id}/parent-contacts`, { as: staff })).json()) as { contacts: { email: string }[] };
    expect(read.contacts.map((c) => c.email).sort()).toEqual(parents.map((p) => p.email).sort());
    expect((await sys.http(`/locations/${loc.location_id}/parent-contacts`, { method: 'DELETE', as: staff })).status).toBe(200);
    expect(await sys.db.selectFrom('parent_contacts').select('id').where('location_id', '=', loc.location_id).execute()).toHaveLength(0);
  });

  it('runs a suspension with interim news, an information session and the replacement capacity to the end', async () => {
    const loc = await sys.db.selectFrom('dossiers as d').innerJoin('locations as l', 'l.id', 'd.location_id').select(['d.location_id', 'd.team_id', 'l.capacity', 'l.municipality']).where('l.capacity', '>', 0).where('l.licence_status', '=', 'actief').where('d.team_id', '=', teamOfKb)
      // From the end of the list: other files take the first locations, and a case's workflow id is its location's on the shared dev server.
      .orderBy('d.id', 'desc').executeTakeFirstOrThrow();
    const staff = (await sys.db.selectFrom('users').select('id').where('team_id', '=', loc.team_id).where('role', 'in', ['klantenbeheerder', 'teamcoordinator']).orderBy('role').executeTakeFirstOrThrow()).id;
    expect((await sys.http(`/locations/${loc.location_id}/parent-contacts`, { method: 'POST', as: staff, json: { contacts: parents } })).status).toBe(200);

    const { id } = await api.open(loc.location_id, { urgent: true, kind: 'integriteitsrisico' });
    await api.decide(id, 'dringende_beslissing', 'schorsing', inDays(30));
    await api.atStep(id, 'dringende_beslissing', 'opvolging');
    const mails = (kind: string) => sys.channels!.smtp.received.filter((m) => keyOf(m.messageId).startsWith(`${id}:`) && keyOf(m.messageId).includes(`:${kind}`));

    // The decision: each parent and the municipality once, on the day.
    await eventually(async () => mails('beslissing:email').length, (n) => n === 4);
    // Information session: a task for the case manager, invitations to parents and municipality.
    const session = await sys.http(`/handhaving/${id}/information-session`, { method: 'POST', as: kb, json: { at: new Date(Date.now() + 3 * 86_400_000).toISOString(), place: 'Gemeentehuis, raadzaal', note: 'Met de psychopedagoog van Opgroeien.' } });
    expect(session.status, await session.clone().text()).toBe(200);
    const invited = mails('infosessie:1').map((m) => m.to[0]!);
    expect(invited.filter((a) => !a.startsWith('lokaal-loket@')).sort()).toEqual(parents.map((p) => p.email).sort());
    expect(invited.filter((a) => a.startsWith('lokaal-loket@'))).toHaveLength(1);
    expect(await sys.db.selectFrom('outbox_messages').select('template').where('subject_id', '=', id).where('template', '=', 'infosessie_taak').execute()).toHaveLength(1);

    // Interim news at its rhythm: every parent gets each one once.
    await eventually(async () => mails('tussentijds:').length, (n) => n >= 3 * parents.length, 20_000);
    await api.cmd(id, 'suspension-end', tc, { action: 'lift', verification: 'Herinspectie: in orde.' });
    const closed = await eventually(() => api.get(id), (c) => c.status === 'closed', 20_000);
    // None after the end: the case has done what its closure sets off (the contacts' erasure
    // among it), the flows that send interim news have ended (no timer of theirs is left), and
    // what they queued before has gone out, so the count below is final.
    await untilIdle(sys, enforcementCaseWorkflowId(loc.location_id));
    for (const step of closed.live!.steps) {
      if (step.workflowId) await eventually(async () => (await sys.temporal.workflow.getHandle(step.workflowId!).describe()).status.name, (s) => s !== 'RUNNING');
    }
    await eventually(() => sys.db.selectFrom('outbox_messages').select('id').where('subject_id', '=', id).where('template', '=', 'tussentijds_ouders').where('status', '=', 'queued').execute(), (rows) => rows.length === 0);
    const interim = mails('tussentijds:');
    const numbers = new Set(interim.map((m) => keyOf(m.messageId).split(':tussentijds:')[1]!.split(':')[0]));
    expect(interim.length).toBe(numbers.size * parents.length);
    expect(new Set(interim.map((m) => m.messageId)).size).toBe(interim.length);
    // The end of the suspension, to parents and municipality.
    expect(mails('einde-schorsing').length).toBe(parents.length + 1);
    // The contacts served this case only: erased at its closure.
    expect(await sys.db.selectFrom('parent_contacts').select('id').where('location_id', '=', loc.location_id).execute()).toHaveLength(0);

    // The replacement capacity: in the register per municipality, extended once, reminded before each end, then ended.
    const decision = await sys.db.selectFrom('enforcement_decisions').select(['id']).where('case_id', '=', id).executeTakeFirstOrThrow();
    const register = async () => (await (await sys.http(`/replacement-capacity?municipality=${encodeURIComponent(loc.municipality)}`, { as: tc })).json()) as { decisionId: string; status: string; places: number; endsOn: string; extended: boolean }[];
    const first = (await register()).find((r) => r.decisionId === decision.id)!;
    expect(first).toMatchObject({ status: 'lopend', places: loc.capacity, extended: false });
    const reminded = () => sys.channels!.smtp.received.filter((m) => keyOf(m.messageId).startsWith(`${id}:`) && keyOf(m.messageId).includes(':vervangcapaciteit-herinnering:'));
    // The reminder before the end (30 compressed days before 12 months), to the municipality and the case manager; then the extension.
    await eventually(async () => reminded().length, (n) => n === 1, 40_000);
    const extended = await sys.http(`/replacement-capacity/${decision.id}/extend`, { method: 'POST', as: kb, json: { reason: 'Nog geen structurele oplossing.' } });
    expect(extended.status, await extended.clone().text()).toBe(200);
    const ext = (await extended.json()) as { endsOn: string; status: string };
    expect(ext.status).toBe('verlengd');
    expect((await sys.http(`/replacement-capacity/${decision.id}/extend`, { method: 'POST', as: kb, json: { reason: 'Nog eens.' } })).status).toBe(409);
    // Outside the caller's scope the decision is as unknown: 404.
    const otherTeam = await sys.db.selectFrom('users').select('id').where('role', '=', 'klantenbeheerder').where('team_id', '<>', loc.team_id).executeTakeFirstOrThrow();
    expect((await sys.http(`/replacement-capacity/${decision.id}/end`, { method: 'POST', as: otherTeam.id, json: { reason: 'Niet mijn team.' } })).status).toBe(404);
    const otherCoordinator = await sys.db.selectFrom('users').select('id').where('role', '=', 'teamcoordinator').where('team_id', '<>', loc.team_id).executeTakeFirstOrThrow();
    expect((await sys.http(`/replacement-capacity/${decision.id}/extend`, { method: 'POST', as: otherCoordinator.id, json: { reason: 'Niet mijn team.' } })).status).toBe(404);
    // Roles that never change the register of replacement capacity: 403, whatever the decision.
    for (const as of ['u-cc-1', 'u-jur-1', 'u-admin']) {
      for (const action of ['extend', 'end']) {
        expect((await sys.http(`/replacement-capacity/${decision.id}/${action}`, { method: 'POST', as, json: { reason: 'Niet mijn rol.' } })).status, `${as} ${action}`).toBe(403);
      }
    }
    const done = await eventually(async () => (await register()).find((r) => r.decisionId === decision.id)!, (r) => r.status === 'afgelopen', 40_000);
    expect(done.extended).toBe(true);
    expect(done.endsOn).toBe(ext.endsOn);
    expect(reminded().length).toBe(2); // before the first end (then extended) and before the extended end
    // The end, to the municipality (sent right after the register says so).
    await eventually(async () => sys.channels!.smtp.received.filter((m) => keyOf(m.messageId).startsWith(`${id}:`) && keyOf(m.messageId).includes(':vervangcapaciteit-einde:')).length, (n) => n === 1);
    const caseManagerReminders = await sys.db.selectFrom('outbox_messages').select('subject').where('subject_id', '=', id).where('idempotency_key', 'like', '%vervangcapaciteit-herinnering%:intern').execute();
    expect(caseManagerReminders).toHaveLength(2);
    // Every letter of the case as a document: the urgent decision, its public versions, the invitation, interim news, the end, the capacity's letters.
    const organiser = await sys.db.selectFrom('locations as l').innerJoin('organisers as o', 'o.id', 'l.organiser_id').select(['o.email', 'o.phone']).where('l.id', '=', loc.location_id).executeTakeFirstOrThrow();
    const seen = await checkDocuments(sys, id, tc, { never: [], notPublic: [organiser.email, organiser.phone, ...parents.flatMap((p) => [p.name, p.email]), 'An Peeters', 'an.peeters@voorbeeld.test'].filter((m): m is string => !!m) });
    expect(new Set(seen)).toEqual(new Set(['beslissing', 'beslissing_ouders', 'beslissing_lokaal_bestuur', 'infosessie_uitnodiging', 'tussentijds_ouders', 'einde_schorsing_ouders', 'vervangcapaciteit_herinnering', 'vervangcapaciteit_einde']));
    const timeline = await sys.db.selectFrom('timeline_entries').select('title').where('dossier_id', '=', (await sys.db.selectFrom('dossiers').select('id').where('location_id', '=', loc.location_id).executeTakeFirstOrThrow()).id).where('title', 'like', '%vervangcapaciteit%').execute();
    expect(timeline.length).toBeGreaterThanOrEqual(3);
  }, 120_000);

  it('replays every recorded history', async () => {
    expect(await replayAll(sys)).toBeGreaterThan(0);
  });
});
