import { bestCandidate } from '../../lib/quorum/election/total-order-predicate';
import { ServerState } from '../../lib/quorum/vote';
import { ElectionSim, permutations, type SimNode } from './election-sim';

type Data = Record<number, { zxid: bigint; epoch: bigint }>;

const datasets: Record<string, Data> = {
  'equal zxids and epochs': {
    1: { zxid: 0x100000005n, epoch: 1n },
    2: { zxid: 0x100000005n, epoch: 1n },
    3: { zxid: 0x100000005n, epoch: 1n },
    4: { zxid: 0x100000005n, epoch: 1n },
    5: { zxid: 0x100000005n, epoch: 1n },
  },
  'unequal zxids': {
    1: { zxid: 0x200000009n, epoch: 2n },
    2: { zxid: 0x200000004n, epoch: 2n },
    3: { zxid: 0x200000007n, epoch: 2n },
    4: { zxid: 0x200000009n, epoch: 2n },
    5: { zxid: 0x200000001n, epoch: 2n },
  },
  'unequal epochs (a newer epoch beats a longer log)': {
    1: { zxid: 0x200000003n, epoch: 2n },
    2: { zxid: 0x300000001n, epoch: 3n },
    3: { zxid: 0x2000000ffn, epoch: 2n },
    4: { zxid: 0x100000fffn, epoch: 1n },
    5: { zxid: 0x200000010n, epoch: 3n },
  },
};

function nodesFor(n: number, data: Data): SimNode[] {
  return Array.from({ length: n }, (_, i) => ({ id: i + 1, zxid: data[i + 1].zxid, epoch: data[i + 1].epoch }));
}

/** Runs one election with nodes starting in `order`, `gap` ms apart; returns the leader everyone chose. */
function elect(nodes: SimNode[], order: number[], gap: number, seed: number): { leader: bigint; sim: ElectionSim } {
  const sim = new ElectionSim({ nodes, seed });
  order.forEach((id, i) => sim.startAt(id, i * gap));
  sim.runFor(order.length * gap);
  if (!sim.runUntilSettled()) throw new Error(`order ${order} gap ${gap}: did not settle`);
  const outcomes = sim.outcomes();
  expect(outcomes.size).toBe(nodes.length);
  const leaders = new Set([...outcomes.values()].map((o) => o.vote.id));
  if (leaders.size !== 1) throw new Error(`order ${order} gap ${gap}: disagreement ${[...leaders]}`);
  const leader = [...leaders][0];
  for (const [id, o] of outcomes) {
    expect([order, id, o.state]).toEqual([order, id, BigInt(id) === leader ? ServerState.LEADING : ServerState.FOLLOWING]);
    const l = nodes.find((x) => BigInt(x.id) === leader)!;
    expect([order, o.vote.zxid, o.vote.peerEpoch]).toEqual([order, l.zxid, l.epoch]);
  }
  return { leader, sim };
}

const best = (sim: ElectionSim, nodes: SimNode[]) =>
  bestCandidate(sim.verifier, nodes.map((n) => ({ id: BigInt(n.id), zxid: n.zxid!, peerEpoch: n.epoch! })))!.id;

describe.each([3, 5])('fast leader election of %i nodes, for every start order', (n) => {
  const orders = permutations(Array.from({ length: n }, (_, i) => i + 1));

  describe.each(Object.entries(datasets))('with %s', (_name, data) => {
    const nodes = nodesFor(n, data);

    it('elects the node totalOrderPredicate ranks first when all start within finalizeWait', () => {
      orders.forEach((order, k) => {
        const { leader, sim } = elect(nodes, order, 10, 1000 + k);
        expect([order, leader]).toEqual([order, best(sim, nodes)]);
      });
    });

    it('elects the best of the first quorum up when nodes start seconds apart, and late nodes follow it', () => {
      const q = Math.floor(n / 2) + 1;
      orders.forEach((order, k) => {
        const { leader, sim } = elect(nodes, order, 3000, 2000 + k);
        const first = nodes.filter((x) => order.slice(0, q).includes(x.id));
        expect([order, leader]).toEqual([order, best(sim, first)]);
      });
    });
  });
});
