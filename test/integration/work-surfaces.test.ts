import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from './harness.js';
import { eventually, intake, locationOfTeam, post } from './melding-helpers.js';
import { reportRungs, secondsDeadline } from '../support/deadlines.js';

// Work surfaces (docs/work-surfaces.md): Mijn werk, notifications (also live), the team dashboard,
// the crisis roster and a case's history. Reports get a deadline of seconds, so a real escalation
// writes the internal message the live stream must push.
const SECOND = 1_000;
const deadlineOverrides = { report_follow_up: secondsDeadline(8 * SECOND, ...reportRungs(2 * SECOND)) };

let sys: TestSystem;
let antwerpen: Awaited<ReturnType<typeof locationOfTeam>>;
let limburg: Awaited<ReturnType<typeof locationOfTeam>>;
let meldingA: { id: string; assigneeId: string | null };
let meldingL: { id: string; assigneeId: string | null };

/** Opens break-glass (docs/access.md): an admin reads the work of teams only so. */
async function breakGlass(as: string) {
  const res = await sys.http('/break-glass', { as, method: 'POST', json: { reason: 'Toezicht op de werklast van alle teams', minutes: 5 } });
  expect(res.status).toBe(201);
}

async function get(path: string, as: string, headers: Record<string, string> = {}) {
  const res = await sys.http(path, { as, headers });
  const text = await res.text();
  let body: any = text;
  if ((res.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(text);
  return { status: res.status, body, headers: res.headers };
}

/** Reads server-sent events from a fetch body until `until` holds for one, or the time is up. */
async function readEvents(res: Response, until: (e: { event: string; data: any; id?: string }) => boolean, timeoutMs: number) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: { event: string; data: any; id?: string }[] = [];
  let buffer = '';
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), deadline - Date.now()))]);
      if (!chunk || chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const e: { event: string; data: any; id?: string } = { event: 'message', data: null };
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) e.event = line.slice(7);
          else if (line.startsWith('data: ')) e.data = JSON.parse(line.slice(6));
          else if (line.startsWith('id: ')) e.id = line.slice(4);
        }
        if (e.data !== null) {
          events.push(e);
          if (until(e)) return events;
        }
      }
    }
    return events;
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

beforeAll(async () => {
  sys = await startTestSystem({ deadlineOverrides });
  antwerpen = await locationOfTeam(sys, 'team-antwerpen');
  limburg = await locationOfTeam(sys, 'team-limburg');
});
afterAll(async () => sys?.stop());

describe('notifications pushed live (server-sent events)', () => {
  it('an escalation of a real report reaches the team coordinator\'s open stream', async () => {
    const res = await sys.http('/notifications/stream', { as: 'u-tc-antwerpen' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    meldingA = (await post(sys, '/meldingen', 'u-tc-antwerpen', intake.regular(antwerpen.location_id))).body;
    meldingL = (await post(sys, '/meldingen', 'u-tc-limburg', intake.regular(limburg.location_id))).body;
    expect(meldingA.assigneeId).toBe(antwerpen.case_manager_id);
    const events = await readEvents(res, (e) => e.event === 'notification', 40_000);
    expect(events[0]).toMatchObject({ event: 'unread' });
    const pushed = events.find((e) => e.event === 'notification');
    expect(pushed?.data).toMatchObject({ subjectType: 'melding', subjectId: meldingA.id, kind: 'escalatie', read: false, href: `/meldingen/${meldingA.id}` });
    expect(pushed?.id).toBe(pushed?.data.id);
  });

  it('lists, counts unread, marks read one and all, only the user\'s own', async () => {
    const cm = antwerpen.case_manager_id!;
    const list = await eventually(() => get('/notifications', cm), (r) => r.body.items.some((n: any) => n.subjectId === meldingA.id));
    expect(list.status).toBe(200);
    expect(list.body.unread).toBeGreaterThanOrEqual(1);
    const reminder = list.body.items.find((n: any) => n.subjectId === meldingA.id);
    expect(reminder).toMatchObject({ kind: 'herinnering', read: false, template: 'escalatie_herinnering' });
    // Someone else's message is not theirs to mark.
    expect((await sys.http(`/notifications/${reminder.id}/read`, { as: 'u-kb-limburg-1', method: 'POST' })).status).toBe(404);
    const read = await sys.http(`/notifications/${reminder.id}/read`, { as: cm, method: 'POST' });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ id: reminder.id, unread: list.body.unread - 1 });
    const unreadOnly = await get('/notifications?unread=true', cm);
    expect(unreadOnly.body.items.map((n: any) => n.id)).not.toContain(reminder.id);
    const all = await sys.http('/notifications/read-all', { as: 'u-tc-antwerpen', method: 'POST' });
    expect(await all.json()).toMatchObject({ unread: 0 });
    expect((await get('/notifications', 'u-tc-antwerpen')).body.unread).toBe(0);
  });
});

describe('Mijn werk', () => {
  it('the case manager\'s inbox holds their report, overdue first, with the rule of its due moment and its commands', async () => {
    const cm = antwerpen.case_manager_id!;
    const work = await eventually(() => get('/work', cm), (r) => r.body.items?.some((i: any) => i.id === meldingA.id && i.overdue));
    expect(work.status).toBe(200);
    expect(work.body.scope).toMatchObject({ kind: 'person', userId: cm });
    const item = work.body.items.find((i: any) => i.id === meldingA.id);
    expect(item).toMatchObject({ process: 'melding', phase: 'toegewezen', assigneeId: cm, teamId: 'team-antwerpen', dossierId: antwerpen.id, overdue: true });
    expect(item.locationName).toEqual(expect.any(String));
    expect(item.dueRule).toMatchObject({ kind: 'report_follow_up', adjusted: false, paused: false, budget: { unit: 'hours' } });
    expect(item.dueRule.text).toMatch(/^8 seconden na ontvangst: (ma|di|wo|do|vr|za|zo) \d+ [a-z]+ \d\d:\d\d → /);
    expect(item.actions.map((a: any) => a.rel)).toEqual(expect.arrayContaining(['view', 'acknowledge', 'assign']));
    expect(item.actions.find((a: any) => a.rel === 'assign')).toMatchObject({ method: 'POST', href: `/meldingen/${meldingA.id}/assign`, allowed: false });
    // Overdue first, then by due moment.
    const keys = work.body.items.map((i: any) => [i.overdue ? 0 : 1, i.dueAt ?? '9999']);
    expect([...keys].sort((a: any, b: any) => a[0] - b[0] || String(a[1]).localeCompare(String(b[1])))).toEqual(keys);
  });

  it('is scoped: a case manager sees only their own, a team coordinator their team, an admin any', async () => {
    expect((await get('/work?teamId=team-antwerpen', antwerpen.case_manager_id!)).status).toBe(403);
    expect((await get('/work?assignee=u-kb-antwerpen-2', 'u-kb-antwerpen-1')).status).toBe(403);
    const team = await get('/work?teamId=team-antwerpen', 'u-tc-antwerpen');
    expect(team.status).toBe(200);
    expect(team.body.items.length).toBeGreaterThan(0);
    expect(new Set(team.body.items.map((i: any) => i.teamId))).toEqual(new Set(['team-antwerpen']));
    const assign = team.body.items.find((i: any) => i.id === meldingA.id).actions.find((a: any) => a.rel === 'assign');
    expect(assign.allowed).toBe(true);
    expect((await get('/work?teamId=team-limburg', 'u-tc-antwerpen')).status).toBe(403);
    // An admin reads case content only under break-glass (docs/access.md).
    expect((await get('/work?teamId=team-limburg', 'u-admin')).status).toBe(403);
    expect((await get('/work', 'u-admin')).body.items).toEqual([]);
    await breakGlass('u-admin');
    const admin = await get('/work?teamId=team-limburg', 'u-admin');
    expect(admin.body.items.map((i: any) => i.id)).toContain(meldingL.id);
    expect(admin.body.items.map((i: any) => i.id)).not.toContain(meldingA.id);
    expect((await sys.http('/break-glass', { as: 'u-admin', method: 'DELETE' })).status).toBe(204);
    const one = await get(`/work?teamId=team-antwerpen&assignee=${antwerpen.case_manager_id}&process=melding`, 'u-tc-antwerpen');
    expect(one.body.items.every((i: any) => i.assigneeId === antwerpen.case_manager_id && i.process === 'melding')).toBe(true);
  });

  it('the team coordinator reassigns from there, with the listed command', async () => {
    const team = await get('/work?teamId=team-antwerpen', 'u-tc-antwerpen');
    const assign = team.body.items.find((i: any) => i.id === meldingA.id).actions.find((a: any) => a.rel === 'assign');
    const res = await post(sys, assign.href, 'u-tc-antwerpen', { assigneeId: 'u-kb-antwerpen-2', reason: 'Afwezigheid' });
    expect(res.status).toBe(200);
    const theirs = await eventually(() => get('/work', 'u-kb-antwerpen-2'), (r) => r.body.items.some((i: any) => i.id === meldingA.id));
    expect(theirs.body.items.find((i: any) => i.id === meldingA.id).assigneeName).toEqual(expect.any(String));
  });

  it('saves, applies and deletes filters per user', async () => {
    await breakGlass('u-admin');
    const put = await sys.http('/work/filters/Limburg%20te%20laat', { as: 'u-admin', method: 'PUT', json: { teamId: 'team-limburg', overdue: true } });
    expect(put.status).toBe(201);
    expect((await sys.http('/work/filters/Limburg%20te%20laat', { as: 'u-admin', method: 'PUT', json: { teamId: 'team-limburg' } })).status).toBe(200);
    const list = await get('/work/filters', 'u-admin');
    expect(list.body.items).toEqual([expect.objectContaining({ name: 'Limburg te laat', filter: { teamId: 'team-limburg' } })]);
    expect((await get('/work/filters', 'u-tc-antwerpen')).body.items).toEqual([]);
    const applied = await get('/work?filter=Limburg%20te%20laat', 'u-admin');
    expect(applied.body.scope).toMatchObject({ kind: 'team', teamId: 'team-limburg' });
    expect((await sys.http('/work/filters/mijn', { as: 'u-tc-antwerpen', method: 'PUT', json: { teamId: 'team-limburg' } })).status).toBe(403);
    expect((await sys.http('/work/filters/Limburg%20te%20laat', { as: 'u-admin', method: 'DELETE' })).status).toBe(204);
    expect((await sys.http('/work/filters/Limburg%20te%20laat', { as: 'u-admin', method: 'DELETE' })).status).toBe(404);
    expect((await sys.http('/break-glass', { as: 'u-admin', method: 'DELETE' })).status).toBe(204);
  });
});

const views = ['phases', 'overdue', 'deadline-performance', 'enforcement-funnel', 'decisions', 'inspections', 'screening'];

describe('team dashboard', () => {
  it('is for team coordinators and admins only', async () => {
    for (const view of views) expect((await get(`/dashboard/${view}`, 'u-kb-antwerpen-1')).status).toBe(403);
    expect((await get('/dashboard/phases?teamId=team-limburg', 'u-tc-antwerpen')).status).toBe(403);
  });

  it('answers every view with its columns; a team coordinator of Antwerpen sees only Antwerpen', async () => {
    for (const view of views) {
      const res = await get(`/dashboard/${view}`, 'u-tc-antwerpen');
      expect(res.status, view).toBe(200);
      expect(res.body).toMatchObject({ view, teamId: 'team-antwerpen', columns: expect.any(Array), rows: expect.any(Array) });
      for (const row of res.body.rows) expect(Object.keys(row)).toEqual(res.body.columns);
    }
    const phases = (await get('/dashboard/phases', 'u-tc-antwerpen')).body.rows;
    const open = phases.filter((r: any) => r.process === 'melding').reduce((n: number, r: any) => n + r.count, 0);
    const inDb = await sys.db.selectFrom('meldingen').select((eb) => eb.fn.countAll<string>().as('n')).where('team_id', '=', 'team-antwerpen').where('phase', '<>', 'afgesloten').executeTakeFirstOrThrow();
    expect(open).toBe(Number(inDb.n));
    const all = (await get('/dashboard/phases', 'u-admin')).body;
    expect(all.teamId).toBeNull();
    expect(all.rows.filter((r: any) => r.process === 'melding').reduce((n: number, r: any) => n + r.count, 0)).toBeGreaterThan(open);

    // The seeded history shows in the funnel, the decisions and the report volumes of Antwerpen only.
    const range = 'from=2023-11&to=2026-12';
    const funnelTeam = (await get(`/dashboard/enforcement-funnel?${range}`, 'u-tc-antwerpen')).body.rows;
    const funnelAll = (await get(`/dashboard/enforcement-funnel?${range}`, 'u-admin')).body.rows;
    expect(funnelTeam.map((r: any) => r.stage)).toEqual(['aanmaning', 'voornemen', 'beslissing', 'dringende_beslissing']);
    const aanmaningen = funnelAll.find((r: any) => r.stage === 'aanmaning');
    expect(aanmaningen.started).toBeGreaterThan(0);
    expect(aanmaningen.escalated + aanmaningen.remedied + aanmaningen.open).toBe(aanmaningen.started);
    expect(funnelTeam[0].started).toBeLessThanOrEqual(aanmaningen.started);
    const history = await sys.db
      .selectFrom('timeline_entries as t').innerJoin('dossiers as d', 'd.id', 't.dossier_id')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('t.kind', '=', 'aanmaning').where('d.team_id', '=', 'team-antwerpen')
      .where('t.occurred_at', '>=', new Date('2023-10-31T23:00:00Z'))
      .executeTakeFirstOrThrow();
    expect(funnelTeam[0].fromHistory).toBe(Number(history.n));
  });

  it('deadline performance counts a report picked up within its budget', async () => {
    await post(sys, `/meldingen/${meldingL.id}/acknowledge`, limburg.case_manager_id!, { note: 'Opgenomen' });
    const perf = await eventually(() => get('/dashboard/deadline-performance', 'u-tc-limburg'), (r) => r.body.rows.some((x: any) => x.regularReceived >= 1 && x.medianPickupMinutes !== null));
    const month = perf.body.rows.find((x: any) => x.regularReceived >= 1);
    expect(month).toMatchObject({ month: expect.stringMatching(/^\d{4}-\d\d$/), regularShareWithinBudget: expect.any(Number) });
    expect(perf.body.rows.some((x: any) => x.historyRegular > 0)).toBe(true);
  });

  it('exports CSV with format=csv or Accept: text/csv', async () => {
    const csv = await get('/dashboard/decisions?format=csv&from=2023-11&to=2026-12', 'u-admin');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="dashboard-decisions-alle-teams-2023-11-2026-12\.csv"/);
    const lines = (csv.body as string).trim().split('\r\n');
    expect(lines[0]).toBe('month,kind,urgent,decisions,capacityFreed');
    expect(lines.length).toBeGreaterThan(1);
    expect(lines[1]).toMatch(/^\d{4}-\d\d,(schorsing|opheffing),(true|false),\d+,\d+$/);
    const accept = await get('/dashboard/screening', 'u-tc-antwerpen', { accept: 'text/csv' });
    expect(accept.headers.get('content-type')).toMatch(/^text\/csv/);
    expect((accept.body as string).split('\r\n')[0]).toBe('month,selected,risico,geenRisico,verderOnderzoekNodig,open,overdue');
  });
});

describe('crisis roster and a case\'s history', () => {
  it('shows who is on duty now and the coming weeks', async () => {
    const res = await get('/crisis-roster?weeks=3', 'u-kb-antwerpen-1');
    expect(res.status).toBe(200);
    expect(res.body.onDuty.map((s: any) => s.position)).toEqual([1, 2]);
    expect(res.body.onDuty[0]).toMatchObject({ userId: expect.stringMatching(/^u-cc-/), role: 'dienst', current: true });
    expect(res.body.shifts.length).toBeGreaterThanOrEqual(6);
  });

  it('gives a report\'s timeline entries and audit records, and 404 for an unknown case', async () => {
    const res = await get(`/cases/melding/${meldingA.id}/history`, 'u-kb-antwerpen-1');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ kind: 'melding', id: meldingA.id, dossierId: antwerpen.id });
    const sources = new Set(res.body.entries.map((e: any) => e.source));
    expect(sources).toEqual(new Set(['timeline', 'audit']));
    expect(res.body.entries.map((e: any) => e.kind)).toEqual(expect.arrayContaining(['melding.registered', 'melding.reassigned', 'escalatie']));
    const times = res.body.entries.map((e: any) => e.occurredAt);
    expect([...times].sort()).toEqual(times);
    expect((await get('/cases/melding/MEL-onbekend/history', 'u-kb-antwerpen-1')).status).toBe(404);
    expect((await get('/cases/handhaving/x/history', 'u-kb-antwerpen-1')).status).toBe(404);
    expect((await get('/cases/anders/x/history', 'u-kb-antwerpen-1')).status).toBe(400);
  });
});
