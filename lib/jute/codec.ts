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

function encodeWith(records: JuteRecord[], framed: boolean): Buffer {
  const oa = busy ? new BinaryOutputArchive() : scratch;
  const mine = oa === scratch;
  busy = true;
  try {
    oa.reset();
    const at = framed ? oa.beginFrame() : -1;
    for (const r of records) r.serialize(oa);
    if (framed) oa.endFrame(at);
    return Buffer.from(oa.toBuffer());
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

export interface DecodeOptions {
  maxBuffer?: number;
  /** Reject bytes left over after the record (Java ignores them; tests and tools may not). */
  exact?: boolean;
}

/** Decodes one record from the start of `buf`. */
export function decode<R>(type: RecordClass<R>, buf: Buffer, opts: DecodeOptions = {}): R {
  const ia = new BinaryInputArchive(buf, opts.maxBuffer ?? DEFAULT_MAX_BUFFER);
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
        const len = this.consume(4).readInt32BE(0);
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

  /** Takes `n <= buffered` bytes: a view when one chunk holds them, else one copy. */
  private consume(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    const first = this.chunks[this.head];
    let out: Buffer;
    if (first.length > n) {
      this.chunks[this.head] = first.subarray(n);
      out = first.subarray(0, n);
    } else if (first.length === n) {
      this.chunks[this.head++] = EMPTY;
      out = first;
    } else {
      out = Buffer.allocUnsafe(n);
      let off = 0;
      while (off < n) {
        const c = this.chunks[this.head];
        const take = Math.min(c.length, n - off);
        c.copy(out, off, 0, take);
        off += take;
        if (take === c.length) this.chunks[this.head++] = EMPTY;
        else this.chunks[this.head] = c.subarray(take);
      }
    }
    this.buffered -= n;
    if (this.head === this.chunks.length) {
      this.chunks.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
    return out;
  }
}

const EMPTY = Buffer.alloc(0);
