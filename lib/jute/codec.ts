import { BinaryInputArchive } from './binary-input-archive';
import { BinaryOutputArchive } from './binary-output-archive';
import { JuteLengthError, JuteTruncatedError } from './errors';
import { DEFAULT_MAX_BUFFER } from './limits';
import type { JuteRecord, RecordClass } from './types';

/**
 * One archive shared by encode/encodeFrame, so a message costs one allocation of its exact
 * size instead of a fresh archive, its growth, and the copy out (which measured ~2x the
 * serialization itself for a 1 KiB GetDataResponse). `busy` covers a hand-written
 * serialize that calls encode itself; a scratch grown by a huge message is dropped.
 */
let scratch = new BinaryOutputArchive(4096);
let busy = false;
const SCRATCH_KEEP = 64 * 1024;

function encodeWith(records: JuteRecord[], framed: boolean, tailLength = 0): Buffer {
  const oa = busy ? new BinaryOutputArchive() : scratch;
  const mine = oa === scratch;
  busy = true;
  try {
    oa.reset();
    const at = framed ? oa.beginFrame() : -1;
    for (const r of records) r.serialize(oa);
    if (framed) oa.endFrame(at, tailLength);
    return oa.copyOut();
  } finally {
    if (mine) {
      busy = false;
      if (oa.length > SCRATCH_KEEP) scratch = new BinaryOutputArchive(4096);
    }
  }
}

/** Serializes records back to back into one fresh Buffer. */
export function encode(...records: JuteRecord[]): Buffer {
  return encodeWith(records, false);
}

/** Serializes records as one length-prefixed frame, as on the client port and quorum channel. */
export function encodeFrame(...records: JuteRecord[]): Buffer {
  return encodeWith(records, true);
}

/**
 * Frames that are written out and then dropped (a server's replies) are carved one after
 * another out of a shared 64 KiB buffer: no allocation and no copy each. Node's own pool
 * holds 8 KiB, and each new pool is an ArrayBuffer the GC must track; those were a large
 * part of the server's GC time. A kept frame keeps its whole arena alive: don't keep one.
 */
const ARENA_SIZE = 64 * 1024;
/** An arena with less room than this is left for a fresh one before a frame starts. */
const ARENA_MIN_ROOM = 4 * 1024;
let arena = new BinaryOutputArchive(ARENA_SIZE);
let arenaBusy = false;

/** encodeFrame for bytes that are sent and dropped at once (see ARENA_SIZE). */
export function encodeTransientFrame(...records: JuteRecord[]): Buffer {
  return transient(records, 0);
}

/** encodeFrameHead for bytes that are sent and dropped at once. */
export function encodeTransientFrameHead(tailLength: number, ...records: JuteRecord[]): Buffer {
  return transient(records, tailLength);
}

function transient(records: JuteRecord[], tailLength: number): Buffer {
  // A serialize that itself encodes into the arena gets an ordinary buffer.
  if (arenaBusy) return encodeWith(records, true, tailLength);
  if (arena.capacity - arena.length < ARENA_MIN_ROOM) arena = new BinaryOutputArchive(ARENA_SIZE);
  const oa = arena;
  const start = oa.length;
  arenaBusy = true;
  try {
    const at = oa.beginFrame();
    for (const r of records) r.serialize(oa);
    oa.endFrame(at, tailLength);
  } catch (e) {
    oa.truncate(start);
    throw e;
  } finally {
    arenaBusy = false;
  }
  const frame = oa.bytes(start, oa.length);
  // A huge frame grew this arena: the next frame starts a normal-sized one.
  if (oa.capacity > ARENA_SIZE * 4) arena = new BinaryOutputArchive(ARENA_SIZE);
  return frame;
}

/**
 * The head of a frame whose last `tailLength` bytes the caller sends right after it
 * (a pre-encoded body): the length prefix counts them.
 */
export function encodeFrameHead(tailLength: number, ...records: JuteRecord[]): Buffer {
  return encodeWith(records, true, tailLength);
}

/**
 * A record that keeps its own encoding (shared and never changed), so a connection can
 * send those bytes as they are instead of serializing and copying them per reply.
 */
export interface PreEncodedRecord extends JuteRecord {
  preEncoded(): Buffer | null;
}

export function preEncodedOf(r: JuteRecord): Buffer | null {
  return typeof (r as Partial<PreEncodedRecord>).preEncoded === 'function' ? (r as PreEncodedRecord).preEncoded() : null;
}

export interface DecodeOptions {
  maxBuffer?: number;
  /** Reject bytes left over after the record (Java ignores them; tests and tools may not). */
  exact?: boolean;
  /** Buffer fields may be views of `buf` (see BinaryInputArchive.shareBuffers). */
  shareBuffers?: boolean;
}

/** Decodes one record from the start of `buf`. */
export function decode<R>(type: RecordClass<R>, buf: Buffer, opts: DecodeOptions = {}): R {
  const ia = new BinaryInputArchive(buf, opts.maxBuffer ?? DEFAULT_MAX_BUFFER);
  if (opts.shareBuffers === true) ia.shareBuffers = true;
  const r = type.deserialize(ia);
  if (opts.exact && ia.remaining !== 0) {
    throw new JuteLengthError(`trailing bytes after ${type.recordName}`, ia.remaining, 0, 'expected end');
  }
  return r;
}

/**
 * Splits a byte stream into frames with a 4-byte big-endian length prefix. A prefix that
 * is negative or above `maxBuffer` throws JuteLengthError naming the limit, before any
 * allocation for the body; the stream is then unusable (the caller closes the connection).
 *
 * Work is linear in the bytes fed however they are chunked: a peer that dribbles a frame
 * one byte per packet must not make each push rescan what is already buffered.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  /** Index of the first unconsumed chunk (shifting a long array on every frame is O(n)). */
  private head = 0;
  /** Bytes of chunks[head] already consumed. */
  private offset = 0;
  /** Body bytes buffered (after a parsed length prefix) or raw bytes while awaiting one. */
  private buffered = 0;
  /** The current frame's body length once its prefix is read, else -1. */
  private frameLength = -1;
  private failed: Error | null = null;

  constructor(readonly maxBuffer = DEFAULT_MAX_BUFFER) {}

  /** Bytes of an unfinished frame held, its length prefix included. */
  get pendingBytes(): number {
    return this.frameLength >= 0 ? this.buffered + 4 : this.buffered;
  }

  /** Feeds bytes; returns every complete frame body they finish. */
  push(chunk: Buffer): Buffer[] {
    if (this.failed) throw this.failed;
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const frames: Buffer[] = [];
    for (;;) {
      if (this.frameLength < 0) {
        if (this.buffered < 4) break;
        const first = this.chunks[this.head];
        let len: number;
        if (first.length - this.offset >= 4) {
          // The usual case: the prefix is read in place, with no view made for it.
          len = first.readInt32BE(this.offset);
          this.taken(first, 4);
        } else {
          len = this.consume(4).readInt32BE(0);
        }
        if (len < 0 || len > this.maxBuffer) {
          this.failed = new JuteLengthError('frame', len, this.maxBuffer);
          throw this.failed;
        }
        this.frameLength = len;
      }
      if (this.buffered < this.frameLength) break;
      frames.push(this.consume(this.frameLength));
      this.frameLength = -1;
    }
    return frames;
  }

  /** Called at end of stream: a partial frame left behind is a truncation. */
  end(): void {
    if (this.failed) return;
    if (this.frameLength >= 0) {
      throw new JuteTruncatedError('frame', 0, 4 + this.frameLength, 4 + this.buffered);
    }
    if (this.buffered > 0) throw new JuteTruncatedError('frame length', 0, 4, this.buffered);
  }

  /**
   * Takes `n <= buffered` bytes: a view when one chunk holds them, else one copy. The
   * head chunk is read from `offset` on rather than re-sliced after every frame.
   */
  private consume(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    const first = this.chunks[this.head];
    const at = this.offset;
    if (first.length - at >= n) {
      const out = at === 0 && first.length === n ? first : first.subarray(at, at + n);
      this.taken(first, n);
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let off = 0;
    while (off < n) {
      const c = this.chunks[this.head];
      const take = Math.min(c.length - this.offset, n - off);
      c.copy(out, off, this.offset, this.offset + take);
      off += take;
      this.taken(c, take);
    }
    return out;
  }

  /** `n` bytes of the head chunk `c` are used up. */
  private taken(c: Buffer, n: number): void {
    this.buffered -= n;
    this.offset += n;
    if (this.offset < c.length) return;
    this.chunks[this.head++] = EMPTY;
    this.offset = 0;
    if (this.head === this.chunks.length) {
      this.chunks.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}

const EMPTY = Buffer.alloc(0);
