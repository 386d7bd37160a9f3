import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from './harness.js';
import { caseApi, enforcementOverrides, kb, kbTeam, lettersOf, tc } from './handhaving-helpers.js';

// Every sendCommunication attempt 1 fails right after writing its letter, as a worker crash
// between the write and the answer would; the retry must find the letter, not write a second one.
let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem({ enforcementOverrides, faults: { failFirstAttempt: ['sendCommunication'] } });
});
afterAll(async () => sys?.stop());

it('sends each letter exactly once when the activity fails after its side effect and retries', async () => {
  const api = caseApi(sys);
  const { location_id } = await sys.db.selectFrom('dossiers').select('location_id').where('team_id', '=', kbTeam).orderBy('id').executeTakeFirstOrThrow();
  const { id } = await api.open(location_id);
  const sent = await api.sendAanmaning(id);
  expect(sent.live!.current!.communications).toHaveLength(5); // the talk, then three letters, and the e-Box (skipped: no e-Box channel here)
  expect(sent.live!.current!.communications.find((c) => c.channel === 'ebox')).toMatchObject({ status: 'skipped' });

  const letters = await lettersOf(sys, id);
  expect(letters.map((l) => `${l.template}/${l.channel}`)).toEqual(['aanmaning/email', 'aanmaning/aangetekende_brief', 'mentes_aanmaning/email']);
  expect(new Set(letters.map((l) => l.idempotency_key)).size).toBe(3);
  const timeline = await sys.db.selectFrom('timeline_entries').select('idempotency_key').where('kind', '=', 'communicatie').where('idempotency_key', 'like', `timeline:${id}:%`).execute();
  expect(timeline).toHaveLength(3);

  // A registered letter that was not delivered raises a task for the case manager, once.
  const registered = letters.find((l) => l.channel === 'aangetekende_brief')!;
  const undelivered = await sys.http(`/handhaving/${id}/letters/${registered.id}/delivery`, { method: 'POST', as: kb, json: { delivered: false, trackingReference: 'RR123456789BE' } });
  expect(undelivered.status).toBe(200);
  expect(await undelivered.json()).toMatchObject({ status: 'failed', trackingReference: 'RR123456789BE' });
  expect((await sys.http(`/handhaving/${id}/letters/${registered.id}/delivery`, { method: 'POST', as: kb, json: { delivered: true, trackingReference: 'RR123456789BE' } })).status).toBe(409);
  const tasks = await sys.db.selectFrom('outbox_messages').select(['template', 'recipient_user_id']).where('subject_id', '=', id).where('template', '=', 'brief_niet_bezorgd').execute();
  expect(tasks).toHaveLength(1);
  await api.call(`/handhaving/${id}/close`, tc, { reason: 'Test afgerond' });
});
