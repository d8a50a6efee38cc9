const MOD = 65521;
/** Largest n such that 255·n·(n+1)/2 + (n+1)·(MOD−1) < 2^32: sums can wait that long. */
const NMAX = 5552;

/**
 * Adler-32 (RFC 1950), as java.util.zip.Adler32: the value FileTxnLog stores, as a long,
 * in front of every log entry. Node's zlib offers no Adler-32, and it is a few lines.
 */
export function adler32(buf: Uint8Array, start = 0, end = buf.length): number {
  let a = 1;
  let b = 0;
  let i = start;
  while (i < end) {
    const stop = Math.min(i + NMAX, end);
    // Eight bytes per step with b's sum written out (b += 8a + 8x0 + 7x1 + … + x7): the
    // same values as byte by byte, without the a → b dependency on every byte (~1.6x).
    const stop8 = stop - ((stop - i) & 7);
    for (; i < stop8; i += 8) {
      const x0 = buf[i], x1 = buf[i + 1], x2 = buf[i + 2], x3 = buf[i + 3];
      const x4 = buf[i + 4], x5 = buf[i + 5], x6 = buf[i + 6], x7 = buf[i + 7];
      b += 8 * a + 8 * x0 + 7 * x1 + 6 * x2 + 5 * x3 + 4 * x4 + 3 * x5 + 2 * x6 + x7;
      a += x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7;
    }
    for (; i < stop; i++) {
      a += buf[i];
      b += a;
    }
    a %= MOD;
    b %= MOD;
  }
  return ((b << 16) | a) >>> 0;
}
