import { createNodeContainer, silentLogger } from '../../lib/core';
import { ELECTION_FACTORY } from '../../lib/quorum/election/election';
import { fastLeaderElectionModule } from '../../lib/quorum/election/fast-leader-election-factory';
import { ServerState } from '../../lib/quorum/vote';
import { electionRaftStyleModule, raftStyleElection } from '../../plugins/election-raft-style';
import { decodeRaftMessage, encodeRaftMessage, RaftMessageError, type RaftMessage } from '../../plugins/election-raft-style/raft-messages';
import { ElectionSim, permutations, type SimNode, type SimOptions } from './election-sim';

const raft = raftStyleElection();

/** Every LEADING decision of a run, as term → leaders. */
function leadersByTerm(sim: ElectionSim): Map<bigint, Set<bigint>> {
  const m = new Map<bigint, Set<bigint>>();
  for (const p of sim.peers.values()) {
    for (const { outcome } of p.outcomes) {
      if (outcome.state !== ServerState.LEADING) continue;
      const s = m.get(outcome.vote.electionEpoch) ?? new Set();
      s.add(outcome.vote.id);
      m.set(outcome.vote.electionEpoch, s);
    }
  }
  return m;
}

function expectOneLeaderPerTerm(sim: ElectionSim): void {
  for (const [term, leaders] of leadersByTerm(sim)) expect([term, [...leaders]]).toEqual([term, [...leaders].slice(0, 1)]);
}

function expectAgreement(sim: ElectionSim): bigint {
  const ups = [...sim.peers.values()].filter((p) => p.up);
  const ids = new Set(ups.map((p) => p.election.currentVote?.id));
  expect(ids.size).toBe(1);
  const leader = [...ids][0]!;
  for (const p of ups) expect(p.election.peerState).toBe(BigInt(p.spec.id) === leader ? ServerState.LEADING : ServerState.FOLLOWING);
  return leader;
}

const data = (id: number) => ({ zxid: 0x200000000n + BigInt((id * 3) % 5), epoch: 2n });

describe('the raft-style election', () => {
  it.each([3, 5])('converges to one leader for every start order of %i nodes', (n) => {
    const nodes: SimNode[] = Array.from({ length: n }, (_, i) => ({ id: i + 1, ...data(i + 1) }));
    permutations(nodes.map((x) => x.id)).forEach((order, k) => {
      const sim = new ElectionSim({ nodes, seed: 300 + k, factory: raft });
      order.forEach((id, i) => sim.startAt(id, i * 40));
      sim.runFor(n * 40);
      expect(sim.runUntilSettled()).toBe(true);
      const leader = expectAgreement(sim);
      expectOneLeaderPerTerm(sim);
      // Votes go only to candidates at least as up to date: a quorum holds no newer data.
      const l = nodes.find((x) => BigInt(x.id) === leader)!;
      const notNewer = nodes.filter((x) => x.epoch! < l.epoch! || (x.epoch === l.epoch && x.zxid! <= l.zxid!)).map((x) => x.id);
      expect(sim.verifier.containsQuorum(new Set(notNewer))).toBe(true);
    });
  });

  const faults: [string, Partial<SimOptions>][] = [
    ['drops', { drop: 0.4 }],
    ['duplicates and reordering', { duplicate: 0.4, reorder: true, latency: [1, 200] }],
    ['all three', { drop: 0.3, duplicate: 0.3, reorder: true, latency: [1, 250] }],
  ];

  it.each(faults)('never has two leaders in a term, and converges, under %s and leader crashes', (_name, f) => {
    const nodes: SimNode[] = [1, 2, 3, 4, 5].map((id) => ({ id, zxid: 0x100000000n, epoch: 1n }));
    for (let seed = 1; seed <= 15; seed++) {
      const sim = new ElectionSim({ nodes, seed, factory: raft, supervise: { checkMs: 1500 }, ...f });
      [1, 2, 3, 4, 5].forEach((id) => sim.startAt(id, sim.random.int(100)));
      expect(sim.runUntilStable()).toBe(true);
      const first = expectAgreement(sim);
      sim.crash(Number(first));
      expect(sim.runUntilStable()).toBe(true);
      expect(expectAgreement(sim)).not.toBe(first);
      expectOneLeaderPerTerm(sim);
    }
  });

  it('never lets a weight-0 voter lead, and observers only observe', () => {
    const nodes: SimNode[] = [
      { id: 1, zxid: 5n, epoch: 1n },
      { id: 2, zxid: 5n, epoch: 1n },
      { id: 3, zxid: 5n, epoch: 1n },
      { id: 4, type: 'observer', zxid: 9n, epoch: 9n },
    ];
    for (let seed = 1; seed <= 10; seed++) {
      const sim = new ElectionSim({ nodes, seed, factory: raft, groups: new Map([[1, [1, 2, 3]]]), weights: new Map([[3, 0]]) });
      [4, 3, 2, 1].forEach((id, i) => sim.startAt(id, i * 10));
      sim.runFor(100);
      expect(sim.runUntilSettled()).toBe(true);
      const outcomes = sim.outcomes();
      const leader = outcomes.get(1)!.vote.id;
      expect([1n, 2n]).toContain(leader);
      expect(outcomes.get(3)?.state).toBe(ServerState.FOLLOWING);
      expect(outcomes.get(4)).toMatchObject({ state: ServerState.OBSERVING, vote: { id: leader } });
    }
  });

  it('a node that starts late learns the established leader', () => {
    const nodes: SimNode[] = [1, 2, 3, 4, 5].map((id) => ({ id, zxid: 0n, epoch: 0n }));
    const sim = new ElectionSim({ nodes, seed: 11, factory: raft });
    [1, 2, 3].forEach((id) => sim.startAt(id, 0));
    expect(sim.runUntilSettled()).toBe(true);
    const leader = sim.peer(1).election.currentVote!.id;
    sim.runFor(30_000);
    sim.look(5);
    expect(sim.runUntilSettled()).toBe(true);
    expect(sim.outcomes().get(5)).toMatchObject({ state: ServerState.FOLLOWING, vote: { id: leader } });
  });
});

describe('swapping election strategies', () => {
  it('is one binding: the same ensemble elects with either module', () => {
    const nodes: SimNode[] = [1, 2, 3].map((id) => ({ id, zxid: 0n, epoch: 0n }));
    for (const module of [fastLeaderElectionModule(), electionRaftStyleModule({ electionTimeoutMs: [100, 200] })]) {
      const c = createNodeContainer({ config: {}, plugins: [module], seed: 1, logger: silentLogger });
      const sim = new ElectionSim({ nodes, seed: 2, factory: c.get(ELECTION_FACTORY) });
      [1, 2, 3].forEach((id) => sim.startAt(id, 0));
      expect(sim.runUntilSettled()).toBe(true);
      expectAgreement(sim);
    }
  });
});

describe('raft-style messages', () => {
  const samples: RaftMessage[] = [
    { type: 'voteRequest', term: 3n, candidate: 2n, lastZxid: 0x100000004n, lastEpoch: 1n },
    { type: 'voteReply', term: 3n, granted: true },
    { type: 'voteReply', term: 4n, granted: false },
    { type: 'leaderAnnounce', term: 3n, leader: 2n, zxid: 7n, epoch: 1n, state: ServerState.LEADING },
    { type: 'probe', term: 0n },
  ];

  it('round-trip', () => {
    for (const m of samples) expect(decodeRaftMessage(encodeRaftMessage(m), 9)).toEqual({ ...m, from: 9 });
  });

  it('refuse bad bytes with a typed error', () => {
    const codeOf = (b: Buffer) => {
      try {
        decodeRaftMessage(b, 1);
      } catch (e) {
        expect(e).toBeInstanceOf(RaftMessageError);
        return (e as RaftMessageError).code;
      }
    };
    const req = encodeRaftMessage(samples[0]);
    expect(codeOf(Buffer.alloc(3))).toBe('length');
    expect(codeOf(Buffer.from(req).fill(0, 0, 4))).toBe('bad-magic');
    expect(codeOf(Buffer.concat([req, Buffer.alloc(1)]))).toBe('length');
    const t = Buffer.from(req);
    t.writeInt8(9, 4);
    expect(codeOf(t)).toBe('unknown-type');
    const reply = encodeRaftMessage(samples[1]);
    reply.writeInt8(2, 13);
    expect(codeOf(reply)).toBe('bad-value');
    const ann = encodeRaftMessage(samples[3]);
    ann.writeInt32BE(ServerState.LOOKING, 37);
    expect(codeOf(ann)).toBe('bad-value');
    // A FastLeaderElection notification is not mistaken for one.
    expect(codeOf(Buffer.alloc(44))).toBe('bad-magic');
    expect(() => encodeRaftMessage({ type: 'probe', term: 1n << 63n })).toThrow(RaftMessageError);
  });
});
