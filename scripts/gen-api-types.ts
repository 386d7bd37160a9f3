import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateApiTypes } from '../platform/api-types.js';
import { uiRoot } from '../platform/ui-build.js';

// `npm run gen:api-types`: writes ui/src/api-types.ts from the API's OpenAPI document (docs/ui.md).
const file = join(uiRoot, 'src/api-types.ts');
writeFileSync(file, await generateApiTypes());
process.stdout.write(`wrote ${file}\n`);
