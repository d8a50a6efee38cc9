import type { ClientSocket, ClientSocketFactory, ClientSocketHandlers } from '../../lib/client/client-socket';
import type { Clock } from '../../lib/core/clock';
import type { ClientConnection, ClientListener, ClientListenOptions, ClientTransport } from '../../lib/transport/client-transport';

let nextId = 1;

/** The server's end of a simulated client connection. */
class ServerEnd implements ClientConnection {
  readonly id = nextId++;
  readonly remoteAddress = '127.0.0.1';
  private dataCb: (b: Buffer) => void = () => undefined;
  private endCb: () => void = () => undefined;
  private closeCb: (hadError: boolean) => void = () => undefined;
  private paused = false;
  private backlog: Buffer[] = [];
  closed = false;

  constructor(
    private readonly net: MemoryClientNetwork,
    readonly remotePort: number,
    readonly localPort: number,
    readonly client: ClientEnd,
  ) {}

  write(data: Buffer): boolean {
    if (this.closed) return false;
    const copy = Buffer.from(data);
    this.net.deliver(() => this.client.receive(copy));
    return true;
  }
  end(): void {
    this.destroy();
  }
  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.net.deliver(() => this.client.remoteClosed());
    this.closeCb(false);
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
    const b = this.backlog;
    this.backlog = [];
    for (const c of b) this.dataCb(c);
  }
  onData(cb: (chunk: Buffer) => void): void {
    this.dataCb = cb;
  }
  onEnd(cb: () => void): void {
    this.endCb = cb;
  }
  onClose(cb: (hadError: boolean) => void): void {
    this.closeCb = cb;
  }
  onDrain(): void {
    // Writes never back up here.
  }
  /** @internal */
  receive(chunk: Buffer): void {
    if (this.closed) return;
    if (this.paused) this.backlog.push(chunk);
    else this.dataCb(chunk);
  }
  /** @internal */
  remoteClosed(): void {
    if (this.closed) return;
    this.endCb();
    this.closed = true;
    this.closeCb(false);
  }
}

/** The client's end. */
class ClientEnd implements ClientSocket {
  server: ServerEnd | null = null;
  private closed = false;

  constructor(
    private readonly net: MemoryClientNetwork,
    readonly remote: string,
    private readonly handlers: ClientSocketHandlers,
  ) {}

  write(data: Buffer): void {
    if (this.closed || !this.server) return;
    const copy = Buffer.from(data);
    const s = this.server;
    this.net.deliver(() => s.receive(copy));
  }
  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    const s = this.server;
    if (s) this.net.deliver(() => s.remoteClosed());
    this.net.deliver(() => this.handlers.onClose());
  }
  /** @internal */
  connected(server: ServerEnd): void {
    this.server = server;
    this.handlers.onConnect();
  }
  /** @internal */
  receive(chunk: Buffer): void {
    if (!this.closed) this.handlers.onData(chunk);
  }
  /** @internal */
  remoteClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.handlers.onClose(new Error(`connection to ${this.remote} closed by the server`));
  }
  /** @internal */
  refused(): void {
    if (this.closed) return;
    this.closed = true;
    this.handlers.onClose(new Error(`connect ECONNREFUSED ${this.remote}`));
  }
}

interface Listening {
  readonly onConnection: (c: ClientConnection) => void;
  readonly port: number;
  readonly ends: Set<ServerEnd>;
}

/**
 * Client connections on the simulated network: the server side is a ClientTransport
 * (bind it as CLIENT_TRANSPORT), the client side a ClientSocketFactory for the zoolab
 * client. Bytes move on the shared clock after `latencyMs`, in order.
 */
export class MemoryClientNetwork implements ClientTransport, ClientSocketFactory {
  private readonly listeners = new Map<string, Listening>();
  private nextPort = 40000;
  private nextClientPort = 50000;
  /** Delivery time of the last event, so that everything stays in order. */
  private last = 0;

  constructor(
    private readonly clock: Clock,
    private readonly latencyMs = 1,
  ) {}

  /** @internal */
  deliver(fn: () => void): void {
    const at = Math.max(this.clock.now() + this.latencyMs, this.last);
    this.last = at;
    this.clock.schedule(fn, at - this.clock.now());
  }

  async listen(opts: ClientListenOptions, onConnection: (c: ClientConnection) => void): Promise<ClientListener> {
    const port = opts.port === 0 ? this.nextPort++ : opts.port;
    const key = `${opts.host}:${port}`;
    if (this.listeners.has(key)) throw Object.assign(new Error(`listen EADDRINUSE ${key}`), { code: 'EADDRINUSE' });
    const entry: Listening = { onConnection, port, ends: new Set() };
    this.listeners.set(key, entry);
    return {
      address: { host: opts.host, port },
      close: async () => {
        if (this.listeners.get(key) === entry) this.listeners.delete(key);
      },
    };
  }

  connect(host: string, port: number, handlers: ClientSocketHandlers): ClientSocket {
    const key = `${host}:${port}`;
    const client = new ClientEnd(this, key, handlers);
    this.deliver(() => {
      const l = this.listeners.get(key);
      if (!l) {
        client.refused();
        return;
      }
      const server = new ServerEnd(this, this.nextClientPort++, port, client);
      l.onConnection(server);
      this.deliver(() => client.connected(server));
    });
    return client;
  }
}
