import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { treesAgree } from './history-checker';
import { startSim, type Sim } from './helpers';

let sim: Sim | null = null;
let dir: string | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

describe('an ensemble on file storage', () => {
  it('keeps txn logs, snapshots and epoch files in each server\'s directory across a restart', async () => {
    dir = mkdtempSync(join(tmpdir(), 'zoolab-ensemble-'));
    // Real files under a virtual clock: not replayable, but the same code paths as production.
    sim = await startSim({ nodes: 3, seed: 61, storage: { dataDir: dir } });
    const leader = await sim.serving();
    const zk = await sim.client([leader.myId]);
    for (let i = 0; i < 5; i++) await sim.await(zk.create(`/f${i}`, String(i)));
    const victim = [1, 2, 3].find((id) => id !== leader.myId)!;
    await sim.await(sim.ensemble.stopNode(victim));
    await sim.await(zk.create('/while-down', 'x'));
    await sim.await(sim.ensemble.startNode(victim));
    await sim.serving();
    await sim.until(() => treesAgree(sim!.ensemble).ok, 10_000, 'trees agree');
    expect(sim.ensemble.peer(victim).zkDb.dataTree.getNode('/while-down')).toBeDefined();
    expect(sim.ensemble.peer(victim).currentEpoch).toBe(leader.currentEpoch);
  });
});
