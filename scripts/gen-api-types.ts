import { relative } from 'node:path';
import { apiTypesFile, ensureApiTypes } from '../platform/ui-build.js';

// `npm run gen:api-types`: writes ui/src/api-types.ts from the API's OpenAPI document unless it is
// current (docs/ui.md, "API types"); `-- --force` writes it anyway. `npm run typecheck` and
// `npm test` run it before `tsc -p ui`.
const log = (line: string) => process.stdout.write(`${line}\n`);
const done = await ensureApiTypes({ force: process.argv.includes('--force'), log });
if (done === 'current') log(`${relative(process.cwd(), apiTypesFile)} is current (the server's sources have not changed since it was written)`);
