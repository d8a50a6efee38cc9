/**
 * The tree digest's arithmetic: AdHash's 64-bit wrapping sum of node digests (each a CRC,
 * below 2^32), kept as two uint32 halves in plain numbers.
 *
 * Why not a bigint: every node change took the old digest out and put the new one in,
 * each step making three young bigints (the operand, the sum, its asIntN), and prep did
 * the same for each change record. At ~50k node changes a second (multi of 10 setData)
 * that was ~3% of the event loop plus its share of scavenges. A bigint is made only where
 * a long leaves: the TxnDigest of a txn and the digest a txn is checked against.
 */
export const TWO_32 = 4294967296;

/**
 * (hi, lo) - prev + next, for prev and next below 2^32; the result's low half. The high
 * half is carryHi(lo - prev + next, hi). Split so callers keep the halves in their own
 * fields, without an object per step.
 */
export function sumLo(lo: number, prev: number, next: number): number {
  const v = lo - prev + next;
  return v - Math.floor(v / TWO_32) * TWO_32;
}

/** The high half after adding `raw` (lo - prev + next, in (-2^32, 2^33)) to a low half. */
export function carryHi(raw: number, hi: number): number {
  return (hi + Math.floor(raw / TWO_32)) >>> 0;
}

const LONG = new BigInt64Array(1);
const WORDS = new Uint32Array(LONG.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0;

/** The halves as Java's signed long. */
export function digestLong(hi: number, lo: number): bigint {
  WORDS[HI] = hi;
  WORDS[1 - HI] = lo;
  return LONG[0];
}

