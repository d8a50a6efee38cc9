import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP forwarder in front of a server that a test restarts. While shut, it accepts and
 * drops every connection at once (to a client, a server that is down); while open, it
 * pipes each one to the backend. It keeps its port throughout, so no other test's server
 * can take the client's address while the real one is down.
 */
export interface TcpGate {
  readonly port: number;
  /** Forwards new connections to host:backendPort. */
  open(): void;
  /** Drops every forwarded connection and each new one until open() again. */
  shut(): void;
  close(): Promise<void>;
}

export async function startTcpGate(host: string, port: number, backendPort: number): Promise<TcpGate> {
  let isOpen = false;
  const live = new Set<Socket>();
  const server: Server = createServer((client) => {
    if (!isOpen) return void client.destroy();
    const backend = connect(backendPort, host);
    live.add(client).add(backend);
    const end = () => {
      client.destroy();
      backend.destroy();
      live.delete(client);
      live.delete(backend);
    };
    client.on('error', end).on('close', end);
    backend.on('error', end).on('close', end);
    client.pipe(backend);
    backend.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const shut = () => {
    isOpen = false;
    for (const s of live) s.destroy();
    live.clear();
  };
  return {
    port,
    open: () => void (isOpen = true),
    shut,
    close: () => {
      shut();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
