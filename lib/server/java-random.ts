const MULTIPLIER = 0x5deece66dn;
const ADDEND = 0xbn;
const MASK = (1n << 48n) - 1n;

/**
 * java.util.Random's 48-bit linear congruential generator, bit for bit. ZooKeeper derives
 * session passwords from it (seeded with sessionId ^ superSecret), so a session created by
 * a Java server can be resumed here and the other way round. Not for anything secret.
 */
export class JavaRandom {
  private seed: bigint;

  constructor(seed: bigint) {
    this.seed = (BigInt.asIntN(64, seed) ^ MULTIPLIER) & MASK;
  }

  /** Java's protected next(bits): the top `bits` of the new state, as a signed int. */
  next(bits: number): number {
    this.seed = (this.seed * MULTIPLIER + ADDEND) & MASK;
    return Number(BigInt.asIntN(32, this.seed >> BigInt(48 - bits)));
  }

  nextInt(): number {
    return this.next(32);
  }

  /** Fills `bytes` four at a time from nextInt(), low byte first, as Java does. */
  nextBytes(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; ) {
      let rnd = this.nextInt();
      for (let n = Math.min(bytes.length - i, 4); n-- > 0; rnd >>= 8) bytes[i++] = rnd & 0xff;
    }
  }
}
