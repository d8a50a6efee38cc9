import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP proxy in front of a server, so a test can fail the network under a client
 * without touching the server: cut every connection, refuse new ones for a while, or
 * swallow traffic silently (the client must notice by its read timeout).
 */
export interface TcpProxy {
  readonly host: string;
  readonly port: number;
  /** host:port of the proxy, for connect strings. */
  readonly address: string;
  /** Connections currently open through the proxy. */
  readonly connections: number;
  /** Total connections accepted so far. */
  readonly accepted: number;
  /** Destroys every open connection (both sides). */
  dropAll(): void;
  /** While down, new connections are accepted and reset at once; open ones are dropped. */
  setDown(down: boolean): void;
  /** While black-holed, bytes in both directions are swallowed (connections stay open). */
  setBlackhole(on: boolean): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let down = false;
  let blackhole = false;
  let accepted = 0;
  const server: Server = createServer((client) => {
    accepted++;
    client.on('error', () => undefined);
    if (down) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect({ host: targetHost, port: targetPort });
    upstream.on('error', () => undefined);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const close = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', close);
    upstream.on('close', close);
    client.on('data', (d) => {
      if (!blackhole) upstream.write(d);
    });
    upstream.on('data', (d) => {
      if (!blackhole) client.write(d);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const dropAll = () => {
    for (const [a, b] of [...pairs]) {
      a.destroy();
      b.destroy();
    }
    pairs.clear();
  };
  return {
    host: '127.0.0.1',
    port,
    address: `127.0.0.1:${port}`,
    get connections() {
      return pairs.size;
    },
    get accepted() {
      return accepted;
    },
    dropAll,
    setDown(d: boolean) {
      down = d;
      if (d) dropAll();
    },
    setBlackhole(on: boolean) {
      blackhole = on;
    },
    close() {
      dropAll();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
