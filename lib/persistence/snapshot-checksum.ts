import { ADLER_MOD as MOD, adler32Update } from './adler32';

/**
 * java.util.zip.Adler32 fed piece by piece, as SnapStream's CheckedOutputStream and
 * CheckedInputStream are: a snapshot's seal holds the Adler-32 of every uncompressed byte
 * before it, so the value has to follow a stream written (or read) in chunks.
 */
export class Adler32 {
  private sum = 1;

  update(buf: Uint8Array, start = 0, end = buf.length): this {
    this.sum = adler32Update(this.sum, buf, start, end);
    return this;
  }

  /** Checksum.getValue(): unsigned 32 bits, stored in the seal as a long. */
  get value(): number {
    return this.sum;
  }
}

/**
 * zlib's adler32_combine: the Adler-32 of A followed by B, from the Adler-32 of each and
 * B's length. Lets a seal be computed from a checksum of the body taken as it was written
 * and the few bytes written after it.
 */
export function adler32Combine(adlerA: number, adlerB: number, lengthB: number): number {
  const rem = lengthB % MOD;
  let sum1 = adlerA & 0xffff;
  let sum2 = (rem * sum1) % MOD;
  sum1 += (adlerB & 0xffff) + MOD - 1;
  sum2 += ((adlerA >>> 16) & 0xffff) + ((adlerB >>> 16) & 0xffff) + MOD - rem;
  if (sum1 >= MOD) sum1 -= MOD;
  if (sum1 >= MOD) sum1 -= MOD;
  if (sum2 >= MOD * 2) sum2 -= MOD * 2;
  if (sum2 >= MOD) sum2 -= MOD;
  return (sum2 * 65536 + sum1) >>> 0;
}
