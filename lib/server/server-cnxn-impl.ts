import type { Subscription } from 'rxjs';
import type { Logger } from '../core/logger';
import type { WatchedEvent } from '../data/watcher';
import { BinaryInputArchive } from '../jute/binary-input-archive';
import { FrameDecoder, encodeTransientFrame, encodeTransientFrameHead, preEncodedOf } from '../jute/codec';
import { JuteError } from '../jute/errors';
import { ClientInfo, Id } from '../jute/records/data';
import { ConnectRequest, ReplyHeader, RequestHeader, WatcherEvent } from '../jute/records/proto';
import type { JuteRecord } from '../jute/types';
import { Xid } from '../protocol/op-code';
import type { ClientConnection } from '../transport/client-transport';
import { fourLetterWordOf, type FourLetterWordConnection } from './four-letter-word-hook';
import type { ServerCnxn } from './server-cnxn';
import { CnxnStats } from './cnxn-stats';
import { hex } from './session-tracker';
import type { ZooKeeperServer } from './zookeeper-server';

/** Why a connection stopped reading; it reads again when no reason is left. */
export const RecvBlock = {
  /** ConnectRequest seen, session not yet established (Java's disableRecv in processConnectRequest). */
  SESSION_INIT: 1,
  /** Too many requests of this connection in the server (per connection or globally). */
  OUTSTANDING: 2,
  /** The socket's write buffer is full: the client is not reading its answers. */
  WRITE: 4,
} as const;

/** A connection that must be closed, with the reason for the log (Java's CloseRequestException). */
export class CloseRequestError extends Error {
  override name = 'CloseRequestError';
}

const closeGraceMs = 2000;
/** Pre-encoded bodies shorter than this are copied into the reply like any other. */
const PRE_ENCODED_MIN = 1024;

/** The last watch notification's frame (shared: connections only read what they send). */
let lastEventFrame: Buffer | null = null;
let lastEventType = 0;
let lastEventState = 0;
let lastEventPath: string | null = null;

/**
 * One client connection: ZooKeeper's NIOServerCnxn over any ClientConnection. It frames
 * the byte stream (FrameDecoder with jute.maxbuffer), recognises a four-letter word in
 * place of the first length, reads the ConnectRequest (and the trailing read-only flag
 * that 3.8's jute leaves out of the record), then turns each RequestHeader + body into a
 * Request for the server. Replies and watch notifications go out in the order the server
 * produces them. Anything malformed closes this connection only, with the reason logged.
 */
export class ServerCnxnImpl implements ServerCnxn, FourLetterWordConnection {
  sessionId = 0n;
  sessionTimeout: number;
  /**
   * Replaced, never changed in place, on addAuthInfo: a Request holds the list its
   * connection had when it arrived (Java copies it per request) without a copy each.
   */
  authInfo: Id[] = [];
  /** A pre-3.3 client that sends no read-only flag and must get none back. */
  isOldClient = true;
  /** The ConnectRequest has been read. */
  initialized = false;
  readonly stats: CnxnStats;
  readonly remoteAddress: string;
  readonly remotePort: number;
  private readonly decoder: FrameDecoder;
  /** Frames read but not yet handled (reading is paused); `inboxHead` avoids Array.shift. */
  private inbox: Buffer[] = [];
  private inboxHead = 0;
  private head: Buffer | null = Buffer.alloc(0);
  private recvBlocked = 0;
  private outstanding = 0;
  private closed = false;
  private closeTimer: Subscription | null = null;
  private fourLetterWord: { want: number; got: Buffer; resolve(b: Buffer): void; reject(e: Error): void } | null = null;
  private inFourLetterWord = false;

  constructor(
    readonly conn: ClientConnection,
    private readonly zks: ZooKeeperServer,
    private readonly log: Logger,
  ) {
    this.remoteAddress = conn.remoteAddress;
    this.remotePort = conn.remotePort;
    this.sessionTimeout = zks.cnxnFactory.sessionlessCnxnTimeout;
    this.decoder = new FrameDecoder(zks.juteMaxBuffer);
    this.stats = new CnxnStats(zks.clock.now());
    this.addAuthInfo(new Id({ scheme: 'ip', id: this.remoteAddress }));
    conn.onData((chunk) => this.onData(chunk));
    conn.onEnd(() => this.onEnd());
    conn.onClose(() => this.onSocketClosed());
    conn.onDrain(() => this.unblock(RecvBlock.WRITE));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get outstandingRequests(): number {
    return this.outstanding;
  }

  get interestOps(): number {
    // Java prints the selector interest (1 = read, 4 = write) in `cons`.
    return this.closed ? 0 : this.recvBlocked === 0 ? 1 : 0;
  }

  toString(): string {
    return `${this.remoteAddress}:${this.remotePort} session ${hex(this.sessionId)}`;
  }

  // ---- reading ----

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.zks.cnxnFactory.touchCnxn(this);
    if (this.inFourLetterWord) return this.feedFourLetterWord(chunk);
    if (this.head !== null) {
      // Until four bytes are in, the first "length" may be a four-letter word.
      this.head = Buffer.concat([this.head, chunk]);
      if (this.head.length < 4) return;
      chunk = this.head;
      this.head = null;
      const word = fourLetterWordOf(chunk);
      if (word !== null && this.zks.fourLetterWords?.isFourLetterWord(word)) {
        this.runFourLetterWord(word, chunk.subarray(4));
        return;
      }
    }
    let frames: Buffer[];
    try {
      frames = this.decoder.push(chunk);
    } catch (e) {
      // Java: "Len error. A message from … with advertised length of … is either a
      // malformed message or too large to process".
      this.close(`len error: ${(e as Error).message}`);
      return;
    }
    for (const f of frames) this.inbox.push(f);
    this.drainInbox();
  }

  private drainInbox(): void {
    while (this.recvBlocked === 0 && this.inboxHead < this.inbox.length && !this.closed) {
      const frame = this.inbox[this.inboxHead++];
      this.zks.serverStats.incrementPacketsReceived();
      this.stats.packetsReceived++;
      try {
        if (!this.initialized) this.readConnectRequest(frame);
        else this.readRequest(frame);
      } catch (e) {
        const reason = e instanceof JuteError ? `malformed packet: ${e.message}` : (e as Error).message;
        if (!(e instanceof JuteError) && !(e instanceof CloseRequestError)) {
          this.log.warn({ err: e, cnxn: this.toString() }, 'unexpected error handling a packet');
        }
        this.close(reason);
        return;
      }
    }
    if (this.inboxHead === this.inbox.length) {
      this.inbox = [];
      this.inboxHead = 0;
    } else if (this.inboxHead > 1024) {
      this.inbox = this.inbox.slice(this.inboxHead);
      this.inboxHead = 0;
    }
  }

  private readConnectRequest(frame: Buffer): void {
    if (!this.zks.isRunning()) throw new CloseRequestError('ZooKeeperServer not running');
    const ia = new BinaryInputArchive(frame, this.zks.juteMaxBuffer);
    const req = ConnectRequest.deserialize(ia);
    let readOnly = false;
    if (ia.remaining >= 1) {
      readOnly = ia.readBool();
      this.isOldClient = false;
    }
    this.initialized = true;
    this.zks.processConnectRequest(this, req, readOnly);
  }

  private readRequest(frame: Buffer): void {
    const ia = new BinaryInputArchive(frame, this.zks.juteMaxBuffer);
    const h = RequestHeader.deserialize(ia);
    if (h.xid > 0) {
      this.outstanding++;
      if (this.zks.shouldThrottle(this.outstanding)) this.block(RecvBlock.OUTSTANDING);
    }
    this.zks.processPacket(this, h, frame.subarray(ia.offset));
  }

  private onEnd(): void {
    if (this.closed || this.inFourLetterWord) return;
    // Java reads -1 and closes: the client is gone, answers would go nowhere.
    this.close('client closed its end of the connection');
  }

  private onSocketClosed(): void {
    this.fourLetterWord?.reject(new Error('connection closed'));
    this.fourLetterWord = null;
    this.closeTimer?.unsubscribe();
    if (!this.closed) this.close('connection reset by client');
    this.zks.cnxnFactory.removeCnxn(this);
  }

  // ---- flow control ----

  block(reason: number): void {
    const was = this.recvBlocked;
    this.recvBlocked |= reason;
    if (was === 0 && !this.closed) this.conn.pause();
  }

  unblock(reason: number): void {
    if ((this.recvBlocked & reason) === 0) return;
    this.recvBlocked &= ~reason;
    if (this.recvBlocked === 0 && !this.closed) {
      this.conn.resume();
      this.drainInbox();
    }
  }

  disableRecv(): void {
    this.block(RecvBlock.SESSION_INIT);
  }

  enableRecv(): void {
    this.unblock(RecvBlock.SESSION_INIT);
  }

  // ---- writing ----

  sendResponse(header: ReplyHeader, body: JuteRecord | null): void {
    if (this.closed) return;
    const tail = body !== null ? preEncodedOf(body) : null;
    let size: number;
    if (tail !== null && tail.length >= PRE_ENCODED_MIN) {
      // A large body the server keeps encoded (a wide node's children) follows the
      // frame's head as it is: one shared buffer, no per-reply serialize and copy.
      const head = encodeTransientFrameHead(tail.length, header);
      this.sendBuffer(head, tail);
      size = head.length + tail.length;
    } else {
      const bytes = body ? encodeTransientFrame(header, body) : encodeTransientFrame(header);
      this.sendBuffer(bytes);
      size = bytes.length;
    }
    this.zks.serverStats.updateClientResponseSize(size - 4);
    if (header.xid > 0) {
      this.outstanding--;
      if (!this.zks.shouldThrottle(this.outstanding)) this.unblock(RecvBlock.OUTSTANDING);
    }
  }

  /** Writes a whole frame (the ConnectResponse is written this way), or its two parts. */
  sendBuffer(bytes: Buffer, rest: Buffer | null = null): void {
    if (this.closed) return;
    this.zks.serverStats.incrementPacketsSent();
    this.stats.packetsSent++;
    let ok = this.conn.write(bytes);
    if (rest !== null) ok = this.conn.write(rest) && ok;
    if (!ok) this.block(RecvBlock.WRITE);
  }

  /** A watch event: xid -1, zxid -1 (as 3.8 sends it), err 0, then the WatcherEvent. */
  process(event: WatchedEvent): void {
    if (this.closed) return;
    // One event usually goes to many watchers in a row (a fan-out): its frame depends on
    // type, state and path only, so it is encoded once and the same bytes sent to each.
    let frame = lastEventFrame;
    if (frame === null || event.type !== lastEventType || event.state !== lastEventState || event.path !== lastEventPath) {
      const h = new ReplyHeader({ xid: Xid.notification, zxid: -1n, err: 0 });
      frame = encodeTransientFrame(h, new WatcherEvent({ type: event.type, state: event.state, path: event.path }));
      lastEventFrame = frame;
      lastEventType = event.type;
      lastEventState = event.state;
      lastEventPath = event.path;
    }
    this.sendBuffer(frame);
    this.zks.serverStats.updateClientResponseSize(frame.length - 4);
  }

  /** Java's sendCloseSession: what was queued is still sent, then the connection closes. */
  sendCloseSession(reason = 'session closed'): void {
    this.close(reason);
  }

  // ---- ServerCnxn ----

  addAuthInfo(id: Id): void {
    if (!this.authInfo.some((a) => a.scheme === id.scheme && a.id === id.id)) this.authInfo = [...this.authInfo, id];
  }

  clientInfo(): ClientInfo[] {
    return this.authInfo.map((id) => {
      const user = this.zks.authProviders.get(id.scheme)?.getUserName(id.id ?? '') ?? null;
      return new ClientInfo({ authScheme: id.scheme, user: user ?? '' });
    });
  }

  setSessionId(id: bigint): void {
    this.sessionId = id;
    this.zks.cnxnFactory.addSession(id, this);
  }

  setSessionTimeout(timeout: number): void {
    this.sessionTimeout = timeout;
    this.zks.cnxnFactory.touchCnxn(this);
  }

  /**
   * Closes the connection: bytes already queued are still flushed (so an AUTHFAILED or a
   * closeSession reply reaches the client), then the socket is ended; a peer that never
   * finishes closing is cut off after a grace period.
   */
  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.inbox = [];
    this.inboxHead = 0;
    this.log.info(
      { remote: `${this.remoteAddress}:${this.remotePort}`, sessionId: hex(this.sessionId), reason },
      'closing client connection',
    );
    this.zks.cnxnFactory.removeCnxn(this);
    this.conn.end();
    this.closeTimer = this.zks.clock.schedule(() => this.conn.destroy(), closeGraceMs);
  }

  /** Server shutdown: no grace. */
  destroy(reason: string): void {
    if (!this.closed) {
      this.closed = true;
      this.log.debug({ sessionId: hex(this.sessionId), reason }, 'dropping client connection');
      this.zks.cnxnFactory.removeCnxn(this);
    }
    this.closeTimer?.unsubscribe();
    this.conn.destroy();
  }

  // ---- four-letter words ----

  private runFourLetterWord(word: string, rest: Buffer): void {
    this.inFourLetterWord = true;
    this.zks.serverStats.incrementPacketsReceived();
    this.pending4lwBytes = rest;
    this.log.info({ word, remote: `${this.remoteAddress}:${this.remotePort}` }, 'processing four-letter word');
    Promise.resolve()
      .then(() => this.zks.fourLetterWords!.handle(word, this.zks, this))
      .then(
        (answer) => {
          if (!this.closed) {
            this.sendBuffer(Buffer.from(answer, 'utf8'));
            this.close(`answered ${word}`);
          }
        },
        (err: unknown) => {
          this.log.warn({ err, word }, 'four-letter word failed');
          this.close(`four-letter word ${word} failed`);
        },
      );
  }

  private pending4lwBytes: Buffer = Buffer.alloc(0);

  readBytes(n: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new Error('connection closed'));
      this.fourLetterWord = { want: n, got: Buffer.alloc(0), resolve, reject };
      const early = this.pending4lwBytes;
      this.pending4lwBytes = Buffer.alloc(0);
      this.feedFourLetterWord(early);
    });
  }

  private feedFourLetterWord(chunk: Buffer): void {
    const w = this.fourLetterWord;
    if (!w) {
      this.pending4lwBytes = Buffer.concat([this.pending4lwBytes, chunk]);
      return;
    }
    w.got = Buffer.concat([w.got, chunk]);
    if (w.got.length >= w.want) {
      this.fourLetterWord = null;
      w.resolve(w.got.subarray(0, w.want));
    }
  }
}
