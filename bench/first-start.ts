/**
 * Issue 12, "within a minute of `npm start` being ready, a new user signs in without pasting
 * anything and sees a populated inbox, notifications and dashboard": measured, not assumed.
 *
 *   npx tsx bench/first-start.ts [--budget-s 300]
 *
 * Runs `npm start` as a fresh clone would (an empty DATA_DIR in a temporary folder: embedded
 * database, a new Temporal dev server, the living demo in the background) on free loopback ports,
 * waits for the line that says the API is ready, then signs in the way the web UI does (the
 * development user picker: GET /dev/users, POST /dev/sign-in) as a team coordinator and polls
 * Mijn werk, the notifications and the dashboard until each shows something. Prints the seconds
 * from "ready" to each; stops the system (SIGINT, as Ctrl-C) and removes the folder. Asserts
 * nothing; bounded by --budget-s.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './system.js';

const budgetS = Number(process.argv[process.argv.indexOf('--budget-s') + 1] || 300);

const dataDir = mkdtempSync(join(tmpdir(), 'handhaving-first-start-'));
const ports = { PORT: 0, TEMPORAL_DEV_PORT: 0, TEMPORAL_UI_PORT: 0, MODULAR_SIM_PORT: 0, REGISTERED_MAIL_SIM_PORT: 0, EBOX_SIM_PORT: 0 };
for (const key of Object.keys(ports) as (keyof typeof ports)[]) ports[key] = await freePort();
const apiUrl = `http://127.0.0.1:${ports.PORT}`;

const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, HOST: '127.0.0.1', ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])) };
for (const key of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'DEV_SIGN_IN', 'JWT_JWKS_URL', 'OIDC_ISSUER']) delete env[key];

const t0 = Date.now();
const child = spawn('npx', ['tsx', 'scripts/start.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
const output: string[] = [];
let readyAt: number | undefined;
let demoDoneAt: number | undefined;
const onLine = (chunk: Buffer) => {
  for (const line of chunk.toString().split('\n')) {
    if (!line.trim()) continue;
    output.push(line);
    if (!readyAt && line.includes('API and UI:')) readyAt = Date.now();
    if (!demoDoneAt && /demo: done in/.test(line)) demoDoneAt = Date.now();
  }
};
child.stdout.on('data', onLine);
child.stderr.on('data', onLine);

const deadline = t0 + budgetS * 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (at: number | undefined, from: number) => (at === undefined ? 'not within the budget' : `${((at - from) / 1000).toFixed(1)} s`);

async function json(path: string, init: RequestInit = {}, token?: string): Promise<unknown> {
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  if (init.body) headers.set('content-type', 'application/json');
  const res = await fetch(`${apiUrl}${path}`, { ...init, headers, signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status}`);
  return res.json();
}

type Collection = { items?: unknown[]; total?: number; unread?: number; rows?: { count?: number }[] };
const populated = {
  inbox: (b: Collection) => (b.total ?? b.items?.length ?? 0) > 0,
  notifications: (b: Collection) => (b.items?.length ?? 0) > 0,
  dashboard: (b: Collection) => (b.rows ?? []).some((r) => (r.count ?? 0) > 0),
};

try {
  while (!readyAt && Date.now() < deadline && child.exitCode === null) await sleep(200);
  if (!readyAt) throw new Error(`not ready within ${budgetS} s (exit ${child.exitCode})`);

  // As the web UI: the user picker lists the seeded users; a team coordinator is picked.
  const users = (await json('/dev/users')) as { id: string; role: string; teamId: string | null; name: string }[];
  const coordinator = users.find((u) => u.role === 'teamcoordinator' && u.teamId);
  if (!coordinator) throw new Error('no team coordinator in the user picker');
  const { token } = (await json('/dev/sign-in', { method: 'POST', body: JSON.stringify({ userId: coordinator.id }) })) as { token: string };
  const signedInAt = Date.now();

  const seen: Partial<Record<keyof typeof populated, number>> = {};
  const paths = { inbox: '/work', notifications: '/notifications', dashboard: '/dashboard/phases' } as const;
  while (Object.keys(seen).length < 3 && Date.now() < deadline) {
    for (const key of Object.keys(paths) as (keyof typeof paths)[]) {
      if (seen[key]) continue;
      const body = (await json(paths[key], {}, token).catch(() => ({}))) as Collection;
      if (populated[key](body)) seen[key] = Date.now();
    }
    await sleep(1_000);
  }
  const all = Object.keys(seen).length === 3 ? Math.max(...Object.values(seen)) : undefined;
  console.log(`npm start on an empty DATA_DIR (embedded database, seed, living demo), signed in as ${coordinator.name} (${coordinator.id}, teamcoordinator):`);
  console.log(`  start → ready (API and UI listening):            ${seconds(readyAt, t0)}`);
  console.log(`  ready → signed in through the user picker:       ${seconds(signedInAt, readyAt)}`);
  for (const key of Object.keys(paths) as (keyof typeof paths)[]) console.log(`  ready → ${key.padEnd(13)} shows items (${paths[key]}):`.padEnd(52) + seconds(seen[key], readyAt));
  console.log(`  ready → all three populated:                     ${seconds(all, readyAt)}`);
  console.log(`  ready → the living demo done:                    ${seconds(demoDoneAt, readyAt)}`);
} catch (err) {
  console.error(`first start: ${err instanceof Error ? err.message : String(err)}`);
  console.error(output.slice(-30).join('\n'));
  process.exitCode = 1;
} finally {
  if (child.exitCode === null && child.pid) {
    process.kill(-child.pid, 'SIGINT');
    const stopped = new Promise((resolve) => child.once('exit', resolve));
    if (!(await Promise.race([stopped.then(() => true), sleep(30_000).then(() => false)]))) process.kill(-child.pid, 'SIGKILL');
  }
  rmSync(dataDir, { recursive: true, force: true });
}
