import { connect, type Socket } from 'node:net';
import {
  BinaryOutputArchive,
  ConnectRequest,
  ConnectResponse,
  FrameDecoder,
  ReplyHeader,
  RequestHeader,
  WatcherEvent,
  decode,
  encode,
  type JuteRecord,
} from '../../lib/jute';
import { BinaryInputArchive } from '../../lib/jute/binary-input-archive';
import { OpCode, Xid, opName } from '../../lib/protocol';
import { settleWithin } from './four-letter';

/**
 * A deliberately small ZooKeeper client speaking raw jute, for tests that must see the
 * wire as it is: every reply header (xid, zxid, err), the exact body bytes, and every
 * notification in arrival order. It hides nothing and retries nothing.
 */
export interface RawConnectOptions {
  /** Requested session timeout, ms. */
  timeout?: number;
  /** Reattach to this session (with `passwd`). */
  sessionId?: bigint;
  passwd?: Buffer;
  lastZxidSeen?: bigint;
  readOnly?: boolean;
  /** Send a ping after timeout/3 of silence (default true); off to let a session expire. */
  autoPing?: boolean;
  /** Give up on the handshake after this long (default 5 s). */
  connectTimeoutMs?: number;
}

export interface Reply {
  xid: number;
  zxid: bigint;
  err: number;
  /** The bytes after the ReplyHeader (often empty when err != 0). */
  body: Buffer;
}

export interface Event {
  type: number;
  state: number;
  path: string | null;
}

/** What arrived on the connection, in order: notifications and (non-silent) replies. */
export type Arrival = { kind: 'event'; event: Event } | { kind: 'reply'; xid: number; op: number };

export class ConnectionClosedError extends Error {
  constructor(what: string) {
    super(`connection closed before ${what}`);
    this.name = 'ConnectionClosedError';
  }
}

const REPLY_TIMEOUT_MS = 15000;

interface Pending {
  op: number;
  silent: boolean;
  resolve: (r: Reply) => void;
  reject: (e: Error) => void;
}

export class RawClient {
  readonly events: Event[] = [];
  readonly arrivals: Arrival[] = [];
  /** The highest zxid seen in a reply header (what a real client sends as lastZxidSeen). */
  lastZxid = 0n;
  closed = false;
  readonly closedPromise: Promise<void>;
  private xid = 1;
  private readonly pending = new Map<number, Pending[]>();
  private readonly decoder = new FrameDecoder(Number.MAX_SAFE_INTEGER);
  private handshake: ((body: Buffer) => void) | null = null;
  private eventListeners: ((e: Event) => void)[] = [];
  private pingTimer: NodeJS.Timeout | null = null;
  private lastSend = Date.now();
  session!: ConnectResponse;
  readOnlyFlag: boolean | null = null;

  private constructor(
    readonly socket: Socket,
    private autoPing: boolean,
  ) {
    let onClosed!: () => void;
    this.closedPromise = new Promise((r) => (onClosed = r));
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.stopPing();
      for (const [, list] of this.pending) for (const p of list) p.reject(new ConnectionClosedError(`reply to ${p.op}`));
      this.pending.clear();
      onClosed();
    });
  }

  /** Opens a TCP connection without the ZooKeeper handshake (for bad-input tests). */
  static open(host: string, port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const sock = connect({ host, port });
      sock.setNoDelay(true);
      sock.once('error', reject);
      sock.once('connect', () => {
        sock.off('error', reject);
        resolve(new RawClient(sock, false));
      });
    });
  }

  /** Opens a connection and performs the handshake; a refused session resolves too (timeOut 0). */
  static async connect(host: string, port: number, opts: RawConnectOptions = {}): Promise<RawClient> {
    const c = await RawClient.open(host, port);
    c.autoPing = opts.autoPing ?? true;
    try {
      await c.handshakeWith(opts);
    } catch (e) {
      c.destroy();
      throw e;
    }
    return c;
  }

  get sessionId(): bigint {
    return this.session.sessionId;
  }

  /** A server that refuses a session (expired, bad password) answers timeOut 0 and closes. */
  get sessionRefused(): boolean {
    return this.session.timeOut <= 0;
  }

  async handshakeWith(opts: RawConnectOptions): Promise<ConnectResponse> {
    const req = new ConnectRequest({
      protocolVersion: 0,
      lastZxidSeen: opts.lastZxidSeen ?? 0n,
      timeOut: opts.timeout ?? 4000,
      sessionId: opts.sessionId ?? 0n,
      passwd: opts.passwd ?? Buffer.alloc(16),
    });
    const oa = new BinaryOutputArchive();
    const at = oa.beginFrame();
    req.serialize(oa);
    oa.writeBool(opts.readOnly ?? false, 'readOnly');
    oa.endFrame(at);
    const body = await new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('no ConnectResponse within the connect timeout')),
        opts.connectTimeoutMs ?? 5000,
      );
      this.handshake = (b) => {
        clearTimeout(timer);
        resolve(b);
      };
      this.closedPromise.then(() => {
        clearTimeout(timer);
        reject(new ConnectionClosedError('the ConnectResponse'));
      });
      this.sendRaw(Buffer.from(oa.toBuffer()));
    });
    const ia = new BinaryInputArchive(body);
    this.session = ConnectResponse.deserialize(ia);
    this.readOnlyFlag = ia.remaining > 0 ? ia.readBool() : null;
    if (this.autoPing && !this.sessionRefused) this.startPing(this.session.timeOut);
    return this.session;
  }

  onEvent(cb: (e: Event) => void): () => void {
    this.eventListeners.push(cb);
    return () => {
      this.eventListeners = this.eventListeners.filter((l) => l !== cb);
    };
  }

  /** Resolves with the next notification matching `pred` (including ones already seen if `fromIndex` given). */
  waitForEvent(pred: (e: Event) => boolean, timeoutMs = 5000, fromIndex?: number): Promise<Event> {
    if (fromIndex !== undefined) {
      const seen = this.events.slice(fromIndex).find(pred);
      if (seen) return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no matching notification within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.onEvent((e) => {
        if (!pred(e)) return;
        clearTimeout(timer);
        off();
        resolve(e);
      });
    });
  }

  nextXid(): number {
    return this.xid++;
  }

  /**
   * Sends one request and resolves with its reply. `xid` defaults to the next counter
   * value; special xids (auth -4, setWatches -8, ping -2) are matched in FIFO order.
   * A silent request's reply is left out of `arrivals` (barriers, keep-alives).
   */
  request(op: number, body: JuteRecord | null, opts: { xid?: number; silent?: boolean } = {}): Promise<Reply> {
    return this.requestBytes(op, body ? encode(body) : Buffer.alloc(0), opts);
  }

  /** Sends a pre-encoded request body (e.g. a multi, or deliberately bad bytes) after a RequestHeader. */
  requestBytes(op: number, body: Buffer, opts: { xid?: number; silent?: boolean } = {}): Promise<Reply> {
    if (this.closed) return Promise.reject(new ConnectionClosedError(`sending ${op}`));
    const xid = opts.xid ?? this.nextXid();
    const hdr = encode(new RequestHeader({ xid, type: op }));
    const len = Buffer.alloc(4);
    len.writeInt32BE(hdr.length + body.length);
    const frame = Buffer.concat([len, hdr, body]);
    return new Promise((resolve, reject) => {
      // A server that never answers must fail the test with a reason, not hang it.
      const timer = setTimeout(() => {
        const list = this.pending.get(xid);
        const at = list?.indexOf(entry) ?? -1;
        if (at !== -1) list!.splice(at, 1);
        reject(new Error(`no reply to ${opName(op)} (xid ${xid}) within ${REPLY_TIMEOUT_MS} ms`));
      }, REPLY_TIMEOUT_MS);
      const entry: Pending = {
        op,
        silent: opts.silent ?? false,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const list = this.pending.get(xid) ?? [];
      list.push(entry);
      this.pending.set(xid, list);
      this.sendRaw(frame);
    });
  }

  sendRaw(bytes: Buffer): void {
    this.lastSend = Date.now();
    if (!this.closed) this.socket.write(bytes);
  }

  /** Ends the session politely: closeSession, its reply, then the server closes the socket. */
  async closeSession(): Promise<Reply> {
    const reply = await this.request(OpCode.closeSession, null);
    await settleWithin(this.closedPromise, 2000);
    this.destroy();
    return reply;
  }

  /** Drops the TCP connection without ending the session. */
  destroy(): void {
    this.stopPing();
    this.socket.destroy();
  }

  /** Waits for the server to close the connection; false if it is still open after `ms`. */
  async waitClosed(ms: number): Promise<boolean> {
    await settleWithin(this.closedPromise, ms);
    return this.closed;
  }

  private startPing(timeout: number): void {
    const every = Math.max(50, Math.floor(timeout / 3));
    this.pingTimer = setInterval(() => {
      if (this.closed || Date.now() - this.lastSend < every) return;
      this.request(OpCode.ping, null, { xid: Xid.ping, silent: true }).catch(() => undefined);
    }, Math.max(25, Math.floor(every / 2)));
    this.pingTimer.unref();
  }

  private stopPing(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  private onData(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.decoder.push(chunk);
    } catch {
      this.socket.destroy();
      return;
    }
    for (const f of frames) this.onFrame(f);
  }

  private onFrame(frame: Buffer): void {
    if (this.handshake) {
      const h = this.handshake;
      this.handshake = null;
      h(frame);
      return;
    }
    const ia = new BinaryInputArchive(frame);
    const hdr = ReplyHeader.deserialize(ia);
    if (hdr.zxid > this.lastZxid) this.lastZxid = hdr.zxid;
    const body = frame.subarray(ia.offset);
    if (hdr.xid === Xid.notification) {
      const we = decode(WatcherEvent, body);
      const event = { type: we.type, state: we.state, path: we.path };
      this.events.push(event);
      this.arrivals.push({ kind: 'event', event });
      for (const l of [...this.eventListeners]) l(event);
      return;
    }
    const list = this.pending.get(hdr.xid);
    const p = list?.shift();
    if (list && list.length === 0) this.pending.delete(hdr.xid);
    if (!p) {
      this.arrivals.push({ kind: 'reply', xid: hdr.xid, op: -999 });
      return;
    }
    if (!p.silent) this.arrivals.push({ kind: 'reply', xid: hdr.xid, op: p.op });
    p.resolve({ xid: hdr.xid, zxid: hdr.zxid, err: hdr.err, body: Buffer.from(body) });
  }
}
