import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from './harness.js';
import { locationOfTeam } from './melding-helpers.js';
import { signInAs, userName } from './ui-support.js';

// The Dutch web UI in a real (headless) Chromium against the real API, Temporal and PostgreSQL:
// a case manager registers a report through the form, finds it in the list, picks it up, gives
// feedback by phone and closes it; a crisis report shows as crisis; API refusals show in Dutch.

const stepMs = 5_000;
const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

let sys: TestSystem;
let browser: Browser;
let page: Page;
let location: Awaited<ReturnType<typeof locationOfTeam>>;
let caseManager: string;
let caseManagerName: string;
let regularId: string;
const pageErrors: string[] = [];
const description = `Ouders melden dat de verzorgers niet reageren op vragen (${Date.now()}).`;

beforeAll(async () => {
  [sys, browser] = await Promise.all([
    startTestSystem({ devSignIn: true }),
    chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: chromiumArgs, timeout: 20_000 }),
  ]);
  location = await locationOfTeam(sys, 'team-antwerpen');
  caseManager = location.case_manager_id!;
  caseManagerName = await userName(sys, caseManager);
  const context = await browser.newContext({ locale: 'nl-BE', timezoneId: 'Europe/Brussels', viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(stepMs);
  context.setDefaultNavigationTimeout(stepMs);
  page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
});

afterAll(async () => {
  await browser?.close();
  await sys?.stop();
});

/** Waits (bounded) until the locator's text contains the expected text. */
async function expectText(locator: Locator, expected: string | RegExp) {
  await expect.poll(async () => (await locator.count()) > 0 ? await locator.first().innerText() : '', { timeout: stepMs, interval: 100 })
    .toMatch(typeof expected === 'string' ? new RegExp(expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : expected);
}

const form = (name: string) => page.getByRole('form', { name, exact: true });

describe('the reports UI (nl-BE)', () => {
  it('signs in through the user picker and opens the reports list', async () => {
    await signInAs(page, sys, caseManager);
    await page.getByRole('heading', { name: 'Mijn werk', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Meldingen', exact: true }).click();
    await page.getByRole('heading', { name: 'Meldingen', level: 1 }).waitFor();
    expect(await page.getByRole('link', { name: 'Meldingen', exact: true }).getAttribute('aria-current')).toBe('page');
    await expectText(page.locator('#who'), 'klantenbeheerder');
  });

  it('registers a regular report through the form, once even when the button is clicked twice', async () => {
    await page.getByRole('link', { name: 'Nieuwe melding' }).click();
    const intake = form('Nieuwe melding');
    await intake.getByLabel('Bron').selectOption('derde');
    await intake.getByLabel('Kanaal').selectOption('telefoon');
    await intake.getByLabel('Naam', { exact: true }).fill('Sam Janssens');
    await intake.getByLabel('Telefoon', { exact: true }).fill('03 123 45 67');
    await intake.getByLabel('Locatie-id').fill(location.location_id);
    await intake.getByLabel('Locatie-id').blur();
    await expectText(intake.locator('.lookup'), `dossier ${location.id}`);
    await intake.getByLabel('Omschrijving').fill(description);
    await intake.getByLabel('Pedagogische kwaliteit').check();
    await intake.getByLabel('Communicatie met ouders').check();
    await intake.getByRole('button', { name: 'Melding registreren' }).dblclick();

    const result = page.getByRole('region', { name: 'Melding geregistreerd' });
    await result.waitFor();
    await expectText(result, 'Regulier');
    await expectText(result, `${caseManagerName} (klantenbeheerder)`);
    await expectText(result, /Uiterlijk\s+\d/);
    regularId = (await result.getByRole('link', { name: /^MEL-[0-9A-F]{16}$/ }).innerText()).trim();

    const rows = await sys.db.selectFrom('meldingen').select(['id', 'idempotency_key']).where('description', '=', description).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: regularId });
    expect(rows[0]!.idempotency_key).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('finds it in the list under "mij toegewezen" and opens it', async () => {
    await page.getByRole('link', { name: 'Meldingen', exact: true }).click();
    await page.getByLabel('Mij toegewezen').check();
    const link = page.getByRole('link', { name: regularId });
    await link.waitFor();
    const row = page.getByRole('row').filter({ has: link });
    await expectText(row, 'Toegewezen');
    await expectText(row, `${caseManagerName} (klantenbeheerder) · jij`);
    await link.click();
    await page.getByRole('heading', { name: `Melding ${regularId}` }).waitFor();
    await expectText(page.locator('.badges'), 'Fase: Toegewezen');
  });

  it('picks it up, refuses to close it before feedback (in Dutch), then records phone feedback and closes it', async () => {
    await form('Opnemen').getByRole('button', { name: 'Opnemen' }).click();
    await expectText(page.getByRole('status'), 'Melding opgenomen.');
    await expectText(page.locator('.badges'), 'Fase: In behandeling');

    // Closing without feedback and without a reason: the workflow refuses (409), shown near the form.
    const close = form('Afsluiten');
    await close.getByLabel('Toegevoegd aan dossier', { exact: true }).check();
    await close.getByRole('button', { name: 'Afsluiten' }).click();
    const refusal = close.getByRole('alert');
    await expectText(refusal, 'Niet gelukt:');
    await expectText(refusal, 'Geef eerst terugkoppeling aan de melder');
    await expectText(refusal, 'Antwoord van de server: Give feedback');
    await expectText(page.locator('.badges'), 'Fase: In behandeling');

    const feedback = form('Terugkoppeling aan de melder');
    await feedback.getByLabel('Kanaal').selectOption('telefoon');
    await feedback.getByLabel('Bericht').fill('Melder gebeld: we bekijken de situatie en nemen ze op in het dossier.');
    await feedback.getByRole('button', { name: 'Terugkoppeling vastleggen' }).click();
    await expectText(page.getByRole('status'), 'Terugkoppeling vastgelegd.');
    await expectText(page.getByRole('region', { name: 'Gegevens' }), 'per telefoon');

    const closeAgain = form('Afsluiten');
    await closeAgain.getByLabel('Toegevoegd aan dossier', { exact: true }).check();
    await closeAgain.getByLabel('Toelichting bij Toegevoegd aan dossier').fill('Opvolgen bij volgend bezoek');
    await closeAgain.getByRole('button', { name: 'Afsluiten' }).click();
    await expectText(page.getByRole('status'), 'Melding afgesloten.');
    await expectText(page.locator('.badges'), 'Fase: Afgesloten');
    await expectText(page.getByRole('region', { name: 'Gegevens' }), 'Toegevoegd aan dossier: Opvolgen bij volgend bezoek');
    await expectText(page.getByRole('region', { name: 'Verloop' }), 'Afgesloten');

    const stored = (await (await sys.http(`/meldingen/${regularId}`, { as: caseManager })).json()) as { phase: string; followUps: { kind: string }[] };
    expect(stored).toMatchObject({ phase: 'afgesloten', followUps: [{ kind: 'toegevoegd_aan_dossier' }] });
  });

  it('marks a crisis report as crisis, in the result and in the list', async () => {
    await page.getByRole('link', { name: 'Meldingen', exact: true }).click();
    await page.getByRole('link', { name: 'Nieuwe melding' }).click();
    const intake = form('Nieuwe melding');
    await intake.getByLabel('Bron').selectOption('voorziening');
    await intake.getByLabel('Kanaal').selectOption('telefoon');
    await intake.getByLabel('Anoniem').check();
    await intake.getByLabel('Locatie-id').fill(location.location_id);
    await intake.getByLabel('Omschrijving').fill('Een kind werd vastgebonden in een stoel tijdens het middagdutje.');
    await intake.getByLabel('Vastbinden van een kind').check();
    await intake.getByLabel('Onmiddellijk gevaar').check();
    await intake.getByRole('button', { name: 'Melding registreren' }).click();

    const result = page.getByRole('region', { name: 'Melding geregistreerd' });
    await result.waitFor();
    await expectText(result.locator('.badge.crisis'), /crisis/i);
    await expectText(result, 'melder geeft onmiddellijk gevaar aan');
    const crisisId = (await result.getByRole('link', { name: /^MEL-[0-9A-F]{16}$/ }).innerText()).trim();

    await page.getByRole('link', { name: 'Meldingen', exact: true }).click();
    await page.getByLabel('Mij toegewezen').uncheck();
    await page.getByLabel('Triage').selectOption('crisis');
    const link = page.getByRole('link', { name: crisisId });
    await link.waitFor();
    const row = page.getByRole('row').filter({ has: link });
    await expectText(row.locator('.badge.crisis'), /crisis/i);
    expect(await row.getAttribute('class')).toContain('crisis');
    await expectText(page.getByRole('status').first(), 'Meldingen 1–1 van 1');
    await page.getByLabel('Triage').selectOption('');
    await expectText(page.getByRole('status').first(), 'van 2');
    await page.screenshot({ path: '/tmp/ui-meldingen.png', fullPage: true });
  });

  it('shows the failing field of a validation problem with its Dutch label', async () => {
    await page.goto(`${sys.url}/#/meldingen/nieuw`); // the session survives a reload
    const intake = form('Nieuwe melding');
    await intake.getByLabel('Locatie-id').fill('LOC 1 !');
    await intake.getByLabel('Omschrijving').fill('Een melding met een verkeerde locatie-id.');
    await intake.getByRole('button', { name: 'Melding registreren' }).click();
    const alert = intake.getByRole('alert');
    await expectText(alert, 'Niet gelukt: De invoer is niet in orde.');
    await expectText(alert, 'Locatie-id: heeft niet de juiste vorm');
    expect(await intake.getByLabel('Locatie-id').getAttribute('aria-invalid')).toBe('true');
  });

  it('keeps the Idempotency-Key for a retry after a lost answer, so the report is registered once', async () => {
    await page.goto(`${sys.url}/#/meldingen/nieuw`);
    const intake = form('Nieuwe melding');
    const text = `Melding waarvan het antwoord verloren ging (${Date.now()}).`;
    await intake.getByLabel('Locatie-id').fill(location.location_id);
    await intake.getByLabel('Omschrijving').fill(text);
    const keys: string[] = [];
    let loseAnswer = true;
    await page.route('**/meldingen', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (!loseAnswer) return route.continue();
      loseAnswer = false;
      await route.fetch(); // the server registers the report, but its answer never arrives
      return route.abort('connectionreset');
    });
    await intake.getByRole('button', { name: 'Melding registreren' }).click();
    await expectText(intake.getByRole('alert'), 'Niet gelukt: Geen verbinding met de server.');
    await intake.getByRole('button', { name: 'Melding registreren' }).click();
    await page.getByRole('region', { name: 'Deze melding was al geregistreerd' }).waitFor();
    await page.unroute('**/meldingen');

    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(await sys.db.selectFrom('meldingen').select('id').where('description', '=', text).execute()).toHaveLength(1);
    expect(pageErrors).toEqual([]);
  });
});
