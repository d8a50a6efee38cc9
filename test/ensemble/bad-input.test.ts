import type { QuorumConnection } from '../../lib/transport/peer-transport';
import { PacketType } from '../../lib/quorum/zab/packet-types';
import { encodeQuorumPacket, quorumPacket } from '../../lib/quorum/zab/quorum-packet-channel';
import { ServerState } from '../../lib/quorum/vote';
import { startSim, type Sim } from './helpers';

let sim: Sim | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

async function connectToLeader(s: Sim): Promise<QuorumConnection> {
  const leader = s.leader();
  return s.await(s.network!.peerTransport.connectQuorum({ myId: 99, address: leader.quorumAddress, timeoutMs: 1000 }));
}

function ended(c: QuorumConnection): () => boolean {
  let done = false;
  c.data$.subscribe({ complete: () => (done = true), error: () => (done = true) });
  return () => done;
}

describe('a leader faced with bad quorum input', () => {
  it('drops a connection whose first packet is not FOLLOWERINFO or OBSERVERINFO, and goes on serving', async () => {
    sim = await startSim({ nodes: 3, seed: 51 });
    const leader = await sim.serving();
    const c = await connectToLeader(sim);
    const isEnded = ended(c);
    c.write(encodeQuorumPacket(quorumPacket(PacketType.PING, 0n)));
    await sim.until(isEnded, 5_000, 'the connection dropped');
    const zk = await sim.client();
    await sim.await(zk.create('/still', 'ok'));
    expect(leader.peerState).toBe(ServerState.LEADING);
  });

  it('drops a connection that sends bytes that are not a QuorumPacket', async () => {
    sim = await startSim({ nodes: 3, seed: 52 });
    await sim.serving();
    const c = await connectToLeader(sim);
    const isEnded = ended(c);
    // type FOLLOWERINFO, zxid, then a data length far past jute.maxbuffer.
    c.write(Buffer.from('0000000b' + '0000000000000000' + '7ffffff0', 'hex'));
    await sim.until(isEnded, 5_000, 'the connection dropped');
    expect(sim.ensemble.isServing()).toBe(true);
  });

  it('times out a learner that connects and says nothing, within initLimit ticks', async () => {
    sim = await startSim({ nodes: 3, seed: 53 });
    const leader = await sim.serving();
    const c = await connectToLeader(sim);
    const isEnded = ended(c);
    const before = sim.sim.now();
    await sim.until(isEnded, 10_000, 'the silent connection dropped');
    expect(sim.sim.now() - before).toBeGreaterThanOrEqual(leader.initLimit * leader.tickTime - 10);
    expect(sim.ensemble.isServing()).toBe(true);
  });

  it('refuses a learner that claims a later configuration than the leader has', async () => {
    sim = await startSim({ nodes: 3, seed: 54 });
    await sim.serving();
    const c = await connectToLeader(sim);
    const isEnded = ended(c);
    const info = Buffer.alloc(20);
    info.writeBigInt64BE(99n, 0);
    info.writeInt32BE(0x10000, 8);
    info.writeBigInt64BE(0x500000000n, 12);
    c.write(encodeQuorumPacket(quorumPacket(PacketType.FOLLOWERINFO, 0n, info)));
    await sim.until(isEnded, 5_000, 'the connection dropped');
    expect(sim.ensemble.isServing()).toBe(true);
  });
});

describe('peer state as an Observable', () => {
  it('each server reports LOOKING, then its role', async () => {
    sim = await startSim({ nodes: 3, seed: 55 });
    const seen = new Map<number, ServerState[]>();
    for (const n of sim.ensemble.nodes.values()) n.state$.subscribe((s) => seen.set(n.id, [...(seen.get(n.id) ?? []), s]));
    const leader = await sim.serving();
    for (const [id, states] of seen) {
      expect(states[0]).toBe(ServerState.LOOKING);
      expect(states[states.length - 1]).toBe(id === leader.myId ? ServerState.LEADING : ServerState.FOLLOWING);
    }
    const all: Map<number, ServerState>[] = [];
    sim.ensemble.states$().subscribe((m) => all.push(m));
    expect([...all[all.length - 1].values()].sort()).toEqual([ServerState.FOLLOWING, ServerState.FOLLOWING, ServerState.LEADING].sort());
  });
});
