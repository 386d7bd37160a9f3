import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from './harness.js';
import { caseApi, DAY, enforcementOverrides, inDays, jurist, kb, kbTeamLocations, tc } from './handhaving-helpers.js';
import { eventually } from './melding-helpers.js';

// Issue 13: a registered letter that is not collected counts as notified on the day it was
// presented (an assumption, docs/letters.md), so the organiser's term runs from that day, not
// from the sending: the flow moves its own term and timers when the channel reports the date.
// Through the registered-mail simulator over HTTP, its signed callback and the real workflows.

const hearingDays = 20;
const objectionDays = 20;
let sys: TestSystem;
let api: ReturnType<typeof caseApi>;
let nextLocation: Awaited<ReturnType<typeof kbTeamLocations>>;

beforeAll(async () => {
  sys = await startTestSystem({ enforcementOverrides: { ...enforcementOverrides, hearingTermWorkingDays: hearingDays, objectionTermDays: objectionDays }, channels: true });
  api = caseApi(sys);
  nextLocation = await kbTeamLocations(sys);
});
afterAll(async () => sys?.stop());

async function registeredLetterOf(caseId: string, subject: RegExp): Promise<string> {
  const letters = await eventually(
    async () => (await (await fetch(`${sys.channels!.registeredMail.url}/_control/letters`)).json()) as { letterId: string; subject: string; reference: string }[],
    (all) => all.some((l) => l.reference.startsWith(caseId) && subject.test(l.subject)),
  );
  return letters.find((l) => l.reference.startsWith(caseId) && subject.test(l.subject))!.letterId;
}

/** A new case whose aanmaning was not remedied: on to the voornemen. */
async function caseAtVoornemen(): Promise<string> {
  const { id } = await api.open(nextLocation().location_id);
  await api.atStep(id, 'aanmaning');
  await api.cmd(id, 'shortcomings', kb, { shortcomings: ['Geen toezicht op de slaapkamer.'], remedyBy: inDays(1) });
  await api.cmd(id, 'talk', kb, { at: new Date().toISOString(), summary: 'Gesprek.' });
  await api.remedyTermPassed(id);
  await api.cmd(id, 'remedy-outcome', kb, { remedied: false, evidence: 'Niet hersteld.' });
  return id;
}

describe('a term counted from the notification of a registered letter', () => {
  it('a voornemen not collected: the hearing term runs from the presentation date, its timers move, once', async () => {
    const id = await caseAtVoornemen();
    await api.atStep(id, 'voornemen');
    await api.cmd(id, 'draft', kb, { decision: 'schorsing', text: 'De tekortkomingen zijn niet hersteld.' });
    await api.cmd(id, 'review', jurist, { approve: true, remarks: 'Akkoord.' });
    const sent = await api.atStep(id, 'voornemen', 'opvolging');
    const countedFromSending = Date.parse(sent.live!.current!.data.hearingUntil as string);
    const termTimer = () => sent.live!.current!.deadlines.find((d) => d.id === 'hearing-term');
    expect(Date.parse(termTimer()!.dueAt)).toBe(countedFromSending);

    // The post office presents the letter today; nobody collects it.
    const letterId = await registeredLetterOf(id, /^Voornemen/);
    const outcome = await fetch(`${sys.channels!.registeredMail.url}/_control/letters/${letterId}/outcome`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ outcome: 'niet_afgehaald' }) });
    expect(((await outcome.json()) as { httpStatus: number }).httpStatus).toBe(200);
    const reportedAt = Date.now();

    const moved = await eventually(() => api.get(id), (c) => Date.parse(c.live?.current?.data.hearingUntil as string) > countedFromSending, 30_000);
    const current = moved.live!.current!;
    const until = Date.parse(current.data.hearingUntil as string);
    // Compressed terms: the presentation day is today, so the term now ends N (compressed) days
    // after the outcome arrived at the flow, not after the sending.
    expect(until).toBeGreaterThanOrEqual(reportedAt - 1_000 + hearingDays * DAY);
    expect(current.deadlines.find((d) => d.id === 'hearing-term')?.dueAt).toBe(new Date(until).toISOString());
    expect(current.deadlines.find((d) => d.id === 'hearing-reminder')?.dueAt).toBe(new Date(until - enforcementOverrides.reminderBeforeMs).toISOString());
    expect(current.waitingFor).toContain(new Date(until).toISOString().slice(0, 10));

    // On the case's history: the recount, with the presentation date, exactly once, also when the
    // channel's callback is delivered again.
    const callbacks = (await (await fetch(`${sys.channels!.registeredMail.url}/_control/callbacks`)).json()) as { deliveryId: string; ref: string }[];
    const again = callbacks.find((c) => c.ref === letterId)!;
    await fetch(`${sys.channels!.registeredMail.url}/_control/callbacks/${again.deliveryId}/redeliver`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const history = async () => {
      const res = await sys.http(`/cases/handhaving/${id}/history?source=audit`, { as: tc });
      const body = (await res.json()) as { entries: { kind: string; details: Record<string, unknown> | null }[] };
      expect(res.status, JSON.stringify(body)).toBe(200);
      return body.entries;
    };
    const recounts = (await eventually(history, (e) => e.some((x) => x.kind === 'voornemen.term_recounted'))).filter((x) => x.kind === 'voornemen.term_recounted');
    expect(recounts).toHaveLength(1);
    expect(recounts[0]!.details).toMatchObject({ termFrom: inDays(0), hearingUntil: current.data.hearingUntil });

    // The hearing goes on as before: concluded within the recounted term.
    await api.cmd(id, 'hearing', kb, { action: 'requested', at: new Date().toISOString(), note: 'Gevraagd.' });
    await api.cmd(id, 'hearing', kb, { action: 'report', at: new Date().toISOString(), note: 'Verslag.' });
    await api.cmd(id, 'conclude-hearing', kb, { proceed: false, reason: 'Toch hersteld.' });
    const closed = await eventually(() => api.get(id), (c) => c.status === 'closed', 30_000);
    expect(closed.status).toBe('closed');
    expect((await history()).filter((x) => x.kind === 'voornemen.term_recounted')).toHaveLength(1);
  });

  it('a decision delivered: the objection term runs from the delivery date, once', async () => {
    const id = await caseAtVoornemen();
    await api.runVoornemen(id, 'schorsing');
    await api.atStep(id, 'beslissing');
    await api.cmd(id, 'decision', kb, { decision: 'schorsing', motivation: 'Motivering.', publicMotivation: 'De veiligheid is niet gewaarborgd.', date: inDays(30), integrityHarmed: false });
    await api.cmd(id, 'review', jurist, { approve: true, remarks: 'Akkoord.' });
    await api.atStep(id, 'beslissing', 'communicatie');
    await api.cmd(id, 'oral-notice', kb, { at: new Date().toISOString(), note: 'Telefonisch.' });
    const sent = await api.atStep(id, 'beslissing', 'opvolging');
    const countedFromSending = Date.parse(sent.live!.current!.data.objectionUntil as string);

    const letterId = await registeredLetterOf(id, /^Beslissing/);
    const outcome = await fetch(`${sys.channels!.registeredMail.url}/_control/letters/${letterId}/outcome`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ outcome: 'bezorgd' }) });
    expect(((await outcome.json()) as { httpStatus: number }).httpStatus).toBe(200);

    const moved = await eventually(() => api.get(id), (c) => Date.parse(c.live?.current?.data.objectionUntil as string) > countedFromSending, 30_000);
    const until = moved.live!.current!.data.objectionUntil as string;
    expect(moved.live!.current!.deadlines.find((d) => d.id === 'objection-term')?.dueAt).toBe(until);
    const res = await sys.http(`/cases/handhaving/${id}/history?source=audit`, { as: tc });
    const entries = ((await res.json()) as { entries: { kind: string; details: Record<string, unknown> }[] }).entries;
    expect(entries.filter((e) => e.kind === 'beslissing.objection_term_recounted').map((e) => e.details)).toEqual([expect.objectContaining({ termFrom: inDays(0), objectionUntil: until })]);
  });
});
