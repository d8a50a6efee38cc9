import { BinaryInputArchive } from '../../jute/binary-input-archive';
import { JuteTruncatedError } from '../../jute/errors';

/**
 * Bytes of a stream waiting to be read as records. A record that is not all there yet
 * is tried again only once enough bytes have come for the part that was missing, and
 * chunks are joined only then, so a large record arriving in many chunks is copied a
 * bounded number of times.
 */
export class ByteQueue {
  private chunks: Buffer[] = [];
  private total = 0;
  /** Bytes needed before the last failed read can get further. */
  private need = 0;

  constructor(private readonly maxBuffer: number) {}

  get length(): number {
    return this.total;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.total += chunk.length;
  }

  /**
   * Reads one value with `fn` from the front; undefined (and nothing consumed) when the
   * bytes end first. Any other error from `fn` is thrown: the stream is bad.
   */
  tryRead<T>(fn: (ia: BinaryInputArchive) => T): T | undefined {
    if (this.total === 0 || this.total < this.need) return undefined;
    const buf = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.total);
    this.chunks = [buf];
    const ia = new BinaryInputArchive(buf, this.maxBuffer);
    let value: T;
    try {
      value = fn(ia);
    } catch (e) {
      if (e instanceof JuteTruncatedError) {
        this.need = e.offset + e.needed;
        return undefined;
      }
      throw e;
    }
    this.consume(buf, ia.offset);
    return value;
  }

  /** Everything still queued, and the queue emptied. */
  drain(): Buffer[] {
    const out = this.chunks;
    this.chunks = [];
    this.total = 0;
    this.need = 0;
    return out;
  }

  private consume(buf: Buffer, n: number): void {
    this.need = 0;
    this.total -= n;
    this.chunks = this.total > 0 ? [buf.subarray(n)] : [];
  }
}
