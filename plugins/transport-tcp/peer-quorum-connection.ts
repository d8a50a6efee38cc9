import * as net from 'node:net';
import { Observable, Subject, type Subscriber } from 'rxjs';
import {
  PeerTransportError,
  type PeerTransportErrorCode,
  type QuorumConnectOptions,
  type QuorumConnection,
  type QuorumListenOptions,
  type QuorumListener,
} from '../../lib/transport/peer-transport';

let nextConnectionId = 1;

/** How long a closed connection may take to flush what was written before it is cut. */
const CLOSE_FLUSH_MS = 2000;
/** Up to this much of one turn's packets is copied into one buffer; more goes by writev. */
const COALESCE_MAX_BYTES = 256 * 1024;

/** A socket error as the transport's error codes. */
export function peerErrorCode(e: NodeJS.ErrnoException): PeerTransportErrorCode {
  switch (e.code) {
    case 'ECONNREFUSED':
    case 'ETIMEDOUT':
    case 'EADDRINUSE':
    case 'ECONNRESET':
      return e.code;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'ECONNREFUSED';
    default:
      return 'ECONNRESET';
  }
}

/**
 * A learner ↔ leader socket. The bytes are ZAB's own (jute QuorumPackets back to back,
 * no frame: Learner.writePacket and LearnerHandler write them with
 * BinaryOutputArchive.writeRecord on a BufferedOutputStream), so this only moves them.
 * Reading is paused until someone subscribes, which keeps early bytes in the kernel.
 */
export class TcpQuorumConnection implements QuorumConnection {
  readonly id = nextConnectionId++;
  readonly remoteAddress: string;
  readonly data$: Observable<Buffer>;
  private subscriber: Subscriber<Buffer> | null = null;
  private subscribed = false;
  /** undefined while open; null once ended cleanly; the error when it broke. */
  private ended: Error | null | undefined = undefined;
  private open = true;
  /** Written this turn, not yet handed to the socket. */
  private outgoing: Buffer[] = [];
  private outgoingBytes = 0;
  private flushScheduled = false;
  /**
   * The buffer a turn's packets are copied into: a fresh one per turn was new memory
   * outside V8's heap (a leader's proposals again, once per follower), and every 64 MB of
   * that starts a mark-compact of the whole tree. Out while a write holds a view of it;
   * a turn that finds it out copies into a buffer of its own, as before.
   */
  private coalesce: Buffer | null = null;
  private coalesceOut = false;

  constructor(private readonly socket: net.Socket) {
    const host = socket.remoteAddress ?? '?';
    this.remoteAddress = `${host.startsWith('::ffff:') ? host.slice(7) : host}:${socket.remotePort ?? 0}`;
    socket.setNoDelay(true);
    socket.pause();
    socket.on('data', (d: Buffer) => this.subscriber?.next(d));
    socket.on('error', (e: NodeJS.ErrnoException) => this.finish(new PeerTransportError(peerErrorCode(e), `${this.remoteAddress}: ${e.message}`)));
    socket.on('end', () => this.finish(null));
    socket.on('close', (hadError) =>
      this.finish(hadError ? new PeerTransportError('ECONNRESET', `connection to ${this.remoteAddress} broke`) : null),
    );
    this.data$ = new Observable<Buffer>((o) => {
      if (this.subscribed) {
        o.error(new Error(`quorum connection ${this.id}: data$ is unicast and already has a subscriber`));
        return;
      }
      this.subscribed = true;
      // Reading is paused until now, so a clean end cannot have been seen before bytes
      // that came ahead of it; an end here is a local close or a broken connection.
      if (this.ended !== undefined) return void (this.ended ? o.error(this.ended) : o.complete());
      this.subscriber = o;
      socket.resume();
      return () => {
        if (this.subscriber === o) this.subscriber = null;
      };
    });
  }

  get isOpen(): boolean {
    return this.open;
  }

  /**
   * Everything written in one turn of the event loop (a proposal to every follower, the
   * COMMITs that a batch of ACKs completed, a DIFF's run of txns) leaves in one write when
   * that turn's I/O callbacks are done (setImmediate), as Java's LearnerHandler flushes its
   * BufferedOutputStream only when its queue runs dry. Flushing per callback (nextTick)
   * sent a leader under load several small writes per turn to each follower, each a
   * syscall and a wake-up of the follower.
   */
  write(data: Buffer): void {
    const s = this.socket;
    if (!this.open || s.destroyed || s.writableEnded || data.length === 0) return;
    this.outgoing.push(data);
    this.outgoingBytes += data.length;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flush);
    }
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    const chunks = this.outgoing;
    const bytes = this.outgoingBytes;
    if (chunks.length === 0) return;
    this.outgoing = [];
    this.outgoingBytes = 0;
    const s = this.socket;
    if (s.destroyed || s.writableEnded) return;
    if (chunks.length === 1) {
      s.write(chunks[0]);
    } else if (bytes <= COALESCE_MAX_BYTES) {
      if (this.coalesceOut) {
        s.write(Buffer.concat(chunks, bytes));
      } else {
        const buf = (this.coalesce ??= Buffer.allocUnsafeSlow(COALESCE_MAX_BYTES));
        let at = 0;
        for (const c of chunks) at += c.copy(buf, at);
        this.coalesceOut = true;
        s.write(buf.subarray(0, bytes), () => {
          this.coalesceOut = false;
        });
      }
    } else {
      // Big runs (a SNAP's snapshot chunks) go as they are: one writev, no copy.
      s.cork();
      for (const c of chunks) s.write(c);
      s.uncork();
    }
  };

  /**
   * After this turn's flush (a setImmediate queued later than the flush's), and then,
   * if the socket's buffer is over its high-water mark, after it drains or closes.
   */
  whenWritable(): Promise<void> {
    return new Promise((resolve) => {
      setImmediate(() => {
        const s = this.socket;
        if (!this.open || s.destroyed || !s.writableNeedDrain) return resolve();
        const done = (): void => {
          s.off('drain', done);
          s.off('close', done);
          resolve();
        };
        s.on('drain', done);
        s.on('close', done);
      });
    });
  }

  /** Sends what was written, then FIN; the socket is cut if the other side does not follow. */
  close(): void {
    if (!this.open && this.ended !== undefined) return;
    this.open = false;
    const s = this.socket;
    this.flush();
    if (!s.destroyed) {
      s.end();
      setTimeout(() => s.destroy(), CLOSE_FLUSH_MS).unref();
    }
    this.finish(null);
  }

  private finish(err: Error | null): void {
    this.open = false;
    if (this.ended !== undefined) return;
    this.ended = err;
    const o = this.subscriber;
    this.subscriber = null;
    if (o) err ? o.error(err) : o.complete();
  }
}

/** Where learners connect while this server leads (LearnerCnxAcceptor). */
export async function listenQuorumTcp(opts: QuorumListenOptions): Promise<QuorumListener> {
  const connections = new Subject<QuorumConnection>();
  const server = net.createServer((s) => {
    if (connections.observed) connections.next(new TcpQuorumConnection(s));
    else s.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new PeerTransportError(peerErrorCode(e), `quorum port ${opts.address.host}:${opts.address.port}: ${e.message}`)),
    );
    server.listen(opts.address.port, opts.address.host, () => resolve());
  });
  server.on('error', () => undefined);
  const bound = server.address() as net.AddressInfo;
  let closed = false;
  return {
    address: { host: opts.address.host, port: bound.port },
    connections$: connections.asObservable(),
    close: async () => {
      if (closed) return;
      closed = true;
      // Stop accepting now; server.close's callback would wait for the accepted sockets.
      server.close();
      connections.complete();
    },
  };
}

/** One try to reach the leader's quorum port (Learner.sockConnect); the retries are Learner's. */
export function connectQuorumTcp(opts: QuorumConnectOptions): Promise<QuorumConnection> {
  return new Promise((resolve, reject) => {
    const where = `${opts.address.host}:${opts.address.port}`;
    const s = net.connect({ host: opts.address.host, port: opts.address.port });
    let done = false;
    const fail = (e: PeerTransportError) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      reject(e);
    };
    const timer = setTimeout(() => fail(new PeerTransportError('ETIMEDOUT', `connect ${where} timed out after ${opts.timeoutMs} ms`)), Math.max(1, opts.timeoutMs));
    s.once('error', (e: NodeJS.ErrnoException) => fail(new PeerTransportError(peerErrorCode(e), `connect ${where}: ${e.message}`)));
    s.once('connect', () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.removeAllListeners('error');
      resolve(new TcpQuorumConnection(s));
    });
  });
}
