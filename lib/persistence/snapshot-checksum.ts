const MOD = 65521;
/** Largest n such that 255·n·(n+1)/2 + (n+1)·(MOD−1) < 2^32: sums can wait that long. */
const NMAX = 5552;

/**
 * java.util.zip.Adler32 fed piece by piece, as SnapStream's CheckedOutputStream and
 * CheckedInputStream are: a snapshot's seal holds the Adler-32 of every uncompressed byte
 * before it, so the value has to follow a stream written (or read) in chunks.
 */
export class Adler32 {
  private a = 1;
  private b = 0;

  update(buf: Uint8Array, start = 0, end = buf.length): this {
    let a = this.a;
    let b = this.b;
    let i = start;
    while (i < end) {
      const stop = Math.min(i + NMAX, end);
      for (; i < stop; i++) {
        a += buf[i];
        b += a;
      }
      a %= MOD;
      b %= MOD;
    }
    this.a = a;
    this.b = b;
    return this;
  }

  /** Checksum.getValue(): unsigned 32 bits, stored in the seal as a long. */
  get value(): number {
    return ((this.b << 16) | this.a) >>> 0;
  }
}

/** The Adler-32 of one range of bytes. */
export function adler32Of(buf: Uint8Array, start = 0, end = buf.length): number {
  return new Adler32().update(buf, start, end).value;
}

/**
 * zlib's adler32_combine: the Adler-32 of A followed by B, from the Adler-32 of each and
 * B's length. Lets a seal be computed from a checksum of the body taken elsewhere (in
 * zlib, off the main thread) and the few bytes written after it.
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
