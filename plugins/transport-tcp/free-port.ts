import { createServer } from 'node:net';

/** Ports tried: below the usual ephemeral ranges (Linux 32768–60999; BSD, macOS, Windows 49152–65535). */
const LOW = 10_000;
const HIGH = 32_767;
const TRIES = 64;

/**
 * A TCP port on `host` that was free a moment ago, for a server that must be told its
 * port before it binds (a zoo.cfg names every member's ports; the Java server reads its
 * own from one). Not from bind(0): that hands out a port of the kernel's ephemeral range,
 * where the local end of any connection opened before the server binds (another member
 * dialing in, a client) can land on it, and the server then fails with EADDRINUSE.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let i = 0; i < TRIES; i++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW + 1));
    if ((await listenOnce(host, port)) !== null) return port;
  }
  const any = await listenOnce(host, 0);
  if (any === null) throw new Error(`no port to listen on at ${host}`);
  return any;
}

/** The port a listener got on `host`:`port` (closed again at once), or null when it could not listen. */
function listenOnce(host: string, port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(null));
    srv.listen(port, host, () => {
      const addr = srv.address();
      const bound = typeof addr === 'object' && addr !== null ? addr.port : null;
      srv.close(() => resolve(bound));
    });
  });
}
