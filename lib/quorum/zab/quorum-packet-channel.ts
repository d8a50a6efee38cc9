import type { Subscription } from 'rxjs';
import type { Clock } from '../../core/clock';
import type { DataTree } from '../../data/data-tree';
import type { BinaryInputArchive } from '../../jute/binary-input-archive';
import { BinaryOutputArchive } from '../../jute/binary-output-archive';
import { QuorumPacket } from '../../jute/records/quorum';
import { DEFAULT_MAX_BUFFER } from '../../jute/limits';
import type { QuorumConnection } from '../../transport/peer-transport';
import { ByteQueue } from './byte-queue';
import { quorumPacketSize } from './quorum-packet-size';
import { LearnerSnapshotReader, type LearnerSnapshot } from './learner-snapshot';

/** A read found nothing within its timeout (Java's SocketTimeoutException). */
export class QuorumReadTimeoutError extends Error {
  override name = 'QuorumReadTimeoutError';
}

/** The connection ended (closed by either side, or broken) before a whole packet came. */
export class QuorumConnectionClosedError extends Error {
  override name = 'QuorumConnectionClosedError';
}

/** QuorumPacket as jute writes it: no frame, the record is its own delimiter. */
export function encodeQuorumPacket(qp: QuorumPacket): Buffer {
  // Sized for the whole packet (no authinfo is the common case), so the view is the packet
  // and needs no copy out.
  const oa = new BinaryOutputArchive(24 + (qp.data?.length ?? 0));
  qp.serialize(oa);
  return oa.toBuffer();
}

export function quorumPacket(type: number, zxid: bigint, data: Buffer | null = null, authinfo: QuorumPacket['authinfo'] = null): QuorumPacket {
  return new QuorumPacket({ type, zxid, data, authinfo });
}

interface PendingRead<T> {
  attempt: () => T | undefined;
  resolve: (v: T) => void;
  reject: (e: Error) => void;
  timeoutMs: number;
  timer: Subscription | null;
  /** Clock time the read began or its last byte came: the timeout counts from here. */
  since: number;
}

const readPacket = (ia: BinaryInputArchive): QuorumPacket => QuorumPacket.deserialize(ia);

/**
 * The packet view of a learner ↔ leader connection, read the way Java's blocking
 * BinaryInputArchive is read: one `read` at a time, each failing if no byte arrives for
 * `timeoutMs` (the socket's SO_TIMEOUT: initLimit or syncLimit ticks) or when the
 * connection ends. Timers run on the injected clock. A stream that is not jute fails
 * the pending read and closes the connection.
 */
export class QuorumPacketChannel {
  private readonly queue: ByteQueue;
  private readonly sizeOf: (buf: Buffer, start: number) => number;
  private readonly maxBuffer: number;
  private pending: PendingRead<unknown> | null = null;
  private ended: Error | null = null;
  private readonly sub: Subscription;
  /** Bytes in and out, packets in and out: for LearnerHandler's info and tests. */
  packetsReceived = 0;
  packetsSent = 0;
  /** Clock time of the last byte received. */
  lastReceivedAt: number;

  constructor(
    readonly conn: QuorumConnection,
    private readonly clock: Clock,
    maxBuffer = DEFAULT_MAX_BUFFER,
  ) {
    this.queue = new ByteQueue(maxBuffer);
    this.maxBuffer = maxBuffer;
    this.sizeOf = (buf, start) => quorumPacketSize(buf, start, maxBuffer);
    this.lastReceivedAt = clock.now();
    this.sub = conn.data$.subscribe({
      next: (chunk) => {
        this.lastReceivedAt = this.clock.now();
        this.queue.push(chunk);
        this.poke(true);
      },
      error: (err: unknown) => this.end(new QuorumConnectionClosedError(`connection to ${conn.remoteAddress} broke: ${(err as Error)?.message ?? err}`)),
      complete: () => this.end(new QuorumConnectionClosedError(`connection to ${conn.remoteAddress} closed`)),
    });
  }

  get isOpen(): boolean {
    return this.ended === null && this.conn.isOpen;
  }

  /** The next packet; rejects on timeout, on a closed connection, or on bytes that are not a packet. */
  read(timeoutMs: number): Promise<QuorumPacket> {
    return this.start(() => this.queue.tryRead(readPacket, this.sizeOf), timeoutMs).then((qp) => {
      this.packetsReceived++;
      return qp;
    });
  }

  /**
   * The broadcast phase's reading: each packet goes to `onPacket` as soon as it is whole,
   * in the turn its bytes came, with no promise per packet (a leader under load reads
   * thousands of ACKs and REQUESTs a second). Rejects as `read` does (no byte within
   * `timeoutMs`, the connection ended, bytes that are not a packet) or with what
   * `onPacket` threw, after which the connection is closed; it never resolves.
   */
  readEach(timeoutMs: number, onPacket: (qp: QuorumPacket) => void): Promise<never> {
    return this.start<never>(() => {
      while (this.ended === null) {
        const qp = this.queue.tryRead(readPacket, this.sizeOf);
        if (qp === undefined) break;
        this.packetsReceived++;
        onPacket(qp);
      }
      return undefined;
    }, timeoutMs);
  }

  /** The SNAP payload that follows a SNAP packet, through its signature (`into`: see LearnerSnapshotReader). */
  readSnapshot(timeoutMs: number, into: DataTree | null = null): Promise<LearnerSnapshot> {
    const reader = new LearnerSnapshotReader(this.maxBuffer, into);
    return this.start(() => reader.read(this.queue) ?? undefined, timeoutMs);
  }

  /** Sends `qp`; `encoded` is its bytes when the caller already has them (one broadcast, many learners). */
  write(qp: QuorumPacket, encoded?: Buffer): void {
    if (!this.conn.isOpen) return;
    this.packetsSent++;
    this.conn.write(encoded ?? encodeQuorumPacket(qp));
  }

  /** A packet already encoded (encodeProposal, encodeRequest). */
  writeEncoded(bytes: Buffer): void {
    if (!this.conn.isOpen) return;
    this.packetsSent++;
    this.conn.write(bytes);
  }

  writeRaw(chunk: Buffer): void {
    if (this.conn.isOpen) this.conn.write(chunk);
  }

  /**
   * True once more may be written (QuorumConnection.whenWritable; on a transport without
   * it, after a turn of the clock, so other work runs in between either way). False if
   * that took `timeoutMs`: the other end has stopped reading.
   */
  writable(timeoutMs: number): Promise<boolean> {
    const ready = this.conn.whenWritable ? this.conn.whenWritable() : new Promise<void>((r) => this.clock.schedule(() => r(), 0));
    return new Promise((resolve) => {
      const timer = this.clock.schedule(() => resolve(false), timeoutMs);
      void ready.then(() => {
        timer.unsubscribe();
        resolve(true);
      });
    });
  }

  close(): void {
    this.conn.close();
    this.end(new QuorumConnectionClosedError('connection closed'));
  }

  private start<T>(attempt: () => T | undefined, timeoutMs: number): Promise<T> {
    if (this.pending) return Promise.reject(new Error('a read is already pending on this connection'));
    return new Promise<T>((resolve, reject) => {
      this.pending = { attempt, resolve: resolve as (v: unknown) => void, reject, timeoutMs, timer: null, since: this.clock.now() };
      this.poke(false);
    });
  }

  /** Tries the pending read; bytes that came push its deadline back. */
  private poke(bytesCame: boolean): void {
    const p = this.pending;
    if (!p) return;
    if (bytesCame) p.since = this.lastReceivedAt;
    let value: unknown;
    try {
      value = p.attempt();
    } catch (e) {
      if (this.pending === p) this.settle();
      p.reject(e as Error);
      this.close();
      return;
    }
    if (value !== undefined) {
      this.settle();
      p.resolve(value);
      return;
    }
    if (this.ended) {
      if (this.pending === p) this.settle();
      p.reject(this.ended);
      return;
    }
    // One timer per read, not one per chunk: when it fires early (bytes came meanwhile)
    // it is set again for what is left of the timeout.
    if (p.timer === null && this.pending === p) this.armTimer(p, p.timeoutMs);
  }

  private armTimer(p: PendingRead<unknown>, delayMs: number): void {
    p.timer = this.clock.schedule(() => {
      p.timer = null;
      if (this.pending !== p) return;
      const idle = this.clock.now() - p.since;
      if (idle < p.timeoutMs) {
        this.armTimer(p, p.timeoutMs - idle);
        return;
      }
      this.settle();
      p.reject(new QuorumReadTimeoutError(`no packet from ${this.conn.remoteAddress} within ${p.timeoutMs} ms`));
    }, delayMs);
  }

  private settle(): void {
    this.pending?.timer?.unsubscribe();
    this.pending = null;
  }

  private end(err: Error): void {
    if (this.ended) return;
    this.ended = err;
    this.sub?.unsubscribe();
    this.poke(false);
  }
}
