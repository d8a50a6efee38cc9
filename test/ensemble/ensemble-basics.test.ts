import { ServerState } from '../../lib/quorum/vote';
import { startSim, type Sim } from './helpers';

let sim: Sim | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

describe('an in-process ensemble on the memory network', () => {
  it('three servers elect one leader and serve writes and reads everywhere', async () => {
    sim = await startSim({ nodes: 3, seed: 1 });
    const leader = await sim.serving();
    const states = [...sim.ensemble.nodes.values()].map((n) => n.peer.peerState);
    expect(states.filter((s) => s === ServerState.LEADING)).toHaveLength(1);
    expect(states.filter((s) => s === ServerState.FOLLOWING)).toHaveLength(2);

    const zk = await sim.client([leader.myId === 1 ? 2 : 1]);
    await sim.await(zk.create('/a', 'hello'));
    const { data } = await sim.await(zk.getData('/a'));
    expect(data?.toString()).toBe('hello');
    for (const id of [1, 2, 3]) {
      const c = await sim.client([id]);
      await sim.await(c.sync('/a'));
      expect((await sim.await(c.getData('/a'))).data?.toString()).toBe('hello');
    }
  });
});
