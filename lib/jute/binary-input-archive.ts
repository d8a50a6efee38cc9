import { JuteLengthError, JuteTruncatedError } from './errors';
import { int64EqualsAt, readInt64BE } from './int64';
import { DEFAULT_MAX_BUFFER } from './limits';

/**
 * ZooKeeper's BinaryInputArchive over one Buffer. Every read is bounds-checked and every
 * length prefix is checked against `maxBuffer` (as Java's checkLength does) and against the
 * bytes actually left, so a garbage length fails fast with a typed error instead of a huge
 * allocation or a read past the end.
 */
export class BinaryInputArchive {
  private pos: number;
  private readonly end: number;
  /**
   * readBuffer returns a view of the input instead of a copy when the view is at least
   * half of the input, which it keeps alive. For an input that is one message of its own
   * (a proposal's txn bytes): a 1 KiB value then costs no second copy, and no new memory
   * outside V8's heap, whose every 64 MB starts a mark-compact. A small field of a large
   * input is still copied, so a kept value never pins much more than itself.
   */
  shareBuffers = false;

  constructor(
    private readonly buf: Buffer,
    readonly maxBuffer = DEFAULT_MAX_BUFFER,
    offset = 0,
    end = buf.length,
  ) {
    this.pos = offset;
    this.end = end;
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number, what: string): void {
    if (this.end - this.pos < n) throw new JuteTruncatedError(what, this.pos, n, this.end - this.pos);
  }

  readByte(): number {
    this.need(1, 'byte');
    return this.buf.readInt8(this.pos++);
  }

  /** Java's DataInput.readBoolean: any non-zero byte is true. */
  readBool(): boolean {
    this.need(1, 'boolean');
    return this.buf[this.pos++] !== 0;
  }

  readInt(): number {
    this.need(4, 'int');
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  readLong(): bigint {
    this.need(8, 'long');
    const v = readInt64BE(this.buf, this.pos);
    this.pos += 8;
    return v;
  }

  /**
   * readLong, giving back `a` or `b` itself when the 8 bytes encode it. A snapshot's stats
   * repeat values (mzxid and pzxid often are the czxid, mtime the ctime), and every bigint
   * read is an object of its own that the loaded tree keeps for good.
   */
  readLongLike(a: bigint, b: bigint = a): bigint {
    this.need(8, 'long');
    const pos = this.pos;
    this.pos += 8;
    if (int64EqualsAt(this.buf, pos, a)) return a;
    if (b !== a && int64EqualsAt(this.buf, pos, b)) return b;
    return readInt64BE(this.buf, pos);
  }

  readFloat(): number {
    this.need(4, 'float');
    const v = this.buf.readFloatBE(this.pos);
    this.pos += 4;
    return v;
  }

  readDouble(): number {
    this.need(8, 'double');
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  private readLength(what: string): number {
    const len = this.readInt();
    if (len === -1) return -1;
    if (len < 0 || len > this.maxBuffer) throw new JuteLengthError(what, len, this.maxBuffer);
    this.need(len, what);
    return len;
  }

  /**
   * A view of the buffer's bytes, never a copy: for a caller that owns the whole input
   * and lets what it reads pin it (a snapshot's values, see ParseOptions.shareValues).
   */
  readBufferView(): Buffer | null {
    const len = this.readLength('buffer');
    return len === -1 ? null : this.takeView(len);
  }

  /** A copy, so a stored znode's data never pins the (larger) packet it arrived in. */
  readBuffer(): Buffer | null {
    const len = this.readLength('buffer');
    if (len === -1) return null;
    if (this.shareBuffers && len * 2 >= this.buf.length) return this.takeView(len);
    const out = Buffer.allocUnsafe(len);
    this.buf.copy(out, 0, this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  private takeView(len: number): Buffer {
    const view = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return view;
  }

  readString(): string | null {
    const len = this.readLength('ustring');
    if (len === -1) return null;
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  /**
   * A vector's (or map's) element count, -1 for null. Each element takes at least
   * `minElementSize` bytes, so a count larger than the bytes left is rejected before any
   * element is allocated.
   */
  startVector(minElementSize = 1, what = 'vector'): number {
    const n = this.readInt();
    if (n === -1) return -1;
    if (n < 0) throw new JuteLengthError(what, n, this.maxBuffer);
    if (n * minElementSize > this.end - this.pos) {
      throw new JuteTruncatedError(`${what} of ${n} elements`, this.pos, n * minElementSize, this.end - this.pos);
    }
    return n;
  }
}
