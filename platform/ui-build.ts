import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The web UI's build (docs/ui.md): esbuild bundles ui/src/main.ts and ui/src/style.css into
 * ui/dist/assets/ under content-hashed names, and writes ui/dist/index.html from the template
 * ui/src/index.html pointing at them. Everything under assets/ is immutable (cached a year);
 * index.html is revalidated on every load (api/routes/ui.ts).
 */

export const uiRoot = join(dirname(fileURLToPath(import.meta.url)), '../ui');
export { uiDist } from '../api/ui-dist.js';
import { uiDist } from '../api/ui-dist.js';

export interface UiBuildResult {
  files: string[];
  elapsedMs: number;
}

export async function buildUi(options: { minify?: boolean; log?: (line: string) => void } = {}): Promise<UiBuildResult> {
  const started = Date.now();
  // Imported here, not at the top: the API serves a built UI without loading esbuild.
  const esbuild = await import('esbuild');
  const assets = join(uiDist, 'assets');
  rmSync(uiDist, { recursive: true, force: true });
  mkdirSync(assets, { recursive: true });
  const result = await esbuild.build({
    entryPoints: { app: join(uiRoot, 'src/main.ts'), style: join(uiRoot, 'src/style.css') },
    bundle: true,
    format: 'esm',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    outdir: assets,
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    minify: options.minify ?? true,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    legalComments: 'linked',
  });
  const outputs = Object.entries(result.metafile.outputs);
  const entry = (name: string) => {
    const found = outputs.find(([, o]) => o.entryPoint?.endsWith(name));
    if (!found) throw new Error(`esbuild produced no output for ${name}`);
    return `/ui/${found[0].slice(found[0].indexOf('assets/'))}`;
  };
  const template = readFileSync(join(uiRoot, 'src/index.html'), 'utf8');
  const html = template.replace('%APP_JS%', entry('src/main.ts')).replace('%STYLE_CSS%', entry('src/style.css'));
  writeFileSync(join(uiDist, 'index.html'), html);
  const files = [...outputs.map(([file]) => file.slice(file.indexOf('assets/'))), 'index.html'];
  // A fingerprint of the build for logs and for "is the served UI the one just built".
  const version = createHash('sha256').update(html).digest('hex').slice(0, 12);
  writeFileSync(join(uiDist, 'build.json'), JSON.stringify({ version, builtAt: new Date().toISOString(), files }, null, 2));
  options.log?.(`web UI built into ui/dist (${files.length} files, ${Date.now() - started} ms)`);
  return { files, elapsedMs: Date.now() - started };
}
