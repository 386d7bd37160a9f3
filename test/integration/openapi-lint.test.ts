import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDependencies } from '../../api/app.js';
import { deriveOperationId } from '../../api/plugins/swagger.js';
import { loadConfig } from '../../platform/config.js';
import { createProcessSettings } from '../../workflows/settings.js';
import { type RunningApi, runApi } from '../../platform/services.js';
import { createTokenService } from '../../api/auth/tokens.js';

// The OpenAPI document as served, linted by Redocly CLI (the pinned devDependency) with the
// project's redocly.yaml: the recommended ruleset, exceptions justified in docs/api-errors.md.
// Serving /docs/json needs neither a database nor Temporal, so neither is started.

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const redoclyCli = join(dirname(createRequire(import.meta.url).resolve('@redocly/cli/package.json')), 'bin/cli.js');

/** Dependencies that fail loudly if a route touches them: the document needs none. */
function unusedDependency<T extends object>(name: string): T {
  return new Proxy({} as T, { get: (_t, key) => { throw new Error(`${name}.${String(key)} is not available in this test`); } });
}

interface Operation {
  operationId?: string;
  responses: Record<string, { $ref?: string; content?: Record<string, unknown> }>;
}
interface Document {
  servers?: unknown[];
  paths: Record<string, Record<string, Operation>>;
  components: { responses?: Record<string, { content?: Record<string, unknown> }> };
}

interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
}

let api: RunningApi;
let doc: Document;
let raw: string;

beforeAll(async () => {
  const deps: AppDependencies = {
    db: unusedDependency('db'),
    temporal: unusedDependency('temporal'),
    namespace: 'handhaving-test',
    taskQueue: 'unused',
    tokens: createTokenService(randomBytes(32).toString('hex'), 'handhaving-test'),
    settings: createProcessSettings(loadConfig({})),
  };
  api = await runApi(deps, { logger: false, bodyLimit: 64 * 1024 }, '127.0.0.1', 0);
  const res = await fetch(`${api.url}/docs/json`);
  expect(res.status).toBe(200);
  raw = await res.text();
  doc = JSON.parse(raw) as Document;
});

afterAll(async () => {
  await api?.stop();
});

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ where: `${method.toUpperCase()} ${path}`, op })));

describe('the OpenAPI document', () => {
  it('passes redocly lint with 0 errors and 0 warnings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'handhaving-openapi-'));
    try {
      const file = join(dir, 'openapi.json');
      writeFileSync(file, raw);
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [redoclyCli, 'lint', file, '--config', join(root, 'redocly.yaml'), '--format=json'],
        { env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 },
      ).catch((err: { stdout?: string; stderr?: string }) => {
        // Exit code 1 when there are errors: the JSON report is still on stdout.
        if (!err.stdout) throw new Error(`redocly lint failed: ${err.stderr}`);
        return { stdout: err.stdout };
      });
      const report = JSON.parse(stdout) as LintReport;
      const problems = report.problems.map((p) => `${p.severity} ${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`);
      expect(problems).toEqual([]);
      expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('names every operation with a unique camelCase operationId', () => {
    const ids = operations().map(({ where, op }) => {
      expect(op.operationId, where).toMatch(/^[a-z][A-Za-z0-9]*$/);
      return op.operationId;
    });
    expect(new Set(ids).size).toBe(ids.length);
    const byRoute = Object.fromEntries(operations().map(({ where, op }) => [where, op.operationId]));
    expect(byRoute).toMatchObject({
      'GET /meldingen': 'listMeldingen',
      'GET /meldingen/{meldingId}': 'getMelding',
      'POST /meldingen': 'postMeldingen',
      'POST /meldingen/{meldingId}/acknowledge': 'postMeldingAcknowledge',
      'GET /locations/{locationId}': 'getLocation',
      'GET /handhaving': 'listHandhaving',
      'GET /handhaving/{caseId}': 'getHandhaving',
    });
  });

  it('declares every error response as application/problem+json, as the server sends it', () => {
    for (const { where, op } of operations()) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (!/^[45]/.test(status)) continue;
        const content = response.$ref ? doc.components.responses?.[response.$ref.split('/').at(-1) as string]?.content : response.content;
        expect(Object.keys(content ?? {}), `${where} ${status}`).toEqual(['application/problem+json']);
      }
      expect(op.responses, where).toHaveProperty(['4XX']);
      expect(op.responses, where).toHaveProperty(['5XX']);
    }
    expect(doc.servers).toEqual([{ url: '/', description: expect.any(String) }]);
  });
});

describe('operationIds derived from method and path', () => {
  it.each([
    ['GET', '/meldingen', true, 'listMeldingen'],
    ['GET', '/meldingen/:meldingId', false, 'getMelding'],
    ['POST', '/meldingen/:meldingId/deadline/pause', false, 'postMeldingDeadlinePause'],
    ['GET', '/screening-tasks/:taskId', false, 'getScreeningTask'],
    ['GET', '/public/decisions', false, 'listPublicDecisions'],
    ['GET', '/public/locations/:locationId/status', false, 'getPublicLocationStatus'],
    ['POST', '/handhaving/:caseId/letters/:messageId/delivery', false, 'postHandhavingLetterDelivery'],
    ['GET', '/handhaving', true, 'listHandhaving'],
    ['GET', '/me', false, 'getMe'],
    ['GET', '/inspections/:inspectionId', false, 'getInspection'],
    ['GET', '/activities/:activityId', false, 'getActivity'],
  ])('%s %s → %s', (method, url, listsItems, expected) => {
    expect(deriveOperationId(method, url, listsItems)).toBe(expected);
  });
});
