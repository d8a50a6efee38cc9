import { JuteTypeError } from './errors';
import { writeInt64BE } from './int64';

const INT_MIN = -0x80000000;
const INT_MAX = 0x7fffffff;
const ASCII_FAST_PATH_MAX = 64;

/**
 * ZooKeeper's BinaryOutputArchive: big-endian ints and longs, 1-byte booleans,
 * length-prefixed buffers and UTF-8 strings (length -1 for null), vectors as a count
 * (-1 for null) followed by the elements. Writes into one growable buffer so encoding a
 * packet is a single allocation in the common case.
 */
export class BinaryOutputArchive {
  private buf: Buffer;
  private pos = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  get length(): number {
    return this.pos;
  }

  /** Bytes the archive can hold before it grows. */
  get capacity(): number {
    return this.buf.length;
  }

  /** The bytes written so far (a view; copy it if the archive will be reused). */
  toBuffer(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  reset(): void {
    this.pos = 0;
  }

  /** Reserves 4 bytes for a frame length to be patched in by {@link endFrame}. */
  beginFrame(): number {
    const at = this.pos;
    this.writeInt(0);
    return at;
  }

  /** `extra`: bytes of the frame sent separately after these (see encodeFrameHead). */
  endFrame(at: number, extra = 0): void {
    this.buf.writeInt32BE(this.pos - at - 4 + extra, at);
  }

  /**
   * The archive's own buffer, bytes past `length` undefined: for reading what was just
   * written (a checksum) without making a view. Valid until the next write.
   */
  get rawBuffer(): Buffer {
    return this.buf;
  }

  /** A view of bytes written at [start, end): valid while nothing overwrites them. */
  bytes(start: number, end: number): Buffer {
    return this.buf.subarray(start, end);
  }

  /** A copy of the bytes written so far, in a Buffer of their own. */
  copyOut(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    return out;
  }

  /**
   * Advances past `n` bytes to be filled in later (a log entry's checksum and length) and
   * returns where they start.
   */
  skip(n: number): number {
    this.ensure(n);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  /** Overwrites 4 bytes already written at `at` with an unsigned 32-bit value. */
  patchUInt32(at: number, v: number): void {
    this.buf.writeUInt32BE(v >>> 0, at);
  }

  /** Drops everything after the first `length` bytes (undoes a record that failed half way). */
  truncate(length: number): void {
    if (length < this.pos) this.pos = length;
  }

  private ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  writeByte(v: number, field = 'byte'): void {
    if (!Number.isInteger(v) || v < -128 || v > 127) throw new JuteTypeError(field, 'byte', v);
    this.ensure(1);
    this.buf.writeInt8(v, this.pos);
    this.pos += 1;
  }

  writeBool(v: boolean, field = 'boolean'): void {
    if (typeof v !== 'boolean') throw new JuteTypeError(field, 'boolean', v);
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
  }

  writeInt(v: number, field = 'int'): void {
    if (!Number.isInteger(v) || v < INT_MIN || v > INT_MAX) throw new JuteTypeError(field, 'int', v);
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
  }

  writeLong(v: bigint, field = 'long'): void {
    if (typeof v !== 'bigint' || BigInt.asIntN(64, v) !== v) throw new JuteTypeError(field, 'long (bigint)', v);
    this.ensure(8);
    writeInt64BE(this.buf, this.pos, v);
    this.pos += 8;
  }

  writeFloat(v: number, field = 'float'): void {
    if (typeof v !== 'number') throw new JuteTypeError(field, 'float', v);
    this.ensure(4);
    this.buf.writeFloatBE(v, this.pos);
    this.pos += 4;
  }

  writeDouble(v: number, field = 'double'): void {
    if (typeof v !== 'number') throw new JuteTypeError(field, 'double', v);
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
  }

  writeBuffer(v: Uint8Array | null, field = 'buffer'): void {
    if (v === null || v === undefined) {
      this.writeInt(-1);
      return;
    }
    if (!(v instanceof Uint8Array)) throw new JuteTypeError(field, 'buffer', v);
    this.ensure(4 + v.length);
    this.buf.writeInt32BE(v.length, this.pos);
    this.buf.set(v, this.pos + 4);
    this.pos += 4 + v.length;
  }

  /** Bytes already in jute form (a record or field encoded earlier), as they are. */
  writeRaw(v: Uint8Array): void {
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }

  writeString(v: string | null, field = 'ustring'): void {
    if (v === null || v === undefined) {
      this.writeInt(-1);
      return;
    }
    if (typeof v !== 'string') throw new JuteTypeError(field, 'ustring', v);
    const len = v.length;
    // UTF-8 never takes more than 3 bytes per UTF-16 unit, so this bound is safe.
    this.ensure(4 + len * 3);
    const buf = this.buf;
    const start = this.pos + 4;
    let n = 0;
    if (len <= ASCII_FAST_PATH_MAX) {
      // Paths and scheme names are short and ASCII: copying char codes beats the native
      // call behind Buffer.write. Any non-ASCII char falls through to the real encoder.
      while (n < len) {
        const c = v.charCodeAt(n);
        if (c >= 0x80) break;
        buf[start + n] = c;
        n++;
      }
    }
    if (n < len) n = buf.write(v, start, 'utf8');
    buf.writeInt32BE(n, this.pos);
    this.pos = start + n;
  }

  /** Writes a vector's count (-1 for null); the caller writes the elements. */
  startVector(v: readonly unknown[] | null, field = 'vector'): void {
    if (v === null || v === undefined) {
      this.writeInt(-1);
      return;
    }
    if (!Array.isArray(v)) throw new JuteTypeError(field, 'vector (array)', v);
    this.writeInt(v.length);
  }

  /** Writes a map's count (-1 for null); the caller writes keys and values. */
  startMap(v: ReadonlyMap<unknown, unknown> | null, field = 'map'): void {
    if (v === null || v === undefined) {
      this.writeInt(-1);
      return;
    }
    if (!(v instanceof Map)) throw new JuteTypeError(field, 'map (Map)', v);
    this.writeInt(v.size);
  }
}
