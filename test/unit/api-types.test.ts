import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateApiTypes } from '../../platform/api-types.js';

// ui/src/api-types.ts is generated from the OpenAPI document and committed (docs/ui.md, "API
// types"): it must match the API as it is now.
describe('the web UI\'s API types', () => {
  it('ui/src/api-types.ts is up to date (run `npm run gen:api-types` after changing a route\'s schema)', async () => {
    const committed = readFileSync(new URL('../../ui/src/api-types.ts', import.meta.url), 'utf8');
    expect(committed === await generateApiTypes(), 'ui/src/api-types.ts is out of date: run `npm run gen:api-types`').toBe(true);
  }, 60_000);
});
