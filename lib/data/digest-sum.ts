/**
 * The tree digest's arithmetic: AdHash's 64-bit wrapping sum of node digests (each a CRC,
 * below 2^32), kept as two uint32 halves in plain numbers.
 *
 * Why not a bigint: every node change took the old digest out and put the new one in,
 * each step making three young bigints (the operand, the sum, its asIntN), and prep did
 * the same for each change record. At ~50k node changes a second (multi of 10 setData)
 * that was ~3% of the event loop plus its share of scavenges. A bigint is made only where
 * a long leaves (digestLong): the TxnDigest of a txn and the digest a txn is checked
 * against.
 *
 * A step replaces `prev` by `next` (both below 2^32; 0 for none) in a sum (hi, lo): its
 * raw value is lo - prev + next, in (-2^32, 2^33), and the new halves are sumLo(raw) and
 * carryHi(raw, hi). Callers keep the halves in their own fields, without an object per
 * step.
 */
export const TWO_32 = 4294967296;

/** The new low half from a step's raw value. */
export function sumLo(raw: number): number {
  return raw - Math.floor(raw / TWO_32) * TWO_32;
}

/** The new high half from a step's raw value and the old high half. */
export function carryHi(raw: number, hi: number): number {
  return (hi + Math.floor(raw / TWO_32)) >>> 0;
}
