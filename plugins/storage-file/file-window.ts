import type { StoredFile } from '../../lib/persistence/file-io';

const ZEROS = Buffer.alloc(64 * 1024);

/**
 * A read-through window over a file for sequential scanning: entries are read in place
 * from ~1 MiB reads instead of one read per field.
 */
export class FileWindow {
  private start = 0;
  private buf: Buffer = Buffer.alloc(0);

  constructor(
    readonly file: StoredFile,
    readonly size: number,
    private readonly chunk = 1 << 20,
  ) {}

  /**
   * `n` bytes at `pos`, or fewer where the file ends: a view of one read, which stays as
   * it is (each read is a new buffer), so the view may be kept.
   */
  async get(pos: number, n: number): Promise<Buffer> {
    const end = Math.min(pos + n, this.size);
    if (pos >= this.start && end <= this.start + this.buf.length) {
      return this.buf.subarray(pos - this.start, end - this.start);
    }
    if (pos >= this.size) return Buffer.alloc(0);
    const len = Math.min(Math.max(n, this.chunk), this.size - pos);
    this.buf = await this.file.read(pos, len);
    this.start = pos;
    return this.buf.subarray(0, Math.min(end - pos, this.buf.length));
  }

  /** Offset of the first non-zero byte at or after `pos`, or -1. Skips zero runs 64 KiB at a time. */
  async nextNonZero(pos: number): Promise<number> {
    while (pos < this.size) {
      const block = await this.get(pos, ZEROS.length);
      if (block.length === 0) return -1;
      if (!block.equals(ZEROS.subarray(0, block.length))) {
        for (let i = 0; i < block.length; i++) if (block[i] !== 0) return pos + i;
      }
      pos += block.length;
    }
    return -1;
  }
}
