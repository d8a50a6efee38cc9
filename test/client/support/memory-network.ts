import { VirtualAction, VirtualTimeScheduler } from 'rxjs';
import type { ClientSocket, ClientSocketFactory, ClientSocketHandlers } from '../../../lib/client';
import type { Clock } from '../../../lib/core/clock';
import { BinaryInputArchive, BinaryOutputArchive, ConnectRequest, ConnectResponse, FrameDecoder, type JuteRecord } from '../../../lib/jute';
import { OpCode, Xid } from '../../../lib/protocol';

/** RxJS's VirtualTimeScheduler as a Clock that a test moves by hand. */
export class VirtualClock extends VirtualTimeScheduler implements Clock {
  constructor() {
    super(VirtualAction, Infinity);
  }
  advanceBy(ms: number): void {
    const t = this.frame + ms;
    this.schedule(() => undefined, ms);
    this.maxFrames = t;
    this.flush();
    this.maxFrames = Infinity;
  }
}

/** Lets queued microtasks and immediates run (deliveries on the memory network are async). */
export function settle(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

export interface ReceivedRequest {
  xid: number;
  type: number;
  body: Buffer;
}

/**
 * The server end of one in-memory connection: frames in (decoded headers), bytes out. A
 * test answers requests itself, or lets FakeServer's defaults do it.
 */
export class ServerConnection {
  readonly requests: ReceivedRequest[] = [];
  connect: { request: ConnectRequest; readOnly: boolean | null } | null = null;
  closed = false;
  fourLetterWord: string | null = null;
  private readonly decoder = new FrameDecoder();

  constructor(
    private readonly client: ClientSocketHandlers,
    private readonly owner: FakeServer,
  ) {}

  receive(chunk: Buffer): void {
    if (this.connect === null && this.requests.length === 0 && chunk.length === 4 && /^[a-z]{4}$/.test(chunk.toString())) {
      this.fourLetterWord = chunk.toString();
      this.owner.onFourLetterWord(this, this.fourLetterWord);
      return;
    }
    for (const frame of this.decoder.push(chunk)) {
      const ia = new BinaryInputArchive(frame);
      if (this.connect === null) {
        const request = ConnectRequest.deserialize(ia);
        this.connect = { request, readOnly: ia.remaining > 0 ? ia.readBool() : null };
        this.owner.onConnect(this);
      } else {
        const req = { xid: ia.readInt(), type: ia.readInt(), body: frame.subarray(8) };
        this.requests.push(req);
        this.owner.onRequest(this, req);
      }
    }
  }

  /** Sends raw bytes to the client (delivered asynchronously, like a network). */
  sendRaw(bytes: Buffer): void {
    if (this.closed) return;
    queueMicrotask(() => !this.closed && this.client.onData(bytes));
  }

  sendFrame(...parts: ((oa: BinaryOutputArchive) => void)[]): void {
    const oa = new BinaryOutputArchive();
    const at = oa.beginFrame();
    for (const p of parts) p(oa);
    oa.endFrame(at);
    this.sendRaw(Buffer.from(oa.toBuffer()));
  }

  reply(xid: number, err = 0, body: JuteRecord | null = null, zxid = 0n): void {
    this.sendFrame((oa) => {
      oa.writeInt(xid);
      oa.writeLong(zxid);
      oa.writeInt(err);
      body?.serialize(oa);
    });
  }

  /** Closes from the server side, after what was already sent is delivered. */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    queueMicrotask(() => {
      if (this.closed) return;
      this.closed = true;
      this.owner.connections.delete(this);
      this.client.onClose();
    });
  }
  private closing = false;
}

export interface FakeServerOptions {
  /** Negotiated timeout to answer with (0 = session expired). Default: what was asked. */
  timeout?: number;
  readOnly?: boolean;
  /** Leave out the read-only byte, like a pre-3.4 server. */
  omitReadOnlyFlag?: boolean;
  /** Answer pings (default true). */
  answerPings?: boolean;
  /** Answer every other request with an empty OK reply (default true). */
  autoReply?: boolean;
  /** What "isro" gets (default "rw" unless readOnly). */
  isro?: string;
}

/** A scripted ZooKeeper server on the memory network. */
export class FakeServer {
  readonly connections = new Set<ServerConnection>();
  readonly all: ServerConnection[] = [];
  nextSessionId = 0x100n;

  constructor(public opts: FakeServerOptions = {}) {}

  accept(client: ClientSocketHandlers): ServerConnection {
    const c = new ServerConnection(client, this);
    this.connections.add(c);
    this.all.push(c);
    return c;
  }

  onConnect(c: ServerConnection): void {
    const req = c.connect!.request;
    const sessionId = req.sessionId !== 0n ? req.sessionId : this.nextSessionId++;
    const rsp = new ConnectResponse({ protocolVersion: 0, timeOut: this.opts.timeout ?? req.timeOut, sessionId, passwd: Buffer.alloc(16, 7) });
    c.sendFrame(
      (oa) => rsp.serialize(oa),
      (oa) => {
        if (!this.opts.omitReadOnlyFlag) oa.writeBool(this.opts.readOnly ?? false);
      },
    );
    if ((this.opts.timeout ?? 1) <= 0) c.close();
  }

  onRequest(c: ServerConnection, r: ReceivedRequest): void {
    if (r.type === OpCode.ping) {
      if (this.opts.answerPings !== false) c.reply(Xid.ping);
      return;
    }
    if (r.type === OpCode.auth) return c.reply(Xid.auth);
    if (this.opts.autoReply !== false) c.reply(r.xid);
  }

  onFourLetterWord(c: ServerConnection, word: string): void {
    if (word === 'isro') c.sendRaw(Buffer.from(this.opts.isro ?? (this.opts.readOnly ? 'ro' : 'rw')));
    c.close();
  }

  get last(): ServerConnection {
    return this.all[this.all.length - 1];
  }
}

/** A ClientSocketFactory whose hosts are FakeServers ("host:port" → server). */
export class MemoryNetwork implements ClientSocketFactory {
  readonly servers = new Map<string, FakeServer>();
  readonly attempts: string[] = [];

  add(address: string, server: FakeServer): FakeServer {
    this.servers.set(address, server);
    return server;
  }

  connect(host: string, port: number, handlers: ClientSocketHandlers): ClientSocket {
    const address = `${host}:${port}`;
    this.attempts.push(address);
    const server = this.servers.get(address);
    let conn: ServerConnection | null = null;
    let closed = false;
    queueMicrotask(() => {
      if (closed) return;
      if (!server) {
        closed = true;
        handlers.onClose(new Error(`connect ECONNREFUSED ${address}`));
        return;
      }
      conn = server.accept({
        onConnect: () => undefined,
        onData: (d) => !closed && handlers.onData(d),
        onClose: () => {
          if (closed) return;
          closed = true;
          handlers.onClose();
        },
      });
      handlers.onConnect();
    });
    return {
      remote: address,
      write: (data) => {
        const copy = Buffer.from(data);
        queueMicrotask(() => conn && !conn.closed && conn.receive(copy));
      },
      destroy: () => {
        if (closed) return;
        closed = true;
        if (conn) {
          conn.closed = true;
          server!.connections.delete(conn);
        }
        queueMicrotask(() => handlers.onClose());
      },
    };
  }
}
