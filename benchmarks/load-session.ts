import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { BinaryInputArchive, BinaryOutputArchive, ConnectRequest, ConnectResponse, FrameDecoder } from '../lib/jute';
import { Code, OpCode, Xid } from '../lib/protocol';

/**
 * A deliberately minimal ZooKeeper session for load generation: raw jute frames over one
 * socket, requests pipelined, replies matched by order (ZooKeeper answers a session's
 * requests in the order sent) and checked by xid. It decodes only reply headers, so the
 * generator spends its CPU sending and timing rather than parsing bodies it ignores.
 */
export interface LoadSessionOptions {
  /** Requested session timeout, ms. */
  sessionTimeoutMs?: number;
  /** Give up on TCP connect + handshake after this long. */
  connectTimeoutMs?: number;
}

export class SessionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SessionError';
  }
}

/** Called for each reply: its error code, the latency in ms, and the tag given at send. */
export type ReplyHandler = (err: number, latencyMs: number, tag: number) => void;
/** Called for each watch notification with the monotonic time (ns) it was read. */
export type EventHandler = (type: number, path: string | null, atNs: bigint) => void;

const HEADER = 12; // length prefix + xid + type

function writeHeader(frame: Buffer, bodyLength: number, xid: number, type: number): void {
  frame.writeInt32BE(HEADER - 4 + bodyLength, 0);
  frame.writeInt32BE(xid, 4);
  frame.writeInt32BE(type, 8);
}

export class LoadSession {
  onReply: ReplyHandler = () => undefined;
  onEvent: EventHandler = () => undefined;
  /** Called once when the connection fails or the server closes it (not after close()). */
  onFailure: (e: Error) => void = () => undefined;
  /** Set when the connection fails or closes unexpectedly. */
  failure: Error | null = null;
  closed = false;
  sessionId = 0n;
  negotiatedTimeoutMs = 0;

  private xid = 1;
  // A ring of (xid, start time, tag) for requests in flight, in send order.
  private cap = 64;
  private head = 0;
  private count = 0;
  private xids = new Int32Array(this.cap);
  private starts = new Float64Array(this.cap);
  private tags = new Int32Array(this.cap);
  private types = new Int32Array(this.cap);
  private readonly decoder = new FrameDecoder(64 * 1024 * 1024);
  private handshake: ((frame: Buffer) => void) | null = null;
  private closeReply: (() => void) | null = null;
  private lastSend = performance.now();
  private pingTimer: NodeJS.Timeout | null = null;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => {
      this.stopPing();
      if (!this.closed) this.fail(new SessionError('the server closed the connection'));
      this.closed = true;
    });
  }

  get inFlight(): number {
    return this.count;
  }

  static connect(host: string, port: number, opts: LoadSessionOptions = {}): Promise<LoadSession> {
    const timeoutMs = opts.connectTimeoutMs ?? 10000;
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      const session = new LoadSession(socket);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new SessionError(`no session from ${host}:${port} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('error', (e) => {
        clearTimeout(timer);
        reject(new SessionError(`cannot connect to ${host}:${port}: ${e.message}`));
      });
      socket.once('close', () => {
        clearTimeout(timer);
        reject(new SessionError(`${host}:${port} closed the connection during the handshake`));
      });
      session.handshake = (frame) => {
        clearTimeout(timer);
        const ia = new BinaryInputArchive(frame);
        const resp = ConnectResponse.deserialize(ia);
        if (resp.timeOut <= 0) {
          socket.destroy();
          reject(new SessionError(`${host}:${port} refused the session`));
          return;
        }
        session.sessionId = resp.sessionId;
        session.negotiatedTimeoutMs = resp.timeOut;
        session.startPing();
        resolve(session);
      };
      socket.once('connect', () => {
        const oa = new BinaryOutputArchive();
        const at = oa.beginFrame();
        new ConnectRequest({
          protocolVersion: 0,
          lastZxidSeen: 0n,
          timeOut: opts.sessionTimeoutMs ?? 30000,
          sessionId: 0n,
          passwd: Buffer.alloc(16),
        }).serialize(oa);
        oa.writeBool(false, 'readOnly');
        oa.endFrame(at);
        socket.write(Buffer.from(oa.toBuffer()));
      });
    });
  }

  /**
   * Sends one request whose body is already encoded, whole or as parts in order; `tag`
   * comes back with its reply.
   *
   * Why parts: a multi of 10 × 1 KiB concatenated and then copied into its frame cost
   * the generator two fresh 10 KiB buffers per request, a third of its CPU in copies and
   * the GC of that external memory. Parts go to the socket as they are, after a pooled
   * 12-byte header, and leave in one writev (corked here, nested in a caller's cork).
   */
  send(type: number, body: Buffer | readonly Buffer[], tag = 0): void {
    if (this.closed) return;
    const xid = this.xid++;
    this.push(xid, type, tag);
    this.lastSend = performance.now();
    if (Buffer.isBuffer(body)) {
      const frame = Buffer.allocUnsafe(HEADER + body.length);
      writeHeader(frame, body.length, xid, type);
      body.copy(frame, HEADER);
      this.socket.write(frame);
      return;
    }
    let length = 0;
    for (const part of body) length += part.length;
    const header = Buffer.allocUnsafe(HEADER);
    writeHeader(header, length, xid, type);
    this.socket.cork();
    this.socket.write(header);
    for (const part of body) this.socket.write(part);
    this.socket.uncork();
  }

  /** Batches the writes made until uncork into one syscall. */
  cork(): void {
    this.socket.cork();
  }

  uncork(): void {
    this.socket.uncork();
  }

  /** closeSession, then drop the socket once it is answered (or after `timeoutMs`). */
  close(timeoutMs = 5000): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.closed = true;
        this.stopPing();
        this.socket.destroy();
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.closeReply = done;
      this.socket.once('close', done);
      this.send(OpCode.closeSession, Buffer.alloc(0), -1);
    });
  }

  destroy(): void {
    this.closed = true;
    this.stopPing();
    this.socket.destroy();
  }

  private push(xid: number, type: number, tag: number): void {
    if (this.count === this.cap) this.grow();
    const i = (this.head + this.count) & (this.cap - 1);
    this.xids[i] = xid;
    this.types[i] = type;
    this.starts[i] = performance.now();
    this.tags[i] = tag;
    this.count++;
  }

  private grow(): void {
    const cap = this.cap * 2;
    const xids = new Int32Array(cap);
    const starts = new Float64Array(cap);
    const tags = new Int32Array(cap);
    const types = new Int32Array(cap);
    for (let k = 0; k < this.count; k++) {
      const i = (this.head + k) & (this.cap - 1);
      xids[k] = this.xids[i];
      types[k] = this.types[i];
      starts[k] = this.starts[i];
      tags[k] = this.tags[i];
    }
    this.xids = xids;
    this.starts = starts;
    this.tags = tags;
    this.types = types;
    this.cap = cap;
    this.head = 0;
  }

  private onData(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.decoder.push(chunk);
    } catch (e) {
      this.fail(e as Error);
      this.socket.destroy();
      return;
    }
    // Requests sent from reply handlers go out together, after this batch.
    this.socket.cork();
    try {
      for (const f of frames) this.onFrame(f);
    } finally {
      this.socket.uncork();
    }
  }

  private onFrame(frame: Buffer): void {
    if (this.handshake) {
      const h = this.handshake;
      this.handshake = null;
      h(frame);
      return;
    }
    const xid = frame.readInt32BE(0);
    let err = frame.readInt32BE(12);
    if (xid === Xid.notification) {
      // WatcherEvent: type, state, path (length-prefixed UTF-8).
      const type = frame.readInt32BE(16);
      const len = frame.readInt32BE(24);
      const path = len < 0 ? null : frame.toString('utf8', 28, 28 + len);
      this.onEvent(type, path, process.hrtime.bigint());
      return;
    }
    if (xid === Xid.ping) return;
    if (this.count === 0 || this.xids[this.head] !== xid) {
      const expected = this.count === 0 ? 'none' : String(this.xids[this.head]);
      this.fail(new SessionError(`reply out of order: xid ${xid}, expected ${expected}`));
      this.socket.destroy();
      return;
    }
    const start = this.starts[this.head];
    const tag = this.tags[this.head];
    if (err === 0 && this.types[this.head] === OpCode.multi) err = multiError(frame);
    this.head = (this.head + 1) & (this.cap - 1);
    this.count--;
    if (tag === -1 && this.closeReply) {
      this.closeReply();
      return;
    }
    this.onReply(err, performance.now() - start, tag);
  }

  private fail(e: Error): void {
    if (this.failure || this.closed) return;
    this.failure = e;
    this.onFailure(e);
  }

  private startPing(): void {
    const every = Math.max(100, Math.floor(this.negotiatedTimeoutMs / 3));
    this.pingTimer = setInterval(() => {
      if (this.closed || performance.now() - this.lastSend < every) return;
      this.lastSend = performance.now();
      const frame = Buffer.allocUnsafe(HEADER);
      frame.writeInt32BE(HEADER - 4, 0);
      frame.writeInt32BE(Xid.ping, 4);
      frame.writeInt32BE(OpCode.ping, 8);
      this.socket.write(frame);
    }, Math.floor(every / 2));
    this.pingTimer.unref();
  }

  private stopPing(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }
}

/**
 * A failed multi answers with header err 0 and an error result per op (ZooKeeper's
 * MultiResponse): the real error is the first that is neither OK nor the
 * RuntimeInconsistency given to the ops that were rolled back.
 */
export function multiError(frame: Buffer): number {
  let at = 16; // past the ReplyHeader
  if (frame.length < at + 9 || frame.readInt32BE(at) !== OpCode.error) return 0;
  let first = 0;
  while (at + 9 <= frame.length) {
    const type = frame.readInt32BE(at);
    const done = frame[at + 4] !== 0;
    if (done || type !== OpCode.error) break;
    const err = frame.readInt32BE(at + 5);
    if (first === 0 && err !== 0 && err !== Code.RUNTIMEINCONSISTENCY) first = err;
    at += 9 + 4; // MultiHeader, then ErrorResponse { err }
  }
  return first || Code.RUNTIMEINCONSISTENCY;
}
