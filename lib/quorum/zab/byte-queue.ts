import { BinaryInputArchive } from '../../jute/binary-input-archive';
import { JuteTruncatedError } from '../../jute/errors';

/**
 * Bytes of a stream waiting to be read as records. A record that is not all there yet
 * is tried again only once enough bytes have come for the part that was missing, and
 * only a record that spans chunks is joined, then, so a large record arriving in many
 * chunks is copied a bounded number of times. Records are read in place: a read moves an
 * offset into the first chunk, it does not cut the chunk.
 */
export class ByteQueue {
  private chunks: Buffer[] = [];
  /** Bytes of chunks[0] already read. */
  private offset = 0;
  /** Bytes not yet read. */
  private total = 0;
  /** Unread bytes needed before the last failed read can get further. */
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
   * bytes end first. Any other error from `fn` is thrown: the stream is bad. `sizeOf`,
   * when given, tells from the bytes at `start` how many the value needs at least (0 when
   * it cannot tell: then `fn` decides).
   */
  tryRead<T>(fn: (ia: BinaryInputArchive) => T, sizeOf?: (buf: Buffer, start: number) => number): T | undefined {
    if (this.total === 0 || this.total < this.need) return undefined;
    if (this.chunks.length > 1 && !this.frontHoldsRecord(sizeOf)) return undefined;
    const buf = this.chunks[0];
    const start = this.offset;
    if (sizeOf) {
      // A record cut short by the end of a chunk is the common case on a busy stream;
      // knowing its size up front spares reading it and throwing (an Error per chunk).
      const size = sizeOf(buf, start);
      if (size > this.total) {
        this.need = size;
        return undefined;
      }
    }
    const ia = new BinaryInputArchive(buf, this.maxBuffer, start);
    let value: T;
    try {
      value = fn(ia);
    } catch (e) {
      if (e instanceof JuteTruncatedError) {
        this.need = e.offset - start + e.needed;
        return undefined;
      }
      throw e;
    }
    this.need = 0;
    this.total -= ia.offset - start;
    this.offset = ia.offset;
    if (this.total === 0) {
      this.chunks = [];
      this.offset = 0;
    } else if (this.offset === buf.length) {
      this.chunks.shift();
      this.offset = 0;
    }
    return value;
  }

  /**
   * With more than one chunk queued: makes the first hold the whole record at the front,
   * false when the bytes for it are not all here yet. Only that record's bytes are joined
   * (its size from `sizeOf`, re-asked as its length prefixes come in); the records after
   * it are read where they are. Joining everything queued copied each chunk a busy
   * follower reads once more, and each copy was new memory outside V8's heap.
   */
  private frontHoldsRecord(sizeOf?: (buf: Buffer, start: number) => number): boolean {
    if (!sizeOf) {
      this.joinFront(this.total);
      return true;
    }
    for (;;) {
      const size = sizeOf(this.chunks[0], this.offset);
      // 0: a length jute refuses; reading throws its error, from whichever bytes.
      if (size === 0 || size <= this.chunks[0].length - this.offset) return true;
      if (size > this.total) {
        this.need = size;
        return false;
      }
      this.joinFront(size);
    }
  }

  /** Makes the first chunk start with `n` (≤ total) unread bytes, copying only those. */
  private joinFront(n: number): void {
    if (this.chunks[0].length - this.offset >= n) return;
    const out = Buffer.allocUnsafe(n);
    let got = 0;
    while (got < n) {
      const c = this.chunks[0];
      const take = Math.min(c.length - this.offset, n - got);
      c.copy(out, got, this.offset, this.offset + take);
      got += take;
      if (this.offset + take === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(this.offset + take);
      this.offset = 0;
    }
    this.chunks.unshift(out);
  }

  /** Everything still queued, and the queue emptied. */
  drain(): Buffer[] {
    const out = this.chunks;
    if (out.length > 0 && this.offset > 0) out[0] = out[0].subarray(this.offset);
    this.chunks = [];
    this.offset = 0;
    this.total = 0;
    this.need = 0;
    return out;
  }
}
