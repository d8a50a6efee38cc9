import { runChaos } from './nemesis';

/**
 * An exploratory sweep over many seeds, off by default (it takes a while):
 * ZOOLAB_CHAOS_SEEDS=1000-1059 npx jest test/ensemble/chaos-sweep
 * Each failing seed is printed; put it in chaos.test.ts once understood.
 */
const range = process.env.ZOOLAB_CHAOS_SEEDS?.split('-').map(Number);

(range ? it : it.skip)('a sweep of seeded chaos runs keeps every guarantee', async () => {
  const [from, to] = range ?? [0, -1];
  const bad: string[] = [];
  for (let seed = from; seed <= (to ?? from); seed++) {
    try {
      const r = await runChaos({ seed, nodes: seed % 2 ? 3 : 5, observers: seed % 3 === 0 ? 1 : 0, durationMs: 25_000, drop: Number(process.env.ZOOLAB_CHAOS_DROP ?? 0.1) });
      if (r.violations.length || r.lost.length || !r.agree.ok) bad.push(`${seed}: ${r.violations.slice(0, 3).join('; ')} lost=${r.lost.length} agree=${r.agree.ok}`);
    } catch (e) {
      bad.push(`${seed}: ${(e as Error).message}`);
    }
  }
  expect(bad).toEqual([]);
}, 3_600_000);
