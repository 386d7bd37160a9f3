import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
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

/**
 * ui/src/api-types.ts (docs/ui.md, "API types") is generated, not committed: the TypeScript of the
 * OpenAPI document (platform/api-types.ts). ensureApiTypes() writes it when it is missing, was
 * edited, or the server's sources changed since it was written; otherwise it returns at once. The
 * stamp (a hash of the server's sources and one of the file) lies in node_modules/.cache, so a fresh
 * install always generates. Called by `npm run gen:api-types` (and so by `npm run typecheck` and
 * `npm test` before `tsc -p ui`) and by buildUi().
 */
export const apiTypesFile = join(uiRoot, 'src/api-types.ts');
const repoRoot = join(uiRoot, '..');
const stampFile = join(repoRoot, 'node_modules/.cache/handhaving/api-types.stamp');
/** Top-level folders that cannot change the OpenAPI document (the UI itself, tests, docs, data). */
const notServerSources = new Set(['node_modules', 'ui', 'test', 'bench', 'docs', 'data', 'dist', 'tmp', 'coverage']);

/** A hash of every .ts/.js/.json file the API could be built from (package-lock.json included). */
function serverSourcesHash(): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      if (entry.name.startsWith('.') || (dir === repoRoot && notServerSources.has(entry.name))) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|js|cjs|mjs|json)$/.test(entry.name)) hash.update(`${relative(repoRoot, path)}\0`).update(readFileSync(path)).update('\0');
    }
  };
  walk(repoRoot);
  return hash.digest('hex');
}

const sha256 = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');

export async function ensureApiTypes(options: { force?: boolean; log?: (line: string) => void } = {}): Promise<'written' | 'current'> {
  const started = Date.now();
  const sources = serverSourcesHash();
  const current = existsSync(apiTypesFile) && existsSync(stampFile) &&
    readFileSync(stampFile, 'utf8') === `${sources} ${sha256(readFileSync(apiTypesFile))}`;
  if (current && !options.force) return 'current';
  // Imported here: it builds the Fastify app (no database, Temporal or port) and loads openapi-typescript.
  const { generateApiTypes } = await import('./api-types.js');
  const text = await generateApiTypes();
  // Written aside and renamed, so a parallel tsc or build never reads half a file.
  const partial = `${apiTypesFile}.${process.pid}.partial`;
  writeFileSync(partial, text);
  renameSync(partial, apiTypesFile);
  mkdirSync(dirname(stampFile), { recursive: true });
  writeFileSync(stampFile, `${sources} ${sha256(text)}`);
  options.log?.(`wrote ${relative(repoRoot, apiTypesFile)} from the OpenAPI document (${Date.now() - started} ms)`);
  return 'written';
}

export async function buildUi(options: { minify?: boolean; log?: (line: string) => void } = {}): Promise<UiBuildResult> {
  const started = Date.now();
  // esbuild erases the type-only imports of api-types.ts, but an editor or `tsc -p ui` after
  // `npm start` or a test run wants it there and current.
  await ensureApiTypes({ log: options.log });
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
