import * as net from 'node:net';
import type {
  ClientConnection,
  ClientListenOptions,
  ClientListener,
  ClientTransport,
} from '../../lib/transport/client-transport';
import { RenewingSet } from '../../lib/core/renewing-collections';

let nextConnectionId = 1;

/** Sockets holding output until the check phase of this turn of the event loop. */
let corkedSockets: net.Socket[] = [];

function flushCorked(): void {
  const list = corkedSockets;
  corkedSockets = [];
  for (const s of list) s.uncork();
}

/** One accepted socket as a ClientConnection. */
class TcpClientConnection implements ClientConnection {
  readonly id = nextConnectionId++;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localPort: number;

  constructor(private readonly socket: net.Socket) {
    // An IPv4-mapped IPv6 address is the same client as its IPv4 form (maxClientCnxns
    // counts per address).
    const addr = socket.remoteAddress ?? '';
    this.remoteAddress = addr.startsWith('::ffff:') ? addr.slice(7) : addr;
    this.remotePort = socket.remotePort ?? 0;
    this.localPort = socket.localPort ?? 0;
    socket.setNoDelay(true);
    // Errors (ECONNRESET, EPIPE) surface through 'close' with hadError; without a
    // listener Node would throw them.
    socket.on('error', () => undefined);
  }

  /**
   * Replies produced in one turn of the event loop (a pipelined batch, a group commit's
   * worth) leave in one writev instead of one syscall each: under a read load the
   * per-reply write was half of the server's busy time.
   *
   * They leave in the check phase (setImmediate), once the poll phase has handled every
   * socket that was ready, and not after each socket's callback (nextTick). With many
   * sessions sending one request each (watch fan-out re-arming its watches), flushing per
   * callback alternated a read and a write per session, and the replies went out spread
   * over the whole turn. Back to back after the reads, fan-out rounds were ~18% faster
   * (seven interleaved pairs, all better). The pipelined rows were unchanged, since their
   * replies already left one writev per connection.
   */
  write(data: Buffer): boolean {
    const socket = this.socket;
    if (socket.destroyed || socket.writableEnded) return false;
    if (socket.writableCorked === 0) {
      socket.cork();
      corkedSockets.push(socket);
      if (corkedSockets.length === 1) setImmediate(flushCorked);
    }
    return socket.write(data);
  }
  end(): void {
    this.socket.end();
  }
  destroy(): void {
    this.socket.destroy();
  }
  pause(): void {
    this.socket.pause();
  }
  resume(): void {
    this.socket.resume();
  }
  onData(cb: (chunk: Buffer) => void): void {
    this.socket.on('data', cb);
  }
  onEnd(cb: () => void): void {
    this.socket.on('end', cb);
  }
  onClose(cb: (hadError: boolean) => void): void {
    this.socket.on('close', cb);
  }
  onDrain(cb: () => void): void {
    this.socket.on('drain', cb);
  }
}

export interface TcpTransportOptions {
  /** listen(2) backlog; ZooKeeper's clientPortListenBacklog (-1: the OS default). */
  backlog?: number;
}

/** The client port over node:net. Binds loopback unless told otherwise by the config. */
export class TcpClientTransport implements ClientTransport {
  constructor(private readonly opts: TcpTransportOptions = {}) {}

  listen(opts: ClientListenOptions, onConnection: (c: ClientConnection) => void): Promise<ClientListener> {
    // allowHalfOpen: a client that half-closes still gets the answers it asked for (and a
    // four-letter word sent with `nc -q` still gets its reply).
    const server = net.createServer({ allowHalfOpen: true, noDelay: true, pauseOnConnect: false });
    const sockets = new RenewingSet<net.Socket>();
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      onConnection(new TcpClientConnection(socket));
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      const backlog = this.opts.backlog !== undefined && this.opts.backlog > 0 ? this.opts.backlog : undefined;
      server.listen({ host: opts.host, port: opts.port, backlog }, () => {
        server.off('error', reject);
        const a = server.address() as net.AddressInfo;
        resolve({
          address: { host: a.address, port: a.port },
          close: () =>
            new Promise<void>((done) => {
              for (const s of sockets) s.destroy();
              server.close(() => done());
            }),
        });
      });
    });
  }
}
