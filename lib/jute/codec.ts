import { BinaryInputArchive } from './binary-input-archive';
import { BinaryOutputArchive } from './binary-output-archive';
import { JuteLengthError, JuteTruncatedError } from './errors';
import { DEFAULT_MAX_BUFFER } from './limits';
import type { JuteRecord, RecordClass } from './types';

/** Serializes records back to back into one fresh Buffer. */
export function encode(...records: JuteRecord[]): Buffer {
  const oa = new BinaryOutputArchive();
  for (const r of records) r.serialize(oa);
  return Buffer.from(oa.toBuffer());
}

/** Serializes records as one length-prefixed frame, as on the client port and quorum channel. */
export function encodeFrame(...records: JuteRecord[]): Buffer {
  const oa = new BinaryOutputArchive();
  const at = oa.beginFrame();
  for (const r of records) r.serialize(oa);
  oa.endFrame(at);
  return Buffer.from(oa.toBuffer());
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
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private failed: Error | null = null;

  constructor(readonly maxBuffer = DEFAULT_MAX_BUFFER) {}

  get pendingBytes(): number {
    return this.buffered;
  }

  /** Feeds bytes; returns every complete frame body they finish. */
  push(chunk: Buffer): Buffer[] {
    if (this.failed) throw this.failed;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Buffer[] = [];
    while (this.buffered >= 4) {
      const len = this.peekLength();
      if (len < 0 || len > this.maxBuffer) {
        this.failed = new JuteLengthError('frame', len, this.maxBuffer);
        throw this.failed;
      }
      if (this.buffered < 4 + len) break;
      this.consume(4);
      frames.push(this.consume(len));
    }
    return frames;
  }

  /** Called at end of stream: a partial frame left behind is a truncation. */
  end(): void {
    if (this.buffered > 0 && !this.failed) {
      const needed = this.buffered >= 4 ? 4 + this.peekLength() : 4;
      throw new JuteTruncatedError('frame', 0, needed, this.buffered);
    }
  }

  private peekLength(): number {
    const first = this.chunks[0];
    if (first.length >= 4) return first.readInt32BE(0);
    const head = Buffer.concat(this.chunks, Math.min(4, this.buffered)).subarray(0, 4);
    return head.readInt32BE(0);
  }

  private consume(n: number): Buffer {
    const first = this.chunks[0];
    if (first.length === n) {
      this.chunks.shift();
      this.buffered -= n;
      return first;
    }
    if (first.length > n) {
      this.chunks[0] = first.subarray(n);
      this.buffered -= n;
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let off = 0;
    while (off < n) {
      const c = this.chunks[0];
      const take = Math.min(c.length, n - off);
      c.copy(out, off, 0, take);
      off += take;
      if (take === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(take);
    }
    this.buffered -= n;
    return out;
  }
}
