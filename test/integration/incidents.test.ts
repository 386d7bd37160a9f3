import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestSystem, startTestSystem } from './harness.js';
import { eventually, locationOfTeam, replayAll } from './melding-helpers.js';

let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem();
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

  it('every recorded history replays against the current workflow code', async () => {
    expect(await replayAll(sys)).toBeGreaterThan(0);
  });
});
