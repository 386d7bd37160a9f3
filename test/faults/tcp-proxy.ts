import { once } from 'node:events';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 that can be cut: `cut()` closes the listening socket (new connections
 * are refused) and resets every open connection, as a network partition or a database restart
 * would; `restore()` listens again on the same port. Used to take PostgreSQL away from the
 * application without stopping the machine's shared server.
 */
export class TcpProxy {
  private server: Server | undefined;
  private sockets = new Set<Socket>();
  connections = 0;

  constructor(readonly port: number, private targetHost: string, private targetPort: number) {}

  get address() {
    return `127.0.0.1:${this.port}`;
  }

  async restore(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => {
      this.connections += 1;
      const upstream = createConnection({ host: this.targetHost, port: this.targetPort });
      this.sockets.add(client).add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream).pipe(client);
    });
    server.listen(this.port, '127.0.0.1');
    await once(server, 'listening');
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.resetAndDestroy();
    this.sockets.clear();
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }
}
