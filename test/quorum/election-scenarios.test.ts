import { bestCandidate } from '../../lib/quorum/election/total-order-predicate';
import { ServerState } from '../../lib/quorum/vote';
import { ElectionSim, type SimNode, type SimOptions } from './election-sim';

const candidates = (nodes: SimNode[]) => nodes.map((n) => ({ id: BigInt(n.id), zxid: n.zxid ?? 0n, peerEpoch: n.epoch ?? 0n }));

function leaderOf(sim: ElectionSim): bigint {
  const ids = new Set([...sim.outcomes().values()].map((o) => o.vote.id));
  expect(ids.size).toBe(1);
  return [...ids][0];
}

function startAll(sim: ElectionSim, ids: number[], gap = 5): void {
  ids.forEach((id, i) => sim.startAt(id, i * gap));
}

describe('weighted and hierarchical quorums', () => {
  // Two groups; server 3 weighs 0 and has the best data of all.
  const nodes: SimNode[] = [
    { id: 1, zxid: 0x100000004n, epoch: 1n },
    { id: 2, zxid: 0x100000006n, epoch: 1n },
    { id: 3, zxid: 0x200000009n, epoch: 2n },
    { id: 4, zxid: 0x100000005n, epoch: 1n },
    { id: 5, zxid: 0x100000001n, epoch: 1n },
    { id: 6, zxid: 0x100000002n, epoch: 1n },
  ];
  const groups = new Map([[1, [1, 2, 3]], [2, [4, 5, 6]]]);
  const weights = new Map([[3, 0]]);

  it('never elects a weight-0 server, however good its data; the best weighted one wins', () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const sim = new ElectionSim({ nodes, groups, weights, seed });
      startAll(sim, [3, 1, 2, 4, 5, 6].sort(() => sim.random.next() - 0.5));
      expect(sim.runUntilSettled()).toBe(true);
      expect(leaderOf(sim)).toBe(2n);
      expect(sim.outcomes().get(3)?.state).toBe(ServerState.FOLLOWING);
    }
  });

  it('decides only with a majority of the weight in a majority of groups', () => {
    // Group 1 alone (all of its weight) is no quorum of two groups.
    const sim = new ElectionSim({ nodes, groups, weights, seed: 9 });
    startAll(sim, [1, 2, 3]);
    sim.runFor(20_000);
    expect(sim.outcomes().size).toBe(0);
    // One more server of group 2 is still not a majority of that group's weight (1 of 3) …
    sim.look(4);
    sim.runFor(20_000);
    expect(sim.outcomes().size).toBe(0);
    // … two are.
    sim.look(5);
    expect(sim.runUntilSettled()).toBe(true);
    expect(leaderOf(sim)).toBe(2n);
  });

  it('with weights that leave a light group out, the heavy servers decide alone', () => {
    const sim = new ElectionSim({
      nodes: nodes.slice(0, 5),
      groups: new Map([[1, [1, 2]], [2, [3]], [3, [4, 5]]]),
      weights: new Map([[1, 3], [2, 1], [3, 0], [4, 1], [5, 2]]),
      seed: 4,
    });
    // Group 2 weighs 0 and does not count: groups 1 and 3 decide, each by its heavy server.
    startAll(sim, [1, 5]);
    expect(sim.runUntilSettled()).toBe(true);
    expect(leaderOf(sim)).toBe(1n); // same epoch, and 1 has the higher zxid
  });
});

describe('observers', () => {
  const voters: SimNode[] = [
    { id: 1, zxid: 0x100000003n, epoch: 1n },
    { id: 2, zxid: 0x100000007n, epoch: 1n },
    { id: 3, zxid: 0x100000005n, epoch: 1n },
  ];
  // Better data and higher ids than every voter: were they counted, they would win.
  const observers: SimNode[] = [
    { id: 8, type: 'observer', zxid: 0x900000000n, epoch: 9n },
    { id: 9, type: 'observer', zxid: 0x900000000n, epoch: 9n },
  ];

  it('never vote: the voters elect the same leader with or without them, and observers observe it', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const plain = new ElectionSim({ nodes: voters, seed });
      startAll(plain, [1, 2, 3]);
      expect(plain.runUntilSettled()).toBe(true);

      const mixed = new ElectionSim({ nodes: [...voters, ...observers], seed });
      startAll(mixed, [8, 9, 1, 2, 3], 3);
      expect(mixed.runUntilSettled()).toBe(true);
      expect(leaderOf(mixed)).toBe(leaderOf(plain));
      expect(leaderOf(mixed)).toBe(bestCandidate(mixed.verifier, candidates(voters))!.id);
      for (const id of [8, 9]) expect(mixed.outcomes().get(id)?.state).toBe(ServerState.OBSERVING);
      const leader = mixed.outcomes().get(Number(leaderOf(mixed)))!;
      for (const acks of leader.voteSet!.ackSets()) expect([...acks].some((s) => s >= 8)).toBe(false);
    }
  });

  it('cannot make up a quorum: one voter and two observers elect nobody', () => {
    const sim = new ElectionSim({ nodes: [...voters, ...observers], seed: 3 });
    startAll(sim, [8, 9, 1]);
    sim.runFor(30_000);
    expect(sim.outcomes().size).toBe(0);
    sim.look(3);
    expect(sim.runUntilSettled()).toBe(true);
    expect(leaderOf(sim)).toBe(3n);
  });

  it('an observer that starts late learns the leader', () => {
    const sim = new ElectionSim({ nodes: [...voters, ...observers], seed: 5 });
    startAll(sim, [1, 2, 3]);
    expect(sim.runUntilSettled()).toBe(true);
    sim.runFor(10_000);
    sim.look(9);
    expect(sim.runUntilSettled()).toBe(true);
    expect(sim.outcomes().get(9)).toMatchObject({ state: ServerState.OBSERVING, vote: { id: 2n } });
  });
});

describe('a node that joins late', () => {
  const nodes: SimNode[] = [
    { id: 1, zxid: 0x100000003n, epoch: 1n },
    { id: 2, zxid: 0x100000002n, epoch: 1n },
    { id: 3, zxid: 0x100000001n, epoch: 1n },
    { id: 4, zxid: 0x100000009n, epoch: 1n },
    { id: 5, zxid: 0x200000001n, epoch: 2n },
  ];

  it('learns the leader from FOLLOWING / LEADING answers, even with better data of its own', () => {
    for (const seed of [1, 2, 3, 4]) {
      const sim = new ElectionSim({ nodes, seed });
      startAll(sim, [1, 2, 3]);
      expect(sim.runUntilSettled()).toBe(true);
      expect(leaderOf(sim)).toBe(1n);
      sim.runFor(60_000);
      sim.look(5);
      sim.startAt(4, sim.now + 1000);
      sim.runFor(1000);
      expect(sim.runUntilSettled()).toBe(true);
      expect(sim.outcomes().get(5)).toMatchObject({ state: ServerState.FOLLOWING, vote: { id: 1n } });
      expect(sim.outcomes().get(4)).toMatchObject({ state: ServerState.FOLLOWING, vote: { id: 1n } });
      // The ensemble saw the newcomers look (the leader would hand this to Leader.reportLookingSid).
      expect(sim.peer(1).events).toContainEqual({ kind: 'lookingPeer', sid: 5 });
      // Nobody else moved.
      for (const id of [1, 2, 3]) expect(sim.peer(id).outcomes).toHaveLength(1);
    }
  });

  it('after the leader crashes, the others elect the best of the survivors in a new round', () => {
    const sim = new ElectionSim({ nodes, seed: 7, supervise: { checkMs: 1000 } });
    startAll(sim, [1, 2, 3, 4, 5]);
    expect(sim.runUntilStable()).toBe(true);
    expect(leaderOf(sim)).toBe(5n);
    sim.crash(5);
    expect(sim.runUntilStable()).toBe(true);
    expect(sim.peer(1).election.currentVote?.id).toBe(4n);
    expect(sim.peer(4).election.peerState).toBe(ServerState.LEADING);
    expect(sim.peer(1).election.currentVote!.electionEpoch).toBeGreaterThan(1n);
  });
});

describe('after a leader crash, survivors that look at different times', () => {
  const nodes: SimNode[] = [1, 2, 3].map((id) => ({ id, zxid: 0x100000005n, epoch: 1n }));

  it.each([
    ['the better one looks first', 2, 1],
    ['the worse one looks first', 1, 2],
  ])('decide one finalizeWait after the later one looks, when %s', (_name, first, second) => {
    const sim = new ElectionSim({ nodes, seed: 3, latency: [1, 1] });
    startAll(sim, [1, 2, 3]);
    expect(sim.runUntilSettled()).toBe(true);
    expect(leaderOf(sim)).toBe(3n);
    sim.crash(3);
    const t0 = sim.now;
    sim.look(first);
    // The other one is still following: it answers with the old leader and is not told
    // again by the notifications of `first`'s round, which went out before it looked.
    sim.runFor(10);
    sim.look(second);
    expect(sim.runUntilSettled()).toBe(true);
    for (const id of [1, 2]) {
      const { at, outcome } = sim.peer(id).outcomes.at(-1)!;
      expect(outcome.vote.id).toBe(2n);
      // finalizeWait (200) after the second look, plus a few 1 ms hops; not a notification timeout more.
      expect(at - t0).toBeLessThan(10 + 200 + 20);
    }
  });
});

describe('an unreliable network', () => {
  const nodes: SimNode[] = [1, 2, 3, 4, 5].map((id) => ({ id, zxid: 0x100000000n + BigInt((id * 7) % 5), epoch: 1n }));
  const cases: [string, Partial<SimOptions>][] = [
    ['half the messages dropped', { drop: 0.5 }],
    ['half the messages duplicated', { duplicate: 0.5, latency: [1, 150] }],
    ['reordering', { reorder: true, latency: [1, 300] }],
    ['all three', { drop: 0.4, duplicate: 0.3, reorder: true, latency: [1, 300] }],
  ];

  it.each(cases)('with %s still converges on one leader that a quorum follows', (_name, faults) => {
    const leaders = new Set<bigint>();
    for (let seed = 1; seed <= 25; seed++) {
      const sim = new ElectionSim({ nodes, seed, supervise: { checkMs: 2000 }, ...faults });
      startAll(sim, [5, 3, 1, 4, 2].sort(() => sim.random.next() - 0.5), 60);
      if (!sim.runUntilStable()) throw new Error(`seed ${seed}: no stable leader`);
      const leader = sim.peer(1).election.currentVote!.id;
      let leading = 0;
      for (const p of sim.peers.values()) {
        expect(p.election.currentVote?.id).toBe(leader);
        if (p.election.peerState === ServerState.LEADING) leading++;
      }
      expect(leading).toBe(1);
      leaders.add(leader);
    }
    // Loss can cost the best node the lead, but the order still decides most runs.
    expect(leaders.has(bestCandidate(new ElectionSim({ nodes }).verifier, candidates(nodes))!.id)).toBe(true);
  });

  it('replays exactly from the same seed', () => {
    const run = () => {
      const sim = new ElectionSim({ nodes, seed: 42, drop: 0.3, duplicate: 0.3, reorder: true, latency: [1, 100], supervise: { checkMs: 2000 } });
      startAll(sim, [1, 2, 3, 4, 5]);
      sim.runUntilStable();
      return [sim.now, sim.sent, sim.delivered, ...[...sim.peers.values()].map((p) => p.outcomes.map((o) => `${o.at}:${o.outcome.vote}`).join())];
    };
    expect(run()).toEqual(run());
  });
});
