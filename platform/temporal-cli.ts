import { execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * Finds the `temporal` CLI, or builds it from the Go module proxy. The binary can't be downloaded
 * on the machines this runs on, and building it takes minutes, so an existing one is always reused:
 * $TEMPORAL_CLI, then the project's cache folder, then `temporal` on PATH, then Go's bin folder.
 */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const MODULE = 'github.com/temporalio/cli/cmd/temporal';

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'handhaving', `temporal-${TEMPORAL_CLI_VERSION.slice(1)}`);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function goBinDir(): string | undefined {
  try {
    return join(execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).trim(), 'bin');
  } catch {
    return undefined;
  }
}

/** The path of an existing binary, or undefined. */
export function findTemporalCli(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.TEMPORAL_CLI) {
    if (!isExecutable(env.TEMPORAL_CLI)) throw new Error(`TEMPORAL_CLI=${env.TEMPORAL_CLI} is not an executable file`);
    return env.TEMPORAL_CLI;
  }
  const candidates = [
    join(cacheDir(env), 'temporal'),
    ...(env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'temporal')),
  ];
  const goBin = goBinDir();
  if (goBin) candidates.push(join(goBin, 'temporal'));
  return candidates.find(isExecutable);
}

/** Builds the CLI into the cache folder with `go install`, streaming Go's progress to stderr. */
export async function buildTemporalCli(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const target = cacheDir(env);
  mkdirSync(target, { recursive: true });
  process.stderr.write(
    `Building the Temporal CLI ${TEMPORAL_CLI_VERSION} from the Go module proxy into ${target}.\n` +
      'This happens once and takes a few minutes; later runs reuse the binary.\n',
  );
  await new Promise<void>((resolve, reject) => {
    const child = spawn('go', ['install', '-v', `${MODULE}@${TEMPORAL_CLI_VERSION}`], {
      env: { ...env, GOBIN: target },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', (err) => reject(new Error(`cannot run go (is Go ≥ 1.25 installed?): ${err.message}`)));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`go install exited with ${code}`))));
  });
  return join(target, 'temporal');
}

export async function ensureTemporalCli(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return findTemporalCli(env) ?? (await buildTemporalCli(env));
}
