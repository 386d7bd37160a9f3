import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from './harness.js';
import { eventually, locationOfTeam, replayAll } from './melding-helpers.js';
import { expectText, launchChromium, newPage, signInAs, workRow } from './ui-support.js';

// Issue 12: the team coordinator reassigns from Mijn werk (docs/work-surfaces.md). Reports had
// `POST /meldingen/{id}/assign`; enforcement cases, inspections and screening tasks get the same
// command (api/commands/assign.ts), each an Update of its own workflow, recorded in one transaction
// (the register's assignee column, a timeline entry with the reason, an audit record). End to end:
// the real API, Temporal and PostgreSQL.

const TEAM = 'team-antwerpen';
const coordinator = 'u-tc-antwerpen';
const otherCoordinator = 'u-tc-limburg';
const MONTH = '2026-09';

let sys: TestSystem;

interface Kind {
  name: 'handhaving' | 'inspectie' | 'screening';
  /** The record's URL. */
  path: string;
  id: string;
  /** The register: its table, assignee column and the audit subject type. */
  table: 'enforcement_cases' | 'inspections' | 'screening_tasks';
  column: 'case_manager_id' | 'assignee_id';
  subjectType: string;
  /** The field of the API's answer that names the assignee. */
  field: 'caseManagerId' | 'assigneeId';
  action: string;
  timelineKey: 'caseId' | 'inspectionId' | 'taskId';
}
const kinds: Kind[] = [];

async function call(path: string, as: string, json?: unknown, headers: Record<string, string> = {}) {
  const res = await sys.http(path, json === undefined ? { as, headers } : { method: 'POST', as, json, headers });
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: (text ? JSON.parse(text) : null) as Record<string, any> };
}

async function assigneeOf(k: Kind): Promise<string | null | undefined> {
  const row = await sql<{ assignee: string | null }>`select ${sql.ref(k.column)} as assignee from ${sql.table(k.table)} where id = ${k.id}`.execute(sys.db);
  return row.rows[0]?.assignee;
}

/** An active case manager of the team who is not `but`. */
async function colleagueOf(but: (string | null | undefined)[]): Promise<string> {
  const rows = await sys.db.selectFrom('users').select('id').where('team_id', '=', TEAM).where('role', '=', 'klantenbeheerder').where('active', '=', true).orderBy('id').execute();
  return rows.map((r) => r.id).find((id) => !but.includes(id))!;
}

beforeAll(async () => {
  sys = await startTestSystem({ modular: {}, devSignIn: true });
  const [locCase, locInspection] = await Promise.all([2, 3].map((i) => locationOfTeam(sys, TEAM, i)));
  const starter = locCase!.case_manager_id!;

  const opened = await call('/handhaving', starter, {
    locationId: locCase!.location_id,
    urgent: false,
    milestone: { kind: 'advies_handhaving', reference: { type: 'inspectieverslag', id: `IV-reassign-${Date.now()}` } },
  });
  expect(opened.status, JSON.stringify(opened.body)).toBe(201);
  const inspection = await call('/inspections', starter, { locationId: locInspection!.location_id, reason: 'Herverdeling: inspectie op vraag.', urgency: 'regulier' });
  expect(inspection.status, JSON.stringify(inspection.body)).toBe(201);
  const run = await call('/screening-runs', coordinator, { month: MONTH, selectionSize: 60 });
  expect(run.status, JSON.stringify(run.body)).toBe(202);
  await eventually(() => call(`/screening-runs/${MONTH}`, 'u-admin'), (r) => r.body.status === 'afgerond', 120_000);
  const task = await eventually(
    () => sys.db.selectFrom('screening_tasks').selectAll().where('month', '=', MONTH).where('team_id', '=', TEAM).where('status', '=', 'open').where('assignee_id', 'is not', null).orderBy('rank').executeTakeFirst(),
    (t) => t !== undefined,
  );

  kinds.push(
    { name: 'handhaving', path: `/handhaving/${opened.body.id}`, id: opened.body.id, table: 'enforcement_cases', column: 'case_manager_id', subjectType: 'handhaving', field: 'caseManagerId', action: 'handhaving.reassigned', timelineKey: 'caseId' },
    { name: 'inspectie', path: `/inspections/${inspection.body.id}`, id: inspection.body.id, table: 'inspections', column: 'case_manager_id', subjectType: 'inspectie', field: 'caseManagerId', action: 'inspectie.reassigned', timelineKey: 'inspectionId' },
    { name: 'screening', path: `/screening-tasks/${task!.id}`, id: task!.id, table: 'screening_tasks', column: 'assignee_id', subjectType: 'screening_task', field: 'assigneeId', action: 'screening.reassigned', timelineKey: 'taskId' },
  );
  // The register rows have landed, each with its first assignee.
  for (const k of kinds) await eventually(() => assigneeOf(k), (a) => typeof a === 'string');
  // One case manager of the team leaves: no longer active.
  await sys.db.updateTable('users').set({ active: false }).where('id', '=', 'u-kb-antwerpen-9').execute();
}, 300_000);

afterAll(async () => sys?.stop());

describe.each(['handhaving', 'inspectie', 'screening'] as const)('reassigning %s from Mijn werk', (name) => {
  const kind = () => kinds.find((k) => k.name === name)!;

  it('is the team coordinator\'s: a case manager is refused 403, another team\'s coordinator 404', async () => {
    const k = kind();
    const current = await assigneeOf(k);
    const to = await colleagueOf([current ?? null]);
    const byCaseManager = await call(`${k.path}/assign`, current!, { assigneeId: to, reason: 'Ik geef het door' });
    expect(byCaseManager.status).toBe(403);
    expect(byCaseManager.contentType).toMatch(/^application\/problem\+json/);
    const byOtherTeam = await call(`${k.path}/assign`, otherCoordinator, { assigneeId: to, reason: 'Niet mijn team' });
    expect(byOtherTeam.status).toBe(404);
    expect(byOtherTeam.contentType).toMatch(/^application\/problem\+json/);
    expect(await assigneeOf(k)).toBe(current);
  });

  it('refuses an unknown, inactive or other team\'s user and a blank reason: 400 problem+json, nothing recorded', async () => {
    const k = kind();
    const current = await assigneeOf(k);
    for (const assigneeId of ['u-nobody', 'u-kb-antwerpen-9', 'u-kb-limburg-1', 'u-jur-1']) {
      const res = await call(`${k.path}/assign`, coordinator, { assigneeId, reason: 'Afwezigheid wegens ziekte' });
      expect(res.status, `${assigneeId}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.contentType).toMatch(/^application\/problem\+json/);
      expect(res.body.errors?.[0]?.field).toBe('body.assigneeId');
    }
    const blank = await call(`${k.path}/assign`, coordinator, { assigneeId: await colleagueOf([current ?? null]), reason: '    ' });
    expect(blank.status).toBe(400);
    expect(blank.contentType).toMatch(/^application\/problem\+json/);
    const audit = await sys.db.selectFrom('audit_log').select('id').where('subject_id', '=', k.id).where('action', '=', k.action).execute();
    expect(audit).toEqual([]);
    expect(await assigneeOf(k)).toBe(current);
  });

  it('hands it over: the register, Mijn werk of the new assignee, the timeline and the audit trail with the reason', async () => {
    const k = kind();
    const from = await assigneeOf(k);
    const to = await colleagueOf([from]);
    const reason = `Afwezigheid van ${from} (${name})`;
    const key = `reassign-${name}-${Date.now()}`;
    const res = await call(`${k.path}/assign`, coordinator, { assigneeId: to, reason }, { 'idempotency-key': key });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body[k.field]).toBe(to);
    // Recorded with the answer: the register row holds the new assignee at once.
    expect(await assigneeOf(k)).toBe(to);

    // Mijn werk of the new assignee shows it, theirs, with the command (not theirs to give).
    const work = await eventually(() => call('/work', to), (r) => r.body.items?.some((i: any) => i.id === k.id));
    const item = work.body.items.find((i: any) => i.id === k.id);
    expect(item).toMatchObject({ process: name, assigneeId: to });
    expect(item.actions.find((a: any) => a.rel === 'assign')).toMatchObject({ method: 'POST', href: `${k.path}/assign`, roles: ['teamcoordinator'], allowed: false });
    // The team coordinator sees it in that person's work, and may reassign it.
    const team = await call(`/work?assignee=${to}`, coordinator);
    expect(team.body.items.find((i: any) => i.id === k.id)?.actions.find((a: any) => a.rel === 'assign')).toMatchObject({ allowed: true });
    // No longer in the previous assignee's own work.
    expect((await call('/work', from!)).body.items.map((i: any) => i.id)).not.toContain(k.id);

    const timeline = await sys.db.selectFrom('timeline_entries').select(['title', 'details', 'actor_id']).where(sql<string>`details ->> ${sql.lit(k.timelineKey)}`, '=', k.id).execute();
    const entry = timeline.find((t) => (t.details as Record<string, unknown>).action === k.action);
    expect(entry).toMatchObject({ actor_id: coordinator, details: expect.objectContaining({ from, to, reason }) });
    const audit = await sys.db.selectFrom('audit_log').select(['actor_id', 'actor_role', 'subject_type', 'details']).where('subject_id', '=', k.id).where('action', '=', k.action).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_id: coordinator, actor_role: 'teamcoordinator', subject_type: k.subjectType, details: expect.objectContaining({ from, to, reason }) });

    // The same command again with its key counts once; without it, it is refused: already theirs.
    const retried = await call(`${k.path}/assign`, coordinator, { assigneeId: to, reason }, { 'idempotency-key': key });
    expect(retried.status).toBe(200);
    const again = await call(`${k.path}/assign`, coordinator, { assigneeId: to, reason: 'Nog eens' });
    expect(again.status).toBe(409);
    expect(again.contentType).toMatch(/^application\/problem\+json/);
    expect(await sys.db.selectFrom('audit_log').select('id').where('subject_id', '=', k.id).where('action', '=', k.action).execute()).toHaveLength(1);
  });
});

describe('in the web UI', () => {
  it('a team coordinator reassigns an enforcement case from Mijn werk: pick a person, give a reason', async () => {
    const k = kinds.find((x) => x.name === 'handhaving')!;
    const from = await assigneeOf(k);
    const to = await colleagueOf([from]);
    const browser = await launchChromium();
    try {
      const pageErrors: string[] = [];
      const page = await newPage(browser, pageErrors);
      await signInAs(page, sys, coordinator);
      await page.getByRole('heading', { name: 'Mijn werk', level: 1 }).waitFor();
      await page.getByLabel('Teamlid').selectOption('*team');
      const row = await workRow(page, k.id);
      await row.getByText('Toewijzen', { exact: true }).first().click();
      const form = row.getByRole('form', { name: `Toewijzen: ${k.id}` });
      await form.getByLabel('Nieuwe behandelaar').selectOption(to);
      await form.getByLabel('Reden').fill('Herverdeling van de dossiers tijdens een afwezigheid.');
      await form.getByRole('button', { name: 'Toewijzen' }).click();
      await expectText(page.getByRole('status').first(), `${k.id} toegewezen aan`);
      expect(await assigneeOf(k)).toBe(to);
      expect(pageErrors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});

describe('the reassigned processes', () => {
  it('replay deterministically from their histories', async () => {
    expect(await replayAll(sys)).toBeGreaterThanOrEqual(3);
  }, 180_000);
});
