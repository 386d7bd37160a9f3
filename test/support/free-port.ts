import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

// The ports the integration tests, the fault checks and the bench give their servers (Temporal's
// dev server, the API, SMTP, proxies). A port the kernel hands out with `listen(0)` lies in the
// ephemeral range, from which it also picks the source port of every outgoing connection: between
// closing the probe and the server's own bind, a PostgreSQL or gRPC client may take it, and the
// server dies with "address already in use" (seen 2026-12-02 09:43: the fault run's dev server).
// So a port is chosen below that range, where the kernel never picks a source port, and never
// twice by one process.

const given = new Set<number>();

/** The kernel's ephemeral range (Linux); a conventional one elsewhere. */
function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low && high) return [low, high];
  } catch {
    // not Linux
  }
  return [32768, 60999];
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function kernelChosen(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A TCP port free on 127.0.0.1 at the moment of asking, outside the ephemeral range when there is room below it. */
export async function freePort(): Promise<number> {
  const [low] = ephemeralRange();
  const floor = 20_000;
  if (low - floor >= 1_000) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const port = floor + Math.floor(Math.random() * (low - floor));
      if (given.has(port) || !(await bindable(port))) continue;
      given.add(port);
      return port;
    }
  }
  return kernelChosen();
}
