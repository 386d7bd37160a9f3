import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from './harness.js';
import { getMelding, intake, locationOfTeam, post } from './melding-helpers.js';
import { expectAccessible, expectText, launchChromium, newPage, screenshot, signInAs, stepMs, userName, workRow as uiWorkRow } from './ui-support.js';

// The web UI per role (issue 12), in headless Chromium against the real API, Temporal and
// PostgreSQL, signing in through the development user picker, with an axe-core check on every
// screen: a klantenbeheerder picks up a report from Mijn werk; a crisiscoordinator confirms the
// triage of a crisis report. `npm run screenshots` runs this file to make docs/screenshots/*.png.

let sys: TestSystem;
let browser: Browser;
let page: Page;
let caseManager: string;
let regularId: string;
let crisisId: string;
let crisisCoordinator: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  [sys, browser] = await Promise.all([startTestSystem({ devSignIn: true }), launchChromium()]);
  const location = await locationOfTeam(sys, 'team-antwerpen');
  caseManager = location.case_manager_id!;
  const regular = await post(sys, '/meldingen', caseManager, intake.regular(location.location_id));
  expect(regular.status).toBe(201);
  regularId = regular.body.id;
  const crisis = await post(sys, '/meldingen', caseManager, intake.crisis(location.location_id));
  expect(crisis.status).toBe(201);
  crisisId = crisis.body.id;
  crisisCoordinator = (await getMelding(sys, crisisId)).assigneeId!;
  expect(crisisCoordinator).toMatch(/^u-cc-/);
  page = await newPage(browser, pageErrors);
});

afterAll(async () => {
  await browser?.close();
  await sys?.stop();
});

const workRow = (id: string) => uiWorkRow(page, id);

describe('the web UI per role', () => {
  it('signs in through the user picker, grouped by team, each person by name and role', async () => {
    await page.goto(`${sys.url}/`);
    await page.getByRole('heading', { name: 'Aanmelden', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Antwerpen', level: 2 }).waitFor();
    const name = await userName(sys, caseManager);
    await expectText(page.locator(`button.user-pick[data-user-id="${caseManager}"]`), new RegExp(`${name}\\s+klantenbeheerder`));
    await expectAccessible(page, 'aanmelden');
    await screenshot(page, 'aanmelden');
    // Unless enabled, the development routes do not exist.
    expect((await fetch(`${sys.url}/sign-in/options`).then((r) => r.json()))).toEqual({ dev: true, oidc: false });
  });

  it('klantenbeheerder: picks up a report from Mijn werk', async () => {
    await signInAs(page, sys, caseManager);
    await page.getByRole('heading', { name: 'Mijn werk', level: 1 }).waitFor();
    expect(await page.getByRole('link', { name: 'Mijn werk', exact: true }).getAttribute('aria-current')).toBe('page');
    const row = await workRow(regularId);
    await expectText(row, 'Melding opnemen');
    await expectText(row, /24 uur/); // the rule that set the due moment
    await expectAccessible(page, 'mijn werk (klantenbeheerder)');
    await screenshot(page, 'mijn-werk');

    await row.getByRole('button', { name: `Melding opnemen: ${regularId}` }).click();
    await expectText(page.getByRole('status').first(), `${regularId} opgenomen`);
    await expect.poll(async () => (await getMelding(sys, regularId)).phase, { timeout: stepMs }).toBe('in_behandeling');

    // The report itself shows people by name, not by id.
    await page.goto(`${sys.url}/#/meldingen/${regularId}`);
    await page.getByRole('heading', { name: `Melding ${regularId}` }).waitFor();
    await expectText(page.getByRole('region', { name: 'Gegevens' }), `${await userName(sys, caseManager)} (klantenbeheerder)`);
    await expectAccessible(page, 'melding (klantenbeheerder)');
    await screenshot(page, 'melding');

    await page.getByRole('link', { name: 'Berichten', exact: true }).first().click();
    await page.getByRole('heading', { name: 'Berichten', level: 1 }).waitFor();
    await expectAccessible(page, 'berichten');
    await screenshot(page, 'berichten');
  });

  it('crisiscoordinator: confirms the triage of a crisis report', async () => {
    await signInAs(page, sys, crisisCoordinator);
    await page.getByRole('heading', { name: 'Mijn werk', level: 1 }).waitFor();
    const row = await workRow(crisisId);
    await expectText(row, /crisis/i);
    expect(await row.getAttribute('class')).toContain('crisis');
    await expectAccessible(page, 'mijn werk (crisiscoördinator)');
    await screenshot(page, 'mijn-werk-crisis');

    await row.getByRole('link', { name: `Openen: ${crisisId}` }).click();
    await page.getByRole('heading', { name: `Melding ${crisisId}` }).waitFor();
    const triage = page.getByRole('form', { name: 'Triage bevestigen of wijzigen', exact: true });
    await triage.getByLabel('Triage').selectOption('crisis');
    await triage.getByLabel('Reden').fill('Kind vastgebonden: integriteit in gevaar, onmiddellijke opvolging.');
    await triage.getByRole('button', { name: 'Triage vastleggen' }).click();
    await expectText(page.getByRole('status').first(), 'Triage vastgelegd.');
    await expectText(page.getByRole('region', { name: 'Gegevens' }), 'bevestigd');
    await expectAccessible(page, 'crisismelding (crisiscoördinator)');
    await screenshot(page, 'crisismelding');
    await expect.poll(async () => (await sys.http(`/meldingen/${crisisId}`, { as: crisisCoordinator }).then((r) => r.json()) as { triageConfirmed: boolean }).triageConfirmed, { timeout: stepMs }).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
