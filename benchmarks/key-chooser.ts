/**
 * Which key each operation touches, YCSB-style: uniform, or zipfian (YCSB's
 * ZipfianGenerator, Gray et al.'s "Quickly generating billion-record synthetic
 * databases", θ = 0.99 by default) with the popular ranks scattered over the keyspace
 * by a seeded permutation (YCSB scrambles with a hash; a permutation has no collisions).
 * Everything is seeded, so a run's key sequence replays exactly.
 */

export type KeyDistribution = 'uniform' | 'zipfian';

export const KEY_DISTRIBUTIONS: readonly KeyDistribution[] = ['uniform', 'zipfian'];

/** YCSB's default skew. */
export const ZIPFIAN_THETA = 0.99;

/** A small, fast, seeded PRNG (sfc32) returning floats in [0, 1). */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    // splitmix32 expands one seed into four well-mixed words.
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/** A seed for one session of one worker, derived from the run's seed. */
export function deriveSeed(base: number, ...parts: number[]): number {
  let h = (base ^ 0x811c9dc5) >>> 0;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x01000193) >>> 0;
    h = (h ^ (h >>> 15)) >>> 0;
  }
  return h;
}

export interface KeyChooser {
  /** The index of the next key, in [0, keys). */
  next(): number;
}

export function uniformChooser(keys: number, rng: SeededRandom): KeyChooser {
  return { next: () => rng.below(keys) };
}

/** ζ(n, θ) = Σ_{i=1..n} 1 / i^θ. */
function zeta(n: number, theta: number): number {
  let sum = 0;
  for (let i = 1; i <= n; i++) sum += 1 / Math.pow(i, theta);
  return sum;
}

/**
 * Zipfian ranks over `keys` items (rank 0 the most popular), mapped to keys through a
 * permutation drawn from `permutationSeed` — the same for every session of a run, so all
 * sessions agree on which keys are hot.
 */
export function zipfianChooser(keys: number, rng: SeededRandom, permutationSeed: number, theta = ZIPFIAN_THETA): KeyChooser {
  if (keys < 2) return { next: () => 0 };
  const zetan = zeta(keys, theta);
  const zeta2 = zeta(2, theta);
  const alpha = 1 / (1 - theta);
  const eta = (1 - Math.pow(2 / keys, 1 - theta)) / (1 - zeta2 / zetan);
  const half = 1 + Math.pow(0.5, theta);
  const perm = permutation(keys, new SeededRandom(permutationSeed));
  const rank = (): number => {
    const u = rng.next();
    const uz = u * zetan;
    if (uz < 1) return 0;
    if (uz < half) return 1;
    return Math.min(keys - 1, Math.floor(keys * Math.pow(eta * u - eta + 1, alpha)));
  };
  return { next: () => perm[rank()] };
}

function permutation(n: number, rng: SeededRandom): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

export function keyChooser(dist: KeyDistribution, keys: number, rng: SeededRandom, runSeed: number): KeyChooser {
  return dist === 'zipfian' ? zipfianChooser(keys, rng, deriveSeed(runSeed, 0x5eed)) : uniformChooser(keys, rng);
}
