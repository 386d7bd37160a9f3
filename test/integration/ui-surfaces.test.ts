import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseApi, inDays } from './handhaving-helpers.js';
import { startTestSystem, type TestSystem } from './harness.js';
import { eventually, getMelding, intake, post } from './melding-helpers.js';
import { expectAccessible, expectText, launchChromium, newPage, screenshot, signInAs, stepMs, workRow as uiWorkRow } from './ui-support.js';

// The web UI per role, continued (issue 12, points 4–5), in headless Chromium against the real API,
// Temporal and PostgreSQL, with the Modular simulator; signing in through the user picker and an
// axe-core check on every screen:
// - jurist: reviews a draft decision from Mijn werk;
// - teamcoordinator: reassigns a report from Mijn werk, reads the team dashboard (charts, CSV);
// - klantenbeheerder: asks for an inspection, follows it at Modular, cancels it; reads a final report;
// - the screening: the month's selection with scores and weights, coding a task;
// - admin: the model versions (activating an older one), incidents, the audit trail; the crisis roster.
// `npm run screenshots` runs this file too.

const TEAM = 'team-west-vlaanderen';
const tc = 'u-tc-west-vlaanderen';
const jurist = 'u-jur-1';
const admin = 'u-admin';

let sys: TestSystem;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
let location: { location_id: string; id: string; case_manager_id: string };
let caseManager: string;
let otherCaseManager: string;

beforeAll(async () => {
  [sys, browser] = await Promise.all([startTestSystem({ devSignIn: true, modular: {} }), launchChromium()]);
  location = await sys.db
    .selectFrom('dossiers as d')
    .innerJoin('locations as l', 'l.id', 'd.location_id')
    .innerJoin('users as u', 'u.id', 'd.case_manager_id')
    .select(['d.location_id', 'd.id', 'd.case_manager_id'])
    .where('d.team_id', '=', TEAM)
    .where('l.licence_status', '=', 'actief')
    .where('u.role', '=', 'klantenbeheerder')
    .orderBy('d.id', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow() as typeof location;
  caseManager = location.case_manager_id;
  otherCaseManager = (await sys.db.selectFrom('users').select('id').where('team_id', '=', TEAM).where('role', '=', 'klantenbeheerder')
    .where('id', '!=', caseManager).where('active', '=', true).orderBy('id').executeTakeFirstOrThrow()).id;
  page = await newPage(browser, pageErrors);
});

afterAll(async () => {
  await browser?.close();
  await sys?.stop();
});

const workRow = (id: string) => uiWorkRow(page, id);

/** Presses "Vernieuwen" until the locator's text matches (the system moves on by itself). */
async function expectAfterRefresh(locator: () => ReturnType<Page['locator']>, expected: RegExp, timeout = 15_000) {
  await expect.poll(async () => {
    const l = locator();
    const text = (await l.count()) > 0 ? await l.first().innerText() : '';
    if (!expected.test(text)) await page.getByRole('button', { name: 'Vernieuwen' }).first().click().catch(() => undefined);
    return text;
  }, { timeout, interval: 500 }).toMatch(expected);
}

async function json<T>(path: string, as: string, init: { method?: string; json?: unknown } = {}): Promise<{ status: number; body: T }> {
  const res = await sys.http(path, { as, ...init });
  return { status: res.status, body: (await res.json()) as T };
}

describe('the web UI per role, continued', () => {
  it('jurist: reviews a draft decision from Mijn werk', async () => {
    const api = caseApi(sys);
    const { id } = await api.open(location.location_id, { urgent: true, kind: 'integriteitsrisico' });
    await api.atStep(id, 'dringende_beslissing');
    await api.cmd(id, 'decision', caseManager, {
      decision: 'schorsing',
      motivation: 'Interne motivering: de integriteit van de kinderen is in gevaar.',
      publicMotivation: 'De veiligheid van de kinderen is niet gewaarborgd.',
      date: inDays(30),
      integrityHarmed: true,
    });

    await signInAs(page, sys, jurist);
    await page.getByRole('heading', { name: 'Mijn werk', level: 1 }).waitFor();
    const row = await workRow(id);
    await expectText(row, /juridisch nazicht/i);
    await expectAccessible(page, 'mijn werk (jurist)');
    await row.getByRole('link', { name: `Openen: ${id}` }).click();
    await page.getByRole('heading', { name: `Handhaving ${id}` }).waitFor();
    const review = page.getByRole('form', { name: 'Juridisch nazicht van de beslissing', exact: true });
    await review.getByLabel('Oordeel').selectOption('true');
    await review.getByLabel('Opmerkingen').fill('Juridisch in orde: de motivering volstaat.');
    await expectAccessible(page, 'handhaving (jurist, nazicht)');
    await screenshot(page, 'handhaving-nazicht');
    await review.getByRole('button', { name: 'Nazicht vastleggen' }).click();
    await expectText(page.getByRole('status').first(), 'Nazicht vastgelegd.');
    await expect.poll(async () => ((await api.get(id)).live?.current?.data as { approved?: boolean } | undefined)?.approved, { timeout: stepMs }).toBe(true);
    // The case's own history shows the review, by name.
    await expectAfterRefresh(() => page.getByRole('region', { name: 'Historiek van de zaak' }), /\(jurist\)/);
  });

  it('teamcoordinator: reassigns a report from Mijn werk and reads the team dashboard', async () => {
    const created = await post(sys, '/meldingen', caseManager, intake.regular(location.location_id));
    expect(created.status).toBe(201);
    const meldingId = created.body.id as string;
    await eventually(() => getMelding(sys, meldingId, tc), (m) => m.assigneeId === caseManager);

    await signInAs(page, sys, tc);
    await page.getByRole('heading', { name: 'Mijn werk', level: 1 }).waitFor();
    await page.getByLabel('Teamlid').selectOption('*team');
    const row = await workRow(meldingId);
    await expectAccessible(page, 'mijn werk (teamcoördinator, team)');
    await row.getByText('Toewijzen', { exact: true }).first().click();
    const form = row.getByRole('form', { name: `Toewijzen: ${meldingId}` });
    await form.getByLabel('Nieuwe behandelaar').selectOption(otherCaseManager);
    await form.getByLabel('Reden').fill('Herverdeling van het werk tijdens een afwezigheid.');
    await form.getByRole('button', { name: 'Toewijzen' }).click();
    await expectText(page.getByRole('status').first(), `${meldingId} toegewezen aan`);
    await expect.poll(async () => (await getMelding(sys, meldingId, tc)).assigneeId, { timeout: stepMs }).toBe(otherCaseManager);

    await page.getByRole('link', { name: 'Dashboard', exact: true }).click();
    await page.getByRole('heading', { name: 'Teamdashboard', level: 1 }).waitFor();
    await expectText(page.locator('#dashboard-bijgewerkt'), /Bijgewerkt om .* team West-Vlaanderen/);
    expect(await page.locator('figure.chart canvas').count()).toBe(7);
    // The figures behind the charts, as a table: the report just made is counted.
    const phases = page.getByRole('region', { name: 'Per proces en fase' });
    await phases.getByText('Cijfers als tabel').click();
    await expectText(phases.locator('table'), /Melding · Toegewezen/);
    await expectAccessible(page, 'dashboard (teamcoördinator)');
    // CSV export: fetched with the token, saved under the server's name.
    const [download] = await Promise.all([page.waitForEvent('download'), phases.getByRole('button', { name: 'CSV-export: Per proces en fase' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^dashboard-phases-team-west-vlaanderen-\d{4}-\d{2}-\d{4}-\d{2}\.csv$/);
    const csvPath = await download.path();
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(csvPath, 'utf8').split('\r\n')[0]).toBe('process,phase,variant,count,overdue');
    // Another period: the filter goes to the API.
    const dashboardCalls: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/dashboard/screening') dashboardCalls.push(new URL(r.url()).search);
    });
    await page.getByLabel('Van (maand)').fill('2026-01');
    await page.getByLabel('Van (maand)').dispatchEvent('change');
    await expect.poll(() => dashboardCalls.some((q) => q.includes('from=2026-01')), { timeout: stepMs }).toBe(true);
  });

  it('klantenbeheerder: asks for an inspection, follows it at Modular and cancels it', async () => {
    await signInAs(page, sys, caseManager);
    await page.getByRole('link', { name: 'Inspecties', exact: true }).click();
    await page.getByRole('heading', { name: 'Inspecties', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Inspectie aanvragen' }).click();
    const form = page.getByRole('form', { name: 'Inspectie aanvragen bij Zorginspectie' });
    await form.getByLabel('Locatie-id').fill(location.location_id);
    await form.getByLabel('Reden').fill('Herhaalde meldingen over te weinig toezicht in de namiddag.');
    await form.getByLabel('Vragen aan Zorginspectie (één per regel)').fill('Is de kind-begeleiderratio gerespecteerd?\nIs er een brandoefening gehouden?');
    await expectAccessible(page, 'inspectie aanvragen');
    await form.getByRole('button', { name: 'Inspectie aanvragen' }).click();
    await page.getByRole('heading', { name: /^Inspectie INS-/ }).waitFor();
    const inspectionId = (await page.getByRole('heading', { name: /^Inspectie INS-/ }).innerText()).replace('Inspectie ', '').trim();
    // Modular confirms the order (the simulator answers at once).
    await expectAfterRefresh(() => page.getByRole('region', { name: 'Bij Zorginspectie (Modular)' }), /Ontvangen door Zorginspectie/);
    await expectAccessible(page, 'inspectie (klantenbeheerder)');

    const cancel = page.getByRole('form', { name: 'Inspectie annuleren', exact: true });
    await cancel.getByLabel('Reden').fill('De tekortkomingen zijn intussen hersteld.');
    await cancel.getByRole('button', { name: 'Annuleren bij Zorginspectie' }).click();
    await expectText(page.getByRole('status').first(), 'Annulering verstuurd');
    await expectAfterRefresh(() => page.locator('.badges'), /Geannuleerd/);
    expect((await json<{ status: string }>(`/inspections/${inspectionId}`, caseManager)).body.status).toBe('geannuleerd');

    // A second one, followed through Modular to its final report.
    const second = await json<{ id: string }>('/inspections', caseManager, { method: 'POST', json: { locationId: location.location_id, reason: 'Opvolging van een advies.', urgency: 'regulier' } });
    expect(second.status).toBe(201);
    const ordered = await eventually(() => json<{ modularOrderId: string | null; status: string }>(`/inspections/${second.body.id}`, caseManager).then((r) => r.body), (v) => v.modularOrderId !== null && v.status === 'ontvangen', 20_000);
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${sys.modular!.url}/_control/orders/${ordered.modularOrderId}/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(res.status).toBe(200);
    }
    await eventually(() => json<{ status: string }>(`/inspections/${second.body.id}`, caseManager).then((r) => r.body), (v) => v.status === 'eindverslag', 20_000);
    await page.goto(`${sys.url}/#/inspecties/${second.body.id}`);
    await page.getByRole('region', { name: 'Eindverslag' }).waitFor();
    await expectAccessible(page, 'inspectie met eindverslag');
    await screenshot(page, 'inspectie');
    await page.getByRole('link', { name: 'Inspecties', exact: true }).click();
    await expectText(page.getByRole('status').first(), /Inspecties 1–2 van 2/);
    await expectAccessible(page, 'inspecties (lijst)');
    await screenshot(page, 'inspecties');
  });

  it('screening: the month\'s selection with scores and weights; a case manager codes a task', async () => {
    // A month of its own: workflow ids are per month and dossier, and the dev server is shared by
    // every test file (the fuzz test runs the current month); and no test depends on today.
    const started = await json<{ month: string }>('/screening-runs', tc, { method: 'POST', json: { month: '2026-07', selectionSize: 8 } });
    expect(started.status).toBe(202);
    const month = started.body.month;
    await eventually(() => json<{ status: string }>(`/screening-runs/${month}`, tc).then((r) => r.body), (r) => r.status === 'afgerond', 60_000);
    const task = await sys.db.selectFrom('screening_tasks as t').innerJoin('users as u', 'u.id', 't.assignee_id')
      .select(['t.id', 't.assignee_id']).where('t.month', '=', month).where('u.role', '=', 'klantenbeheerder').orderBy('t.rank').executeTakeFirstOrThrow();

    await signInAs(page, sys, task.assignee_id!);
    await page.getByRole('link', { name: 'Risicoscreening', exact: true }).click();
    await page.getByRole('heading', { name: 'Risicoscreening', level: 1 }).waitFor();
    const selection = page.getByRole('region', { name: /^Selectie van / });
    await expect.poll(async () => selection.getByRole('row').count(), { timeout: stepMs }).toBe(9);
    await expectText(selection, /%/);
    await page.getByRole('figure', { name: /Kenmerken die het zwaarst wegen/ }).waitFor();
    await expectAccessible(page, 'risicoscreening (selectie)');
    await screenshot(page, 'screening');

    await page.goto(`${sys.url}/#/screening/taken/${task.id}`);
    await page.getByRole('heading', { name: `Screening ${task.id}` }).waitFor();
    const code = page.getByRole('form', { name: 'Screening coderen', exact: true });
    await code.getByLabel('Code').selectOption('verder_onderzoek_nodig');
    await code.getByLabel('Motivering').fill('Drie meldingen over toezicht in een half jaar: een inspectie moet uitsluitsel geven.');
    await code.getByRole('button', { name: 'Code vastleggen' }).click();
    await expectText(page.getByRole('status').first(), 'Screening gecodeerd.');
    await expectText(page.getByRole('region', { name: 'Gegevens' }), 'Verder onderzoek nodig');
    await page.getByRole('link', { name: 'Inspectie aanvragen voor deze locatie' }).waitFor();
    await expectAccessible(page, 'screeningstaak (gecodeerd)');
    await screenshot(page, 'screening-taak');
    expect((await json<{ code: string }>(`/screening-tasks/${task.id}`, task.assignee_id!)).body.code).toBe('verder_onderzoek_nodig');
  });

  it('admin: activates an older model version, retries incidents, verifies the audit trail; the crisis roster', async () => {
    const trained = await json<{ version: number; active: boolean }>('/risk-models', admin, { method: 'POST', json: { activate: true } });
    expect(trained.status).toBe(201);
    expect(trained.body.active).toBe(true);
    const older = trained.body.version - 1;
    expect(older).toBeGreaterThanOrEqual(1);

    await signInAs(page, sys, admin);
    await page.goto(`${sys.url}/#/screening/modellen`);
    await page.getByRole('heading', { name: 'Modelversies', level: 1 }).waitFor();
    await expectAccessible(page, 'modelversies');
    await page.getByRole('button', { name: `Versie ${older} activeren` }).click();
    await expectText(page.getByRole('status').first(), `Versie ${older} is actief`);
    const models = (await json<{ items: { version: number; active: boolean }[] }>('/risk-models', admin)).body.items;
    expect(models.filter((m) => m.active).map((m) => m.version)).toEqual([older]);
    await screenshot(page, 'modelversies');

    await page.getByRole('link', { name: 'Incidenten', exact: true }).click();
    await page.getByRole('heading', { name: 'Incidenten', level: 1 }).waitFor();
    await expectAccessible(page, 'incidenten');

    await page.getByRole('link', { name: 'Auditlog', exact: true }).click();
    await page.getByRole('heading', { name: 'Auditlog', level: 1 }).waitFor();
    await expectText(page.getByRole('table'), 'risk_model.activated');
    await page.getByRole('button', { name: 'Hashketen controleren' }).click();
    await expectText(page.locator('.verify-result'), /De hashketen klopt: \d+ records gecontroleerd/, 10_000);
    await expectAccessible(page, 'auditlog');

    // The dashboard of all teams (admin), after everything above: the whole of it in one picture.
    await page.getByRole('link', { name: 'Dashboard', exact: true }).click();
    await page.getByRole('heading', { name: 'Teamdashboard', level: 1 }).waitFor();
    await expectText(page.locator('#dashboard-bijgewerkt'), /Bijgewerkt om .* alle teams/);
    await page.getByLabel('Team').selectOption('team-west-vlaanderen');
    await expectText(page.locator('#dashboard-bijgewerkt'), /team West-Vlaanderen/);
    await page.getByLabel('Team').selectOption('');
    await expectText(page.locator('#dashboard-bijgewerkt'), /alle teams/);
    await expectAccessible(page, 'dashboard (admin, alle teams)');
    await page.setViewportSize({ width: 1280, height: 2300 });
    await screenshot(page, 'dashboard');
    await page.setViewportSize({ width: 1280, height: 900 });

    await page.getByRole('link', { name: 'Crisisrooster', exact: true }).click();
    await page.getByRole('heading', { name: 'Crisisrooster', level: 1 }).waitFor();
    await expectText(page.getByRole('region', { name: 'Nu van dienst' }), /\(dienst\)/);
    await expectAccessible(page, 'crisisrooster');
    expect(pageErrors).toEqual([]);
  });
});
