import { once } from 'node:events';
import { promisify } from 'node:util';
import { createGzip, gunzip } from 'node:zlib';
import type { SnapshotCompression } from '../../lib/persistence/snapshot-names';

/**
 * SnapStream's compressed forms. gz is java.util.zip's GZIP stream (any gzip reader
 * takes it). snappy is snappy-java's SnappyOutputStream framing, which is not the
 * "framing format" of the Snappy project:
 *
 *     header := 0x82 "SNAPPY" 0x00 · version 1 (int) · compatible version 1 (int)   16 bytes
 *     block  := compressed length (int, big-endian) · raw Snappy block of ≤ 32 KiB input
 *
 * The Snappy codec itself comes from the `snappy` npm package, loaded only when a snappy
 * snapshot is written or read.
 */
export const SNAPPY_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const SNAPPY_HEADER = Buffer.concat([SNAPPY_MAGIC, Buffer.from([0, 0, 0, 1, 0, 0, 0, 1])]);
/** SnappyOutputStream.DEFAULT_BLOCK_SIZE */
const SNAPPY_BLOCK_SIZE = 32 * 1024;
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);

/** Compressed bytes that cannot be decoded. */
export class SnapshotCompressionFormatError extends Error {
  override name = 'SnapshotCompressionFormatError';
}

interface SnappyCodec {
  compressSync(input: Buffer): Buffer;
  uncompressSync(input: Buffer, opts?: { asBuffer: true }): Buffer;
}

let snappyCodec: SnappyCodec | null = null;
function snappy(): SnappyCodec {
  if (snappyCodec === null) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      snappyCodec = require('snappy') as SnappyCodec;
    } catch (e) {
      throw new Error(`snappy snapshot compression needs the npm package "snappy": ${(e as Error).message}`);
    }
  }
  return snappyCodec;
}

/** Turns the uncompressed stream into what goes on disk, chunk by chunk. */
export interface Compressor {
  push(chunk: Buffer): Promise<Buffer[]>;
  finish(): Promise<Buffer[]>;
}

class Identity implements Compressor {
  async push(chunk: Buffer): Promise<Buffer[]> {
    return [chunk];
  }
  async finish(): Promise<Buffer[]> {
    return [];
  }
}

class Gzip implements Compressor {
  private readonly z = createGzip();
  private out: Buffer[] = [];

  constructor() {
    this.z.on('data', (b: Buffer) => this.out.push(b));
  }

  private take(): Buffer[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  async push(chunk: Buffer): Promise<Buffer[]> {
    if (!this.z.write(chunk)) await once(this.z, 'drain');
    return this.take();
  }

  async finish(): Promise<Buffer[]> {
    const ended = once(this.z, 'end');
    this.z.end();
    await ended;
    return this.take();
  }
}

class Snappy implements Compressor {
  private pending: Buffer[] = [];
  private pendingSize = 0;
  private started = false;

  async push(chunk: Buffer): Promise<Buffer[]> {
    this.pending.push(chunk);
    this.pendingSize += chunk.length;
    return this.blocks(false);
  }

  async finish(): Promise<Buffer[]> {
    return this.blocks(true);
  }

  private blocks(final: boolean): Buffer[] {
    const out: Buffer[] = [];
    if (!this.started) {
      out.push(SNAPPY_HEADER);
      this.started = true;
    }
    if (this.pendingSize < SNAPPY_BLOCK_SIZE && !final) return out;
    let all = Buffer.concat(this.pending);
    while (all.length >= SNAPPY_BLOCK_SIZE || (final && all.length > 0)) {
      const compressed = snappy().compressSync(all.subarray(0, SNAPPY_BLOCK_SIZE));
      const len = Buffer.alloc(4);
      len.writeInt32BE(compressed.length);
      out.push(len, compressed);
      all = all.subarray(Math.min(SNAPPY_BLOCK_SIZE, all.length));
    }
    this.pending = all.length ? [Buffer.from(all)] : [];
    this.pendingSize = all.length;
    return out;
  }
}

export function createCompressor(c: SnapshotCompression): Compressor {
  if (c === 'gz') return new Gzip();
  if (c === 'snappy') {
    snappy();
    return new Snappy();
  }
  return new Identity();
}

/** The uncompressed snapshot stream. */
export async function decompress(c: SnapshotCompression, bytes: Buffer): Promise<Buffer> {
  if (c === 'gz') {
    try {
      return await promisify(gunzip)(bytes);
    } catch (e) {
      throw new SnapshotCompressionFormatError(`bad gzip stream: ${(e as Error).message}`);
    }
  }
  if (c === 'snappy') return unsnappy(bytes);
  return bytes;
}

/**
 * SnappyInputStream: without the magic the whole input is one raw block; with it, blocks
 * follow, and a header may appear again between blocks (streams written one after another).
 */
function unsnappy(bytes: Buffer): Buffer {
  const codec = snappy();
  const raw = (b: Buffer): Buffer => {
    try {
      return codec.uncompressSync(b, { asBuffer: true });
    } catch (e) {
      throw new SnapshotCompressionFormatError(`bad snappy block: ${(e as Error).message}`);
    }
  };
  if (!startsWith(bytes, SNAPPY_MAGIC, 0)) return raw(bytes);
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    if (startsWith(bytes, SNAPPY_MAGIC, pos)) {
      if (bytes.length - pos < SNAPPY_HEADER.length) throw new SnapshotCompressionFormatError('truncated snappy header');
      pos += SNAPPY_HEADER.length;
      continue;
    }
    if (bytes.length - pos < 4) throw new SnapshotCompressionFormatError(`truncated snappy block length at ${pos}`);
    const len = bytes.readInt32BE(pos);
    if (len < 0 || pos + 4 + len > bytes.length) {
      throw new SnapshotCompressionFormatError(`truncated snappy block at ${pos}: ${len} bytes announced, ${bytes.length - pos - 4} left`);
    }
    out.push(raw(bytes.subarray(pos + 4, pos + 4 + len)));
    pos += 4 + len;
  }
  return Buffer.concat(out);
}

function startsWith(buf: Buffer, prefix: Buffer, at: number): boolean {
  return buf.length - at >= prefix.length && buf.subarray(at, at + prefix.length).equals(prefix);
}

/**
 * SnapStream.isValidSnapshot's quick look: a gz or snappy file must start with its magic;
 * an uncompressed one must be at least 10 bytes and end in a seal (int 1, '/').
 */
export function looksComplete(c: SnapshotCompression, head: Buffer, tail: Buffer, size: number): boolean {
  if (c === 'gz') return startsWith(head, GZIP_MAGIC, 0);
  if (c === 'snappy') return startsWith(head, SNAPPY_MAGIC, 0);
  return size >= 10 && tail.length === 5 && tail.readInt32BE(0) === 1 && tail[4] === 0x2f;
}
