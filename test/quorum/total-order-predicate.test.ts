import { parseZooCfg } from '../../lib/config/zoo-cfg';
import { createQuorumVerifier } from '../../lib/quorum/create-quorum-verifier';
import { bestCandidate, totalOrderPredicate } from '../../lib/quorum/election/total-order-predicate';
import { QuorumMaj } from '../../lib/quorum/quorum-maj';
import { LONG_MIN } from '../../lib/quorum/vote';
import { serverSpecs } from './election-sim';
import { golden, HIER_CFG } from './golden';

const maj = new QuorumMaj(serverSpecs([{ id: 1 }, { id: 2 }, { id: 3 }]));
const c = (id: number, zxid: bigint, peerEpoch: bigint) => ({ id: BigInt(id), zxid, peerEpoch });

describe('totalOrderPredicate', () => {
  it('prefers the higher epoch, whatever the zxids and ids', () => {
    expect(totalOrderPredicate(maj, c(1, 1n, 2n), c(3, 0x900000000n, 1n))).toBe(true);
    expect(totalOrderPredicate(maj, c(3, 0x900000000n, 1n), c(1, 1n, 2n))).toBe(false);
  });

  it('then the higher zxid', () => {
    expect(totalOrderPredicate(maj, c(1, 6n, 1n), c(3, 5n, 1n))).toBe(true);
    expect(totalOrderPredicate(maj, c(3, 5n, 1n), c(1, 6n, 1n))).toBe(false);
  });

  it('then the higher server id', () => {
    expect(totalOrderPredicate(maj, c(3, 5n, 1n), c(2, 5n, 1n))).toBe(true);
    expect(totalOrderPredicate(maj, c(2, 5n, 1n), c(3, 5n, 1n))).toBe(false);
  });

  it('is false for an equal vote (it is strict)', () => {
    expect(totalOrderPredicate(maj, c(2, 5n, 1n), c(2, 5n, 1n))).toBe(false);
  });

  it("beats an observer's empty proposal (Long.MIN_VALUE everywhere)", () => {
    expect(totalOrderPredicate(maj, c(1, 0n, 0n), { id: LONG_MIN, zxid: LONG_MIN, peerEpoch: LONG_MIN })).toBe(true);
  });

  it('never lets a weight-0 server win', () => {
    const h = createQuorumVerifier({
      servers: serverSpecs([{ id: 1 }, { id: 2 }, { id: 3 }]),
      groups: new Map([[1, [1, 2, 3]]]),
      weights: new Map([[3, 0]]),
    });
    expect(totalOrderPredicate(h, c(3, 99n, 9n), c(1, 0n, 0n))).toBe(false);
    expect(bestCandidate(h, [c(1, 0n, 0n), c(2, 0n, 0n), c(3, 99n, 9n)])?.id).toBe(2n);
  });

  it("agrees with ZooKeeper 3.8's own totalOrderPredicate on the golden cases", () => {
    const { config } = parseZooCfg(`tickTime=2000\ninitLimit=10\nsyncLimit=5\ndataDir=/nonexistent\n${HIER_CFG}`, { loadMyId: () => 1 });
    const h = createQuorumVerifier(config);
    for (const { args, result } of golden.totalOrderPredicate) {
      const [nId, nZxid, nEpoch, cId, cZxid, cEpoch] = args.map(BigInt);
      expect([args, totalOrderPredicate(h, { id: nId, zxid: nZxid, peerEpoch: nEpoch }, { id: cId, zxid: cZxid, peerEpoch: cEpoch })]).toEqual([
        args,
        result,
      ]);
    }
  });
});

describe('bestCandidate', () => {
  it('picks the maximum of the total order', () => {
    expect(bestCandidate(maj, [c(1, 5n, 1n), c(3, 4n, 1n), c(2, 5n, 1n)])?.id).toBe(2n);
    expect(bestCandidate(maj, [])).toBeUndefined();
  });
});
