import { buildUi } from '../platform/ui-build.js';

// `npm run build:ui`: bundles the web UI into ui/dist (docs/ui.md). `--dev`: unminified.
await buildUi({ minify: !process.argv.includes('--dev'), log: (line) => process.stdout.write(`${line}\n`) });
