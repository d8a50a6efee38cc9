import { createDeflate, type Deflate } from 'node:zlib';

/**
 * A running Adler-32 computed by zlib in libuv's thread pool, off the main thread: a
 * zlib-wrapped deflate stream ends in the Adler-32 of all its input (RFC 1950), and at
 * level 0 it only copies (stored blocks), so the output is thrown away but for its last
 * four bytes. For the snapshot seal: summing a 200 MB snapshot in JS took the event loop
 * ~150 ms per snapshot; through zlib it costs a few callbacks per chunk.
 */
export class ZlibAdler32 {
  private readonly z: Deflate;
  /** The last four output bytes seen: the trailer once the stream has ended. */
  private readonly tail = Buffer.alloc(4);
  private failed: Error | null = null;
  private readonly ended: Promise<void>;

  constructor() {
    // The smallest window and memory level: nothing is compressed; large output chunks
    // keep the 'data' callbacks few.
    this.z = createDeflate({ level: 0, windowBits: 9, memLevel: 1, chunkSize: 1024 * 1024 });
    this.z.on('data', (b: Buffer) => this.keepTail(b));
    this.ended = new Promise((resolve, reject) => {
      this.z.once('end', resolve);
      this.z.once('error', (e: Error) => {
        this.failed = e;
        reject(e);
      });
    });
    // A failure is reported by update / value; this keeps it from being unhandled meanwhile.
    this.ended.catch(() => undefined);
  }

  private keepTail(b: Buffer): void {
    if (b.length >= 4) {
      b.copy(this.tail, 0, b.length - 4);
    } else {
      this.tail.copyWithin(0, b.length);
      b.copy(this.tail, 4 - b.length);
    }
  }

  /** Adds `chunk`; resolves once zlib has read all of it (the caller may then reuse it). */
  update(chunk: Uint8Array): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    if (chunk.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.z.write(chunk, (err) => (err ? reject(err) : resolve()));
    });
  }

  /** The Adler-32 of everything added; no update may follow. */
  async value(): Promise<number> {
    this.z.end();
    await this.ended;
    return this.tail.readUInt32BE(0);
  }

  /** Abandons the sum (a failed write). */
  destroy(): void {
    this.z.destroy();
  }
}
