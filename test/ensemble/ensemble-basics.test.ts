import { Code, Perms } from '../../lib/protocol';
import { ServerState } from '../../lib/quorum/vote';
import { APP_AT_COUNT_HARD_LIMIT } from '../support/quota-fixture';
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

describe('digest.enabled=false on every server', () => {
  it('replicates writes with no digest in any proposal or log, and a follower that was away catches up', async () => {
    sim = await startSim({ nodes: 3, seed: 3, config: { digestEnabled: false } });
    const leader = await sim.serving();
    const followerId = [1, 2, 3].find((id) => id !== leader.myId)!;
    const zk = await sim.client([leader.myId]);
    for (let i = 0; i < 10; i++) await sim.await(zk.create(`/n${i}`, `v${i}`));
    await sim.ensemble.stopNode(followerId);
    for (let i = 0; i < 10; i++) await sim.await(zk.setData(`/n${i}`, `w${i}`, -1));
    await sim.ensemble.startNode(followerId);
    await sim.until(() => sim!.ensemble.nodes.get(followerId)!.peer.peerState === ServerState.FOLLOWING, 20_000, 'follower back');
    const back = await sim.client([followerId]);
    await sim.await(back.sync('/n9'));
    expect((await sim.await(back.getData('/n9'))).data?.toString()).toBe('w9');

    for (const node of sim.ensemble.nodes.values()) {
      const db = node.peer.zkDb;
      expect(db.dataTree.digestEnabled).toBe(false);
      expect(db.dataTree.digests.mismatches).toBe(0);
      let logged = 0;
      for await (const e of node.peer.txnLogTail.read(0n)) {
        logged++;
        expect(e.digest ?? null).toBeNull();
      }
      expect(logged).toBeGreaterThanOrEqual(20);
    }
  });
});

describe('skipACL=yes and enforceQuota=true on every server', () => {
  it('a follower serves an ACL-guarded znode to anyone, and the leader refuses a create past a hard quota', async () => {
    sim = await startSim({ nodes: 3, seed: 4, config: { skipACL: true, enforceQuota: true } });
    const leader = await sim.serving();
    const followerId = [1, 2, 3].find((id) => id !== leader.myId)!;
    const owner = await sim.client([followerId]);
    // Only a digest identity nobody here has may read or write it.
    await sim.await(owner.create('/guarded', 'private', { acl: [{ perms: Perms.ALL, id: { scheme: 'digest', id: 'someone:bm8gc3VjaA==' } }] }));
    const stranger = await sim.client([followerId]);
    await sim.await(stranger.sync('/guarded'));
    expect((await sim.await(stranger.getData('/guarded'))).data?.toString()).toBe('private');
    await sim.await(stranger.setData('/guarded', 'anyone', -1));

    for (const [path, data] of APP_AT_COUNT_HARD_LIMIT) await sim.await(owner.create(path, data));
    await expect(sim.await(owner.create('/app/b', 'two'))).rejects.toMatchObject({ code: Code.QUOTAEXCEEDED });
  });
});
