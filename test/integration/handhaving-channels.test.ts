import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultInjection } from '../../activities/enforcement.js';
import { startTestSystem, type TestSystem } from './harness.js';
import { caseApi, inDays, jurist, kb, tc } from './handhaving-helpers.js';
import { pdfText } from './letters-helpers.js';
import { eventually, intake, replayAll } from './melding-helpers.js';

// Issue 13: letters as PDF documents through the sending channels' simulators over real HTTP
// (registered mail, e-Box, SMTP), with their callbacks; counted at the simulators.

const DAY = 40;
const overrides = { compressDayMs: DAY, hearingTermWorkingDays: 2, objectionTermDays: 2, mentesContactWorkingDays: 2, reminderBeforeMs: 20, interimNewsEveryDays: 5 };
// Mutable: the kill test turns the hold on for one send only.
const faults: FaultInjection = {};

let sys: TestSystem;
let api: ReturnType<typeof caseApi>;
let locations: { location_id: string; team_id: string; kind: string }[];
let next = 0;

const reporter = { name: 'Rita Verklikker', email: 'rita.verklikker@melder.test' };
const children = ['Lotte Vermeulen', 'Mohamed El Amrani'];
const parents = [
  { name: 'Ouder Eén Dewitte', email: 'ouder.een@gezin.test' },
  { name: 'Ouder Twee Claes', email: 'ouder.twee@gezin.test' },
];

beforeAll(async () => {
  sys = await startTestSystem({ enforcementOverrides: overrides, channels: true, faults });
  api = caseApi(sys);
  locations = await sys.db
    .selectFrom('dossiers as d')
    .innerJoin('locations as l', 'l.id', 'd.location_id')
    .select(['d.location_id', 'd.team_id', 'l.kind'])
    .where('l.licence_status', '=', 'actief')
    .where('l.capacity', '>', 0)
    // The case manager's own team: commands and the parents' contacts are scoped to it.
    .where('d.team_id', '=', sys.db.selectFrom('users').select('team_id').where('id', '=', kb).$narrowType<{ team_id: string }>())
    .orderBy('d.id')
    .limit(6)
    .execute();
});
afterAll(async () => sys?.stop());

async function teamKb(teamId: string) {
  return (await sys.db.selectFrom('users').select('id').where('team_id', '=', teamId).where('role', '=', 'klantenbeheerder').orderBy('id').executeTakeFirstOrThrow()).id;
}

/** The idempotency key an e-mail's Message-ID carries (channels/clients.ts). */
const keyOf = (messageId: string) => Buffer.from(messageId.slice(1, messageId.indexOf('@')), 'base64url').toString('utf8');

const control = async (url: string, init?: { json?: unknown }) => {
  const res = await fetch(url, init?.json !== undefined ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.json) } : undefined);
  return { status: res.status, body: (await res.json()) as any };
};

describe('a suspension through the channels', () => {
  it('sends each letter once per channel, follows the registered letters\' outcomes, and keeps personal data out of public versions', async () => {
    const loc = locations[next++]!;
    const staff = await teamKb(loc.team_id);
    const organiser = await sys.db.selectFrom('locations as l').innerJoin('organisers as o', 'o.id', 'l.organiser_id').select(['o.email', 'o.phone', 'o.name', 'o.enterprise_number', 'l.name as location_name']).where('l.id', '=', loc.location_id).executeTakeFirstOrThrow();

    // A report about the location names its reporter: no letter may ever name them.
    expect((await sys.http('/meldingen', { method: 'POST', as: staff, json: { ...intake.regular(loc.location_id), reporter } })).status).toBe(201);
    // The organiser's parents' list, as a file.
    const csv = `naam;email\n${parents.map((p) => `${p.name};${p.email}`).join('\n')}\nzonder adres;\n`;
    const upload = await sys.http(`/locations/${loc.location_id}/parent-contacts/upload`, { method: 'POST', as: staff, headers: { 'content-type': 'text/csv' }, body: csv });
    expect(upload.status, await upload.clone().text()).toBe(200);
    expect(await upload.json()).toMatchObject({ imported: 2, total: 2, rejected: [{ line: 4 }] });

    const { id } = await api.open(loc.location_id);
    await api.atStep(id, 'aanmaning');
    await api.cmd(id, 'shortcomings', kb, { shortcomings: [`Toezicht ontbrak bij ${children[0]} (gemeld door ${reporter.name})`], remedyBy: inDays(1) });
    await api.cmd(id, 'talk', kb, { at: new Date().toISOString(), summary: 'Gesprek.' });
    await api.atStep(id, 'aanmaning', 'opvolging');
    await api.remedyTermPassed(id);
    await api.cmd(id, 'remedy-outcome', kb, { remedied: false, evidence: 'Niet hersteld.' });
    await api.runVoornemen(id, 'schorsing');
    await api.atStep(id, 'beslissing');
    await api.cmd(id, 'decision', kb, {
      decision: 'schorsing',
      motivation: `Volledige motivering voor de organisator: ${children.join(' en ')} waren zonder toezicht; contact ${organiser.email ?? 'an.peeters@voorbeeld.test'}.`,
      publicMotivation: `De veiligheid van de kinderen is niet gewaarborgd (melding van ${reporter.name}; organisator bereikbaar op ${organiser.email ?? organiser.name}).`,
      date: inDays(20),
      integrityHarmed: true,
    });
    await api.cmd(id, 'review', jurist, { approve: true, remarks: 'Akkoord.' });
    await api.atStep(id, 'beslissing', 'communicatie');
    await api.cmd(id, 'oral-notice', kb, { at: new Date().toISOString(), note: 'Telefonisch.' });
    const decided = await api.atStep(id, 'beslissing', 'opvolging');
    expect(decided.live!.current!.communications.map((c) => `${c.recipient}/${c.channel}`)).toEqual(
      expect.arrayContaining(['organisator/email', 'organisator/aangetekende_brief', 'organisator/ebox', 'ouders/email', 'lokaal_bestuur/email']),
    );

    // Registered mail: one letter per formal letter (aanmaning, voornemen, beslissing), each asked once.
    const letters = ((await control(`${sys.channels!.registeredMail.url}/_control/letters`)).body as { letterId: string; idempotencyKey: string; requests: number; subject: string; reference: string }[]).filter((l) => l.reference.startsWith(id));
    expect(letters.map((l) => l.subject)).toEqual([expect.stringMatching(/^Aanmaning/), expect.stringMatching(/^Voornemen/), expect.stringMatching(/^Beslissing/)]);
    expect(new Set(letters.map((l) => l.idempotencyKey)).size).toBe(3);
    expect(letters.every((l) => l.requests === 1)).toBe(true);
    // e-Box: the same three, to the organiser's enterprise number.
    const ebox = ((await control(`${sys.channels!.ebox.url}/_control/messages`)).body as { enterpriseNumber: string; requests: number; reference: string }[]).filter((m) => m.reference.startsWith(id));
    expect(ebox).toHaveLength(3);
    expect(ebox.every((m) => m.requests === 1 && m.enterpriseNumber === organiser.enterprise_number)).toBe(true);
    // SMTP: each parent and the municipality once (distinct Message-IDs, no repeated transaction).
    const decisionMails = sys.channels!.smtp.received.filter((m) => keyOf(m.messageId).startsWith(`${id}:`) && keyOf(m.messageId).includes(':beslissing:email'));
    const to = decisionMails.map((m) => m.to[0]!);
    expect(to.filter((a) => !a.startsWith('lokaal-loket@')).sort()).toEqual(parents.map((p) => p.email).sort());
    expect(to.filter((a) => a.startsWith('lokaal-loket@'))).toHaveLength(1);
    expect(new Set(decisionMails.map((m) => m.messageId)).size).toBe(decisionMails.length);

    // Outcomes: the aanmaning delivered, the voornemen not collected, the decision returned.
    const [aanmaning, voornemen, beslissing] = letters;
    // The provider dates its outcomes in Brussels: today there, not in UTC.
    const today = inDays(0);
    expect((await control(`${sys.channels!.registeredMail.url}/_control/letters/${aanmaning!.letterId}/outcome`, { json: { outcome: 'bezorgd' } })).body.httpStatus).toBe(200);
    expect((await control(`${sys.channels!.registeredMail.url}/_control/letters/${voornemen!.letterId}/outcome`, { json: { outcome: 'niet_afgehaald' } })).body.httpStatus).toBe(200);
    expect((await control(`${sys.channels!.registeredMail.url}/_control/letters/${beslissing!.letterId}/outcome`, { json: { outcome: 'teruggestuurd' } })).body.httpStatus).toBe(200);
    const dispatches = await sys.db.selectFrom('channel_dispatches').selectAll().where('case_id', '=', id).where('channel', '=', 'aangetekende_brief').orderBy('sent_at').execute();
    expect(dispatches.map((d) => [d.status, d.term_from])).toEqual([['bezorgd', today], ['niet_afgehaald', today], ['teruggestuurd', null]]);
    const outbox = await sys.db.selectFrom('outbox_messages').select(['template', 'status']).where('subject_id', '=', id).where('channel', '=', 'aangetekende_brief').orderBy('id').execute();
    expect(outbox.map((o) => `${o.template}:${o.status}`)).toEqual(['aanmaning:delivered', 'voornemen:sent', 'beslissing:failed']);
    // The follow-ups: a task for the legal fallback, a task to deliver again; each once, also when a callback is replayed.
    const callbacks = (await control(`${sys.channels!.registeredMail.url}/_control/callbacks`)).body as { deliveryId: string; ref: string }[];
    const replay = callbacks.find((c) => c.ref === voornemen!.letterId)!;
    expect((await control(`${sys.channels!.registeredMail.url}/_control/callbacks/${replay.deliveryId}/redeliver`, { json: {} })).body.httpStatus).toBe(200);
    const tasks = await sys.db.selectFrom('outbox_messages').select(['template', 'body']).where('subject_id', '=', id).where('template', 'in', ['brief_niet_afgehaald', 'brief_niet_bezorgd']).orderBy('id').execute();
    expect(tasks.map((t) => t.template)).toEqual(['brief_niet_afgehaald', 'brief_niet_bezorgd']);
    expect(tasks[0]!.body).toContain(`de termijn loopt vanaf ${today}`);
    // The flow shows the outcome on its communication.
    const live = await eventually(() => api.get(id), (c) => (c.live?.current?.communications as { channel: string; kind: string; status?: string }[] | undefined)?.some((x) => x.channel === 'aangetekende_brief' && x.kind === 'beslissing' && x.status === 'failed') ?? false);
    expect(live.live!.current!.flow).toBe('beslissing');
    // An unsigned callback is refused.
    const forged = await fetch(`${sys.url}/channels/registered-mail/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-channel-timestamp': String(Math.floor(Date.now() / 1000)), 'x-channel-signature': 'v1=00' }, body: JSON.stringify({ deliveryId: 'X', ref: aanmaning!.letterId, event: 'bezorgd', data: {} }) });
    expect(forged.status).toBe(401);

    // The documents: every letter kind exists, opens, carries the hash in the audit trail; the public ones no personal data.
    const listDocs = async () => (await (await sys.http(`/handhaving/${id}/documents`, { as: tc })).json()) as { id: string; template: string; audience: string; sha256: string }[];
    // Interim news follows the suspension's rhythm: wait for the first.
    const docs = await eventually(listDocs, (d) => d.some((x) => x.template === 'tussentijds_ouders'), 20_000);
    expect(new Set(docs.map((d) => d.template))).toEqual(new Set(['aanmaning', 'voornemen', 'beslissing', 'beslissing_ouders', 'beslissing_lokaal_bestuur', 'tussentijds_ouders']));
    const audit = await sys.db.selectFrom('audit_log').select('details').where('subject_id', '=', id).where('action', '=', 'handhaving.document').execute();
    const auditHash = new Map(audit.map((a) => [(a.details as { documentId: string }).documentId, (a.details as { sha256: string }).sha256]));
    const privateMarkers = [organiser.email, organiser.phone, ...children, ...parents.flatMap((p) => [p.name, p.email]), ...(loc.kind === 'gezinsopvang' ? [organiser.name, organiser.location_name] : [])].filter((m): m is string => !!m);
    for (const doc of docs) {
      const res = await sys.http(`/handhaving/${id}/documents/${doc.id}`, { as: tc });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      const bytes = new Uint8Array(await res.arrayBuffer());
      const hash = createHash('sha256').update(bytes).digest('hex');
      expect(hash).toBe(doc.sha256);
      expect(res.headers.get('x-content-sha256')).toBe(hash);
      expect(auditHash.get(doc.id), doc.template).toBe(hash);
      const { text, pages } = await pdfText(bytes); // spaces for line breaks
      expect(pages).toBeGreaterThan(0);
      expect(text).toContain(id);
      // Never the reporter, in any letter.
      expect(text, doc.template).not.toContain(reporter.name);
      expect(text, doc.template).not.toContain(reporter.email);
      if (doc.audience === 'publiek') {
        for (const marker of privateMarkers) expect(text, `${doc.template} contains ${marker}`).not.toContain(marker);
      }
      if (doc.template === 'beslissing') {
        expect(text).toContain('Rechtsgrond');
        expect(text).toContain('bezwaar indienen tot en met');
        expect(text).toContain(children[0]); // the organiser's version carries the full motivation
      }
    }
    // Only the location's team may read the parents' contacts.
    expect((await sys.http(`/locations/${loc.location_id}/parent-contacts`, { as: staff })).status).toBe(200);
    const other = (await sys.db.selectFrom('users').select('id').where('role', '=', 'klantenbeheerder').where('team_id', '!=', loc.team_id).orderBy('id').executeTakeFirstOrThrow()).id;
    expect((await sys.http(`/locations/${loc.location_id}/parent-contacts`, { as: other })).status).toBe(403);
    expect((await sys.http(`/locations/${loc.location_id}/parent-contacts`, { as: jurist })).status).toBe(403);
    await api.cmd(id, 'suspension-end', tc, { action: 'lift', verification: 'Herinspectie in orde.' });
    await eventually(() => api.get(id), (c) => c.status === 'closed');
  });

  it.each([
    ['aangetekende_brief', '/_control/letters'],
    ['ebox', '/_control/messages'],
  ] as const)('sends nothing twice through %s when the worker is stopped between the channel\'s answer and the record', async (channel, listPath) => {
    const loc = locations[next++]!;
    const { id } = await api.open(loc.location_id);
    await api.atStep(id, 'aanmaning');
    await api.cmd(id, 'shortcomings', kb, { shortcomings: ['Geen brandoefening'], remedyBy: inDays(2) });
    let held: (key: string) => void = () => undefined;
    const holding = new Promise<string>((resolve) => (held = resolve));
    faults.holdAfterSend = [channel];
    faults.onHold = (key) => held(key);
    await api.cmd(id, 'talk', kb, { at: new Date().toISOString(), summary: 'Gesprek.' });
    const key = await holding;
    // The provider has the letter; we have no record of it yet. Now the worker goes down mid-activity.
    const sim = channel === 'ebox' ? sys.channels!.ebox.url : sys.channels!.registeredMail.url;
    const atProvider = () => control(`${sim}${listPath}`).then((r) => (r.body as { idempotencyKey: string; requests: number }[]).filter((l) => l.idempotencyKey === key));
    expect(await atProvider()).toHaveLength(1);
    expect(await sys.db.selectFrom('channel_dispatches').select('key').where('key', '=', key).execute()).toHaveLength(0);
    await sys.stopWorker();
    faults.holdAfterSend = [];
    await sys.startWorker();
    await eventually(() => sys.db.selectFrom('channel_dispatches').select('key').where('key', '=', key).execute(), (r) => r.length === 1, 60_000);
    const after = await atProvider();
    expect(after).toHaveLength(1);
    expect(after[0]!.requests).toBe(2); // asked again with the same key after the crash, sent once
    await api.atStep(id, 'aanmaning', 'opvolging');
    await api.call(`/handhaving/${id}/close`, tc, { reason: 'Test afgerond' });
  }, 120_000);

  it('replays every recorded history', async () => {
    expect(await replayAll(sys)).toBeGreaterThan(0);
  });
});
