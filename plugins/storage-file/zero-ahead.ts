import type { Logger } from '../../lib/core/logger';
import type { StoredFile } from '../../lib/persistence/file-io';

/** Zeroing starts this far past the write position, so a commit never waits for it. */
const GAP = 1024 * 1024;
/** A fill is started when less than this is zeroed ahead of the writer. */
const LOW = 2 * 1024 * 1024;
/** How much one fill zeroes. */
const CHUNK = 2 * 1024 * 1024;
const ZEROS = Buffer.alloc(1024 * 1024);

/**
 * Writes the zeros of a txn log file's preallocated space ahead of the writer.
 * FilePadding (Java's, and this plugin's) grows the file by writing one zero byte at the
 * new end, which leaves a sparse file: each commit then allocates the blocks it lands in,
 * and its sync has to commit that to the journal as well, which measured nearly twice
 * the latency and a tail ten times as long. With the blocks written beforehand a commit's
 * sync only flushes data. The file's length and bytes are the same either way.
 */
export class ZeroAhead {
  private zeroedTo = 0;
  private filling: { readonly from: number; readonly done: Promise<void> } | null = null;
  private stopped = false;

  constructor(
    private readonly file: StoredFile,
    private readonly logger?: Logger,
  ) {}

  /** Before a write that ends at `end`: waits for a fill that reaches into it (rare). */
  async before(end: number): Promise<void> {
    const f = this.filling;
    if (f !== null && end > f.from) await f.done;
  }

  /** After a write, with the writer at `pos` in a file `size` long: keeps zeros ahead. */
  after(pos: number, size: number): void {
    if (this.stopped || this.filling !== null || this.zeroedTo - pos >= LOW) return;
    const from = Math.max(this.zeroedTo, pos + GAP);
    // The last byte is the padding's own zero; the length never changes here.
    const to = Math.min(from + CHUNK, size - 1);
    if (to <= from) return;
    const done = this.fill(from, to)
      .then(() => {
        this.zeroedTo = to;
      })
      .catch((err: unknown) => {
        // Only speed is lost (a full disk shows up on the next commit's own write).
        this.stopped = true;
        this.logger?.warn({ err }, 'txn log: zeroing ahead failed; the file stays sparse');
      })
      .finally(() => {
        this.filling = null;
      });
    this.filling = { from, done };
  }

  /** Settles once no fill is in flight (before the file is closed). */
  idle(): Promise<void> {
    return this.filling?.done ?? Promise.resolve();
  }

  private async fill(from: number, to: number): Promise<void> {
    for (let at = from; at < to; at += ZEROS.length) {
      await this.file.write(at, ZEROS.subarray(0, Math.min(ZEROS.length, to - at)));
    }
  }
}
