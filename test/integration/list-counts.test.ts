import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countStep } from '../../db/repositories/query.js';
import { type TestSystem, startTestSystem } from './harness.js';
import { expectText, launchChromium, newPage, signInAs } from './ui-support.js';

// Every list counts what matches its filters up to the next thousand past the page
// (db/repositories/query.ts, pageOf; docs/work-surfaces.md, "Counts"): exact below it, "at least"
// above it. Shown on the incidents (the admin's list, plain rows without a process behind them).

let sys: TestSystem;
const incidents = countStep + 100;

beforeAll(async () => {
  sys = await startTestSystem({ devSignIn: true });
  await sys.db
    .insertInto('incidents')
    .values(Array.from({ length: incidents }, (_, i) => ({
      id: randomUUID(), status: i < 7 ? 'open' as const : 'opgelost' as const, workflow_id: `count-wf-${i}`, run_id: 'r',
      workflow_type: 'meldingWorkflow', activity_type: 'saveMelding', kind: 'technisch' as const, message: 'counted', attempts: 1,
      team_id: null, dossier_id: null, error_type: null, retry_requested_by: null, retry_requested_at: null, resolved_at: null,
    })))
    .execute();
});

afterAll(async () => {
  await sys?.stop();
});

interface CountedPage { items: unknown[]; total: number; totalCapped?: boolean; offset: number }

async function page(query: string): Promise<CountedPage> {
  const res = await sys.http(`/incidents?${query}`, { as: 'u-admin' });
  expect(res.status).toBe(200);
  return (await res.json()) as CountedPage;
}

describe('the count of a list', () => {
  it('stops at the next thousand past the first page, and says so', async () => {
    const first = await page('limit=50');
    expect(first.items).toHaveLength(50);
    expect(first).toMatchObject({ total: countStep, totalCapped: true });
  });

  it('counts on to the next thousand once the page reaches the last one', async () => {
    const deep = await page(`limit=50&offset=${countStep - 50}`);
    expect(deep.items).toHaveLength(50);
    expect(deep).toMatchObject({ total: incidents, totalCapped: false });
    const last = await page(`limit=50&offset=${incidents - 20}`);
    expect(last.items).toHaveLength(20);
    expect(last).toMatchObject({ total: incidents, totalCapped: false });
  });

  it('is exact for a narrower filter', async () => {
    expect(await page('limit=5&status=open')).toMatchObject({ total: 7, totalCapped: false });
  });

  it('reads "van meer dan 1000" in the web UI, and still offers the next page', async () => {
    const browser = await launchChromium();
    try {
      const pageErrors: string[] = [];
      const tab = await newPage(browser, pageErrors);
      await signInAs(tab, sys, 'u-admin');
      await tab.goto(`${sys.url}/#/incidenten`);
      const count = tab.getByRole('status').filter({ hasText: 'Incidenten' });
      await expectText(count, 'Incidenten 1–7 van 7'); // the screen opens on the open ones
      await tab.getByLabel('Status').selectOption('');
      await expectText(count, new RegExp(`Incidenten 1–\\d+ van meer dan ${countStep}`));
      expect(await tab.getByRole('button', { name: 'Volgende' }).isEnabled()).toBe(true);
      expect(pageErrors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
