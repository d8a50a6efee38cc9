import { deriveSeed, keyChooser, SeededRandom, zipfianChooser } from '../../benchmarks/key-chooser';

function draw(n: number, next: () => number): number[] {
  return Array.from({ length: n }, next);
}

describe('key distributions', () => {
  it('replays the same key sequence from the same seed', () => {
    const a = keyChooser('zipfian', 1000, new SeededRandom(7), 42);
    const b = keyChooser('zipfian', 1000, new SeededRandom(7), 42);
    expect(draw(500, () => a.next())).toEqual(draw(500, () => b.next()));
  });

  it('gives different sessions different sequences', () => {
    const a = keyChooser('uniform', 1000, new SeededRandom(deriveSeed(42, 0, 0)), 42);
    const b = keyChooser('uniform', 1000, new SeededRandom(deriveSeed(42, 0, 1)), 42);
    expect(draw(50, () => a.next())).not.toEqual(draw(50, () => b.next()));
  });

  it('keeps every key inside the keyspace', () => {
    for (const dist of ['uniform', 'zipfian'] as const) {
      const c = keyChooser(dist, 37, new SeededRandom(1), 9);
      for (const k of draw(5000, () => c.next())) {
        expect(Number.isInteger(k)).toBe(true);
        expect(k).toBeGreaterThanOrEqual(0);
        expect(k).toBeLessThan(37);
      }
    }
  });

  it('zipfian concentrates load on a few hot keys, uniform does not', () => {
    const counts = (dist: 'uniform' | 'zipfian'): number[] => {
      const c = keyChooser(dist, 1000, new SeededRandom(3), 5);
      const n = new Array(1000).fill(0);
      for (let i = 0; i < 100_000; i++) n[c.next()]++;
      return n.sort((x, y) => y - x);
    };
    const top10 = (xs: number[]): number => xs.slice(0, 10).reduce((a, b) => a + b, 0) / 100_000;
    // θ = 0.99 over 1000 keys: the 10 hottest take about 39% of requests.
    expect(top10(counts('zipfian'))).toBeGreaterThan(0.3);
    expect(top10(counts('uniform'))).toBeLessThan(0.03);
  });

  it('scatters the hot keys: every session agrees which keys are hot, and they are not simply 0, 1, 2', () => {
    const hottest = (seed: number): number => {
      const c = zipfianChooser(1000, new SeededRandom(seed), 1234);
      const n = new Map<number, number>();
      for (let i = 0; i < 20_000; i++) {
        const k = c.next();
        n.set(k, (n.get(k) ?? 0) + 1);
      }
      return [...n.entries()].sort((a, b) => b[1] - a[1])[0][0];
    };
    expect(hottest(1)).toBe(hottest(2));
    expect(hottest(1)).not.toBe(0);
  });
});
