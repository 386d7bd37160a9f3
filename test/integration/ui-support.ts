import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { TestSystem } from './harness.js';

// Shared by the browser tests (docs/ui.md, "Tests and screenshots"): Chromium, signing in through
// the user picker, the axe-core check, and screenshots for `npm run screenshots`.

export const stepMs = 5_000;
const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: chromiumArgs, timeout: 20_000 });
}

export async function newPage(browser: Browser, pageErrors: string[]): Promise<Page> {
  const context = await browser.newContext({ locale: 'nl-BE', timezoneId: 'Europe/Brussels', viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(stepMs);
  context.setDefaultNavigationTimeout(stepMs);
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  return page;
}

/** Waits (bounded) until the locator's text contains the expected text. */
/** Mijn werk, pressing "Vernieuwen" until the row of the item is there (the work list is a projection). */
export async function workRow(page: Page, id: string): Promise<Locator> {
  const row = () => page.getByRole('row').filter({ hasText: id });
  await expect.poll(async () => {
    if ((await row().count()) > 0) return true;
    await page.getByRole('button', { name: 'Vernieuwen' }).first().click().catch(() => undefined);
    return false;
  }, { timeout: 15_000, interval: 500 }).toBe(true);
  return row();
}

export async function expectText(locator: Locator, expected: string | RegExp, timeout = stepMs): Promise<void> {
  await expect.poll(async () => (await locator.count()) > 0 ? await locator.first().innerText() : '', { timeout, interval: 100 })
    .toMatch(typeof expected === 'string' ? new RegExp(expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : expected);
}

/** The user's name as the picker shows it. */
export async function userName(sys: TestSystem, userId: string): Promise<string> {
  return (await sys.db.selectFrom('users').select('name').where('id', '=', userId).executeTakeFirstOrThrow()).name;
}

/**
 * Signs in as the user through the development user picker (no pasted token): signs out first
 * when someone is signed in, searches the picker by name and picks the user's button.
 */
export async function signInAs(page: Page, sys: TestSystem, userId: string): Promise<void> {
  await page.goto(`${sys.url}/`);
  const signOut = page.getByRole('button', { name: 'Afmelden' });
  const picker = page.getByLabel('Gebruiker zoeken');
  await expect.poll(async () => (await signOut.isVisible()) || (await picker.isVisible()), { timeout: stepMs }).toBe(true);
  if (await signOut.isVisible()) await signOut.click();
  const name = await userName(sys, userId);
  await picker.fill(name);
  await page.locator(`button.user-pick[data-user-id="${userId}"]`).click();
  await page.getByRole('button', { name: 'Afmelden' }).waitFor();
  await expectText(page.locator('#who'), name);
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }

/** axe-core on the page as it stands: no violation of serious or critical impact (WCAG 2.x A/AA). */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  // Evaluated through the DevTools protocol, so the page's CSP (script-src 'self') does not stop it.
  await page.evaluate(axeSource);
  // A string, evaluated in the page (the test code is compiled without the DOM types).
  const violations = await page.evaluate<AxeViolation[]>(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })
    .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => ({ target: n.target })) })))`);
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious, `${where}: ${JSON.stringify(serious, null, 2)}`).toEqual([]);
}

/** With UI_SCREENSHOTS=<dir> (npm run screenshots), saves the page as <dir>/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.UI_SCREENSHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: false });
}
