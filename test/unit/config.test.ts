import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, variables } from '../../platform/config.js';

describe('configuration', () => {
  it('has a documented default for everything a local start needs', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ host: '127.0.0.1', port: 3000, temporalNamespace: 'handhaving', taskQueue: 'handhaving', seedOnStart: true });
    // A fixed default: `npm start` seeds the same history whatever the day (docs/decisions.md).
    expect(config.seedReferenceDate).toBe('2026-11-01');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.temporalAddress).toBeUndefined();
  });

  it.each([
    ['PORT', 'abc', /PORT must be a whole number/],
    ['PORT', '70000', /PORT must be between 0 and 65535/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of/],
    ['DATABASE_URL', 'mysql://x@y/z', /DATABASE_URL must use the postgres:\/\/ scheme/],
    ['DATABASE_URL', 'not a url', /DATABASE_URL must be a URL/],
    ['TEMPORAL_ADDRESS', 'localhost', /TEMPORAL_ADDRESS must be host:port/],
    ['TEMPORAL_TASK_QUEUE', 'hh" OR TaskQueue = "other', /TEMPORAL_TASK_QUEUE must be a task queue name/],
    ['JWT_SECRET', 'short', /JWT_SECRET must be at least 32 characters/],
    ['SEED_ON_START', 'maybe', /SEED_ON_START must be true or false/],
    ['SEED_REFERENCE_DATE', '1-12-2026', /SEED_REFERENCE_DATE must be a date YYYY-MM-DD/],
    ['SEED_REFERENCE_DATE', '2026-02-30', /SEED_REFERENCE_DATE must be a date YYYY-MM-DD/],
    ['DEADLINE_OVERRIDES', '{"report_follow_up":{"budget":{"unit":"hours","amount":12,"extra":1}}}', /DEADLINE_OVERRIDES at report_follow_up\.budget has an unknown key "extra"/],
    ['ENFORCEMENT_OVERRIDES', '{"hearingTermWorkingDay":5}', /ENFORCEMENT_OVERRIDES has an unknown key "hearingTermWorkingDay"/],
  ])('stops on %s=%s with a message naming the variable', (name, value, message) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(name);
    expect((error as Error).message).toMatch(message);
  });

  it('parses given values', () => {
    const config = loadConfig({ PORT: '8080', DATABASE_URL: 'postgres://u@h:5432/d', TEMPORAL_ADDRESS: 'temporal:7233', SEED_ON_START: 'false' });
    expect(config).toMatchObject({ port: 8080, databaseUrl: 'postgres://u@h:5432/d', temporalAddress: 'temporal:7233', seedOnStart: false });
  });

  it('documents every variable with its default in the README table', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const spec of Object.values(variables)) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${spec.name}\``));
      expect(row, spec.name).toBeDefined();
      if (spec.default) expect(row, spec.name).toContain(`\`${spec.default}\``);
    }
  });
});
