import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the built web UI lies (platform/ui-build.ts writes it, api/routes/ui.ts serves it). */
export const uiDist = join(dirname(fileURLToPath(import.meta.url)), '../ui/dist');
