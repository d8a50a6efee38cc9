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
    for (; i < stop; i++) {
      a += buf[i];
      b += a;
    }
    a %= MOD;
    b %= MOD;
  }
  return ((b << 16) | a) >>> 0;
}
