import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateApiTypes } from '../../platform/api-types.js';
import { ensureApiTypes } from '../../platform/ui-build.js';

// ui/src/api-types.ts is generated from the OpenAPI document, not committed (docs/ui.md, "API
// types"): `npm test`, `npm run typecheck` and every UI build ensure it first, rewriting it when
// the server's sources changed since. Whatever that cache decided, the file is the API as it is now.
describe('the web UI\'s API types', () => {
  it('ensureApiTypes leaves ui/src/api-types.ts equal to the types of the current OpenAPI document', async () => {
    await ensureApiTypes();
    const onDisk = readFileSync(new URL('../../ui/src/api-types.ts', import.meta.url), 'utf8');
    expect(onDisk === await generateApiTypes(), 'ui/src/api-types.ts does not match the API').toBe(true);
  }, 120_000);
});
