import type { Sim } from './helpers';
import { startSim } from './helpers';

let sim: Sim | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

/** A four-letter word over the simulated client network: the answer, once the server closes. */
async function word(s: Sim, id: number, w: string): Promise<string> {
  const addr = s.ensemble.nodes.get(id)!.clientAddress;
  const chunks: Buffer[] = [];
  let closed = false;
  const sock = s.clients!.connect(addr.host, addr.port, {
    onConnect: () => sock.write(Buffer.from(w)),
    onData: (c) => chunks.push(c),
    onClose: () => (closed = true),
  });
  await s.until(() => closed, 5_000, `${w} answered`);
  return Buffer.concat(chunks).toString();
}

describe('four-letter words on an ensemble', () => {
  it('srvr and stat say Mode: leader / follower / observer; mntr has the quorum gauges', async () => {
    sim = await startSim({
      nodes: [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4, type: 'observer' }],
      seed: 41,
      config: { fourLetterWordWhitelist: ['*'] },
    });
    const leader = await sim.serving();
    const zk = await sim.client([leader.myId]);
    await sim.await(zk.create('/x', 'y'));
    const follower = [1, 2, 3].find((id) => id !== leader.myId)!;

    const srvrLeader = await word(sim, leader.myId, 'srvr');
    expect(srvrLeader).toMatch(/^Zookeeper version: 3\.8\.0/);
    expect(srvrLeader).toContain('Mode: leader\n');
    expect(srvrLeader).toMatch(/Proposal sizes last\/min\/max: \d+\/\d+\/\d+\n/);
    expect(await word(sim, follower, 'srvr')).toContain('Mode: follower\n');
    expect(await word(sim, 4, 'stat')).toContain('Mode: observer\n');

    const mntr = await word(sim, leader.myId, 'mntr');
    const values = new Map(mntr.trim().split('\n').map((l) => l.split('\t') as [string, string]));
    expect(values.get('zk_server_state')).toBe('leader');
    expect(values.get('zk_learners')).toBe('3');
    expect(values.get('zk_synced_followers')).toBe('2');
    expect(values.get('zk_synced_observers')).toBe('1');
    expect(values.get('zk_pending_syncs')).toBe('0');
    // ServerMetrics' sync counters: one per learner, by how the learner says it was synced.
    const modes = [1, 2, 3, 4].filter((id) => id !== leader.myId).map((id) => sim!.ensemble.peer(id).stats.lastSyncMode);
    expect(modes.filter((m) => m === 'SNAP').length).toBeGreaterThan(0);
    expect(values.get('zk_snap_count')).toBe(String(modes.filter((m) => m === 'SNAP').length));
    expect(values.get('zk_diff_count')).toBe(String(modes.filter((m) => m !== 'SNAP').length));
    expect(Number(values.get('zk_last_proposal_size'))).toBeGreaterThan(0);
    const fm = await word(sim, follower, 'mntr');
    expect(fm).toContain('zk_server_state\tfollower\n');
    expect(fm).not.toContain('zk_synced_followers');

    const conf = await word(sim, leader.myId, 'conf');
    expect(conf).toContain('initLimit=10');
    expect(conf).toContain(`serverId=${leader.myId}`);
  });

  it('a server that is not serving answers ruok with imok and other words with "not currently serving"', async () => {
    sim = await startSim({ nodes: 3, seed: 42, config: { fourLetterWordWhitelist: ['*'] } });
    const leader = await sim.serving();
    const others = [1, 2, 3].filter((id) => id !== leader.myId);
    await sim.await(sim.ensemble.stopNode(others[0]));
    await sim.await(sim.ensemble.stopNode(others[1]));
    await sim.until(() => sim!.ensemble.peer(leader.myId).zooKeeperServer === null, 10_000, 'the leader stops serving');
    expect(await word(sim, leader.myId, 'srvr')).toBe('This ZooKeeper instance is not currently serving requests\n');
    expect(await word(sim, leader.myId, 'ruok')).toBe('imok');
  });
});
