import { type ChildProcess, spawn } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { searchAttributeCliArgs } from '../workflows/search-attributes.js';

export interface DevServerOptions {
  cli: string;
  port: number;
  namespace: string;
  /** Persist to this SQLite file so a restart keeps running workflows; in memory when absent. */
  dbFilename?: string;
  /** Web UI port; no UI when absent. */
  uiPort?: number;
  /**
   * The codec endpoint the Web UI decodes payloads with (`--ui-codec-endpoint`), e.g. the API's
   * `http://127.0.0.1:3000/codec`; the UI POSTs to `<endpoint>/decode` (docs/security.md).
   */
  uiCodecEndpoint?: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error' | 'never';
  /** Forward the server's own output (stdout/stderr) to this process's stderr. */
  echo?: boolean;
  startTimeoutMs?: number;
}

export interface DevServer {
  address: string;
  uiUrl: string | undefined;
  stop(): Promise<void>;
}

/**
 * Starts `temporal server start-dev` on 127.0.0.1 with the project's namespace and search
 * attributes, and resolves once the namespace answers. `@temporalio/testing` waits only ~5 s for
 * the server, which is not always enough on this machine, hence our own launcher.
 */
export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(opts.port), '--namespace', opts.namespace];
  for (const attr of searchAttributeCliArgs()) args.push('--search-attribute', attr);
  if (opts.dbFilename) args.push('--db-filename', opts.dbFilename);
  if (opts.uiPort) {
    args.push('--ui-port', String(opts.uiPort), '--ui-ip', '127.0.0.1');
    if (opts.uiCodecEndpoint) args.push('--ui-codec-endpoint', opts.uiCodecEndpoint);
  } else args.push('--headless');
  args.push('--log-level', opts.logLevel ?? 'warn');

  const child = spawn(opts.cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000);
    if (opts.echo) process.stderr.write(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const address = `127.0.0.1:${opts.port}`;
  try {
    await waitUntilReady(child, address, opts.namespace, opts.startTimeoutMs ?? 60_000, () => output);
  } catch (err) {
    await stopProcess(child);
    throw err;
  }
  return {
    address,
    uiUrl: opts.uiPort ? `http://127.0.0.1:${opts.uiPort}` : undefined,
    stop: () => stopProcess(child),
  };
}

async function waitUntilReady(
  child: ChildProcess,
  address: string,
  namespace: string,
  timeoutMs: number,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `exited with ${code ?? signal}`));
  let lastError = '';
  while (Date.now() < deadline) {
    if (exited) throw new Error(`temporal dev server ${exited}:\n${output()}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`temporal dev server did not answer on ${address} within ${timeoutMs} ms (${lastError}):\n${output()}`);
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
