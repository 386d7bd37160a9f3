import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxIncidentId, outboxIncidentSubject } from '../../db/repositories/outbox.js';
import { type TestSystem, startTestSystem } from './harness.js';
import { eventually, locationOfTeam, replayAll } from './melding-helpers.js';
import { expectAccessible, expectText, launchChromium, newPage, signInAs } from './ui-support.js';

let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem({ devSignIn: true });
});

afterAll(async () => {
  await sys?.stop();
});

interface IncidentView {
  id: string;
  status: string;
  kind: string;
  workflowId: string;
  activityType: string;
}

async function incidentsOf(workflowPrefix: string): Promise<IncidentView[]> {
  const res = await sys.http('/incidents?limit=50', { as: 'u-admin' });
  expect(res.status).toBe(200);
  const page = (await res.json()) as { items: IncidentView[] };
  return page.items.filter((i) => i.workflowId.startsWith(workflowPrefix));
}

// ----- resolving an e-mail's incident in the web UI (docs/incidents.md, "E-mails") -----
//
// The state the outbox's sweep leaves behind when a sender died mid-conversation
// (docs/reliability.md, "An e-mail whose delivery is uncertain"): the message `uncertain` and its
// incident. The dispatcher's own path to it is tested in outbox.test.ts; here the operator's screen.

let mails = 0;
async function uncertainEmail(): Promise<{ messageId: string; incidentId: string }> {
  mails += 1;
  const { id: messageId } = await sys.db.insertInto('outbox_messages').values({
    idempotency_key: `test:ui-uncertain:${mails}`, channel: 'email', recipient_user_id: null, recipient_address: `onzeker.ui.${mails}@voorbeeld.test`,
    template: 'test', subject: `Onzeker ${mails}`, body: 'Test', subject_type: 'test', subject_id: `ui${mails}`, last_error: 'connection reset after DATA',
    sent_at: null, status: 'uncertain', attempts: 1, sending_at: new Date(),
  }).returning('id').executeTakeFirstOrThrow();
  const incidentId = outboxIncidentId(messageId);
  await sys.db.insertInto('incidents').values({
    id: incidentId, status: 'open', workflow_id: outboxIncidentSubject(messageId), run_id: '', workflow_type: 'outbox', activity_type: 'sendEmail',
    kind: 'technisch', error_type: 'DeliveryUncertain', message: 'connection reset after DATA', attempts: 1, team_id: null, dossier_id: null,
    retry_requested_by: null, retry_requested_at: null, resolved_at: null,
  }).execute();
  return { messageId, incidentId };
}

const messageStatus = async (id: string) => (await sys.db.selectFrom('outbox_messages').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

describe('resolving an e-mail\'s incident in the web UI', () => {
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    page = await newPage(browser, pageErrors);
  });
  afterAll(async () => browser?.close());

  const openIncident = async (id: string, title: string) => {
    await signInAs(page, sys, 'u-admin');
    await page.goto(`${sys.url}/#/incidenten/${id}`);
    await page.getByRole('heading', { name: `Incident: ${title}`, level: 1 }).waitFor();
  };
  const resolveForm = () => page.getByRole('form', { name: 'Markeren als aangekomen' });

  it('marks an uncertain e-mail sent after the operator confirms, and audits it', async () => {
    const { messageId, incidentId } = await uncertainEmail();
    await openIncident(incidentId, 'sendEmail');
    const form = resolveForm();
    await form.waitFor();
    await expectAccessible(page, 'incident van een e-mail');

    // Without the confirmation the browser sends nothing: the checkbox is required.
    await form.getByRole('button', { name: 'Markeren als verzonden' }).click();
    expect(await form.locator('input[type="checkbox"]:invalid').count()).toBe(1);
    expect(await page.getByRole('status').first().innerText()).toBe('');

    await form.getByLabel('Ik heb nagegaan dat de e-mail is aangekomen').check();
    await form.getByRole('button', { name: 'Markeren als verzonden' }).click();
    await expectText(page.getByRole('status').first(), 'De e-mail geldt als verzonden en wordt nooit opnieuw verstuurd');
    await expectText(page.locator('.badges'), 'Opgelost');
    await expectText(page.getByRole('complementary', { name: 'Opdrachten' }), 'Dit incident is opgelost.');
    expect(await resolveForm().count()).toBe(0);

    expect(await messageStatus(messageId)).toBe('sent');
    const audit = await sys.db.selectFrom('audit_log').select(['action', 'actor_id']).where('subject_id', '=', incidentId).execute();
    expect(audit).toEqual([{ action: 'incident.resolve', actor_id: 'u-admin' }]);
    expect(pageErrors).toEqual([]);
  });

  it('shows the API\'s problem when the incident was resolved meanwhile', async () => {
    const { incidentId } = await uncertainEmail();
    await openIncident(incidentId, 'sendEmail');
    // Someone else resolves it while the screen is open.
    expect((await sys.http(`/incidents/${incidentId}/resolve`, { method: 'POST', as: 'u-admin' })).status).toBe(200);

    const form = resolveForm();
    await form.getByLabel('Ik heb nagegaan dat de e-mail is aangekomen').check();
    await form.getByRole('button', { name: 'Markeren als verzonden' }).click();
    await expectText(form.getByRole('alert'), /Niet gelukt: [\s\S]*already resolved/);
    expect(pageErrors).toEqual([]);
  });

  it('offers no resolve for a process\'s incident, which resolves itself when its step succeeds', async () => {
    const id = randomUUID();
    await sys.db.insertInto('incidents').values({
      id, status: 'open', workflow_id: 'dossier-note:UI-TEST', run_id: 'r', workflow_type: 'dossierNoteWorkflow', activity_type: 'appendTimelineEntry',
      kind: 'gegevens', error_type: 'DataError', message: 'check constraint', attempts: 6, team_id: null, dossier_id: null,
      retry_requested_by: null, retry_requested_at: null, resolved_at: null,
    }).execute();
    await openIncident(id, 'appendTimelineEntry');
    await page.getByRole('button', { name: /^Opnieuw proberen/ }).waitFor();
    expect(await resolveForm().count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Markeren als verzonden' }).count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});

describe('incidents', () => {
  it('an activity that keeps failing raises exactly one incident; a retry after the fix lets the process continue', async () => {
    const dossier = await locationOfTeam(sys, 'team-antwerpen');
    // A cause an operator can fix: the database refuses every note until the constraint goes.
    await sql`alter table timeline_entries add constraint incident_test_block check (kind <> 'notitie') not valid`.execute(sys.db);
    const key = 'incident-test-note-1';
    const answer = sys.http(`/dossiers/${dossier.id}/notes`, {
      method: 'POST',
      as: 'u-kb-antwerpen-1',
      json: { text: 'Bezoek gepland' },
      headers: { 'idempotency-key': key },
    });

    const [incident] = await eventually(() => incidentsOf(`dossier-note:${dossier.id}`), (list) => list.length > 0);
    expect(incident).toMatchObject({ status: 'open', kind: 'gegevens', activityType: 'appendTimelineEntry' });
    const alerts = await sys.db.selectFrom('outbox_messages').select(['recipient_user_id']).where('subject_type', '=', 'incident').where('subject_id', '=', incident!.id).execute();
    expect(alerts).toEqual([{ recipient_user_id: expect.stringMatching(/^u-tc-antwerpen/) }]);

    // Only an admin may see or retry incidents.
    expect((await sys.http('/incidents', { as: 'u-kb-antwerpen-1' })).status).toBe(403);

    await sql`alter table timeline_entries drop constraint incident_test_block`.execute(sys.db);
    const retry = await sys.http(`/incidents/${incident!.id}/retry`, { method: 'POST', as: 'u-admin' });
    expect(retry.status).toBe(202);

    const res = await answer;
    expect(res.status).toBe(201);
    const notes = await sys.db.selectFrom('timeline_entries').select('id').where('dossier_id', '=', dossier.id).where('kind', '=', 'notitie').execute();
    expect(notes).toHaveLength(1);
    const after = await eventually(() => incidentsOf(`dossier-note:${dossier.id}`), (list) => list.every((i) => i.status === 'opgelost'));
    expect(after).toHaveLength(1);
    // A resolved incident cannot be retried again.
    expect((await sys.http(`/incidents/${incident!.id}/retry`, { method: 'POST', as: 'u-admin' })).status).toBe(409);
    const audit = await sys.db.selectFrom('audit_log').select(['actor_id']).where('action', '=', 'incident.retry').execute();
    expect(audit).toEqual([{ actor_id: 'u-admin' }]);
  });

  it('a technical incident whose cause passed is retried on its own after a minute, without a person', async () => {
    const dossier = await locationOfTeam(sys, 'team-antwerpen');
    // The dossier may have served the test before: only what this test adds counts.
    const notesOf = () => sys.db.selectFrom('timeline_entries').select('id').where('dossier_id', '=', dossier.id).where('kind', '=', 'notitie').execute();
    const notesBefore = (await notesOf()).length;
    const earlier = new Set((await incidentsOf(`dossier-note:${dossier.id}`)).map((i) => i.id));
    const ours = async () => (await incidentsOf(`dossier-note:${dossier.id}`)).filter((i) => !earlier.has(i.id));
    // A technical cause (SQLSTATE P0001, not a data error): the database refuses this dossier's notes.
    await sql.raw(`create function incident_test_refuse() returns trigger language plpgsql as $$ begin
      if new.dossier_id = '${dossier.id}' and new.kind = 'notitie' then raise exception 'incident test: not now'; end if; return new; end $$`).execute(sys.db);
    await sql`create trigger incident_test_refuse before insert on timeline_entries for each row execute function incident_test_refuse()`.execute(sys.db);
    const answer = sys.http(`/dossiers/${dossier.id}/notes`, { method: 'POST', as: 'u-kb-antwerpen-1', json: { text: 'Bezoek gepland' }, headers: { 'idempotency-key': 'incident-test-note-technical' } });
    try {
      const [incident] = await eventually(ours, (list) => list.length > 0, 90_000);
      expect(incident).toMatchObject({ status: 'open', kind: 'technisch', activityType: 'appendTimelineEntry' });
    } finally {
      await sql`drop trigger incident_test_refuse on timeline_entries`.execute(sys.db);
      await sql`drop function incident_test_refuse()`.execute(sys.db);
    }
    await answer;
    const [resolved] = await eventually(ours, (list) => list.length === 1 && list[0]!.status === 'opgelost', 120_000);
    // The automatic retry came after its minute (not the 10 minutes of before), and no one asked for it.
    const times = await sys.db.selectFrom('incidents').select(['raised_at', 'resolved_at']).where('id', '=', resolved!.id).executeTakeFirstOrThrow();
    expect(times.resolved_at!.getTime() - times.raised_at.getTime()).toBeGreaterThanOrEqual(60_000);
    expect(await notesOf()).toHaveLength(notesBefore + 1);
    const retries = await sys.db.selectFrom('audit_log').select('id').where('action', '=', 'incident.retry').where('subject_id', '=', resolved!.id).execute();
    expect(retries).toEqual([]);
  }, 240_000);

  it('every recorded history replays against the current workflow code', async () => {
    expect(await replayAll(sys)).toBeGreaterThan(0);
  });
});
