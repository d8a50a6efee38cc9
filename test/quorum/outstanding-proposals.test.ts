import { OutstandingProposals } from '../../lib/quorum/zab/outstanding-proposals';
import { PacketType } from '../../lib/quorum/zab/packet-types';
import { Proposal } from '../../lib/quorum/zab/proposal';
import { quorumPacket } from '../../lib/quorum/zab/quorum-packet-channel';

const proposal = (zxid: bigint): Proposal => new Proposal(quorumPacket(PacketType.PROPOSAL, zxid));
const EPOCH = 3n << 32n;

describe('OutstandingProposals', () => {
  test('finds, counts and drops proposals by zxid, committed in order', () => {
    const o = new OutstandingProposals();
    const ps = [1n, 2n, 3n, 4n].map((c) => proposal(EPOCH + c));
    for (const p of ps) o.set(p.zxid, p);
    expect(o.size).toBe(4);
    expect(o.get(EPOCH + 3n)).toBe(ps[2]);
    expect(o.has(EPOCH + 5n)).toBe(false);
    expect(o.get(EPOCH)).toBeUndefined();
    expect(o.delete(EPOCH + 1n)).toBe(true);
    expect(o.delete(EPOCH + 1n)).toBe(false);
    expect(o.has(EPOCH + 1n)).toBe(false);
    expect([...o.keys()]).toEqual([EPOCH + 2n, EPOCH + 3n, EPOCH + 4n]);
    expect(o.size).toBe(3);
  });

  test('drops out of order too, and keeps finding the rest', () => {
    const o = new OutstandingProposals();
    for (let c = 1n; c <= 6n; c++) o.set(EPOCH + c, proposal(EPOCH + c));
    o.delete(EPOCH + 3n);
    o.delete(EPOCH + 1n);
    expect([...o.keys()]).toEqual([EPOCH + 2n, EPOCH + 4n, EPOCH + 5n, EPOCH + 6n]);
    for (const c of [2n, 4n, 5n, 6n]) expect(o.get(EPOCH + c)!.zxid).toBe(EPOCH + c);
    for (const c of [1n, 3n, 7n]) expect(o.get(EPOCH + c)).toBeUndefined();
    o.delete(EPOCH + 2n);
    expect(o.get(EPOCH + 4n)!.zxid).toBe(EPOCH + 4n);
  });

  test('finds proposals across gaps in the zxids (a zxid never proposed)', () => {
    const o = new OutstandingProposals();
    const zxids = [1n, 2n, 5n, 6n, 9n, 20n, 21n].map((c) => EPOCH + c);
    for (const z of zxids) o.set(z, proposal(z));
    for (const z of zxids) expect(o.get(z)!.zxid).toBe(z);
    for (const c of [0n, 3n, 4n, 7n, 8n, 10n, 19n, 22n]) expect(o.has(EPOCH + c)).toBe(false);
    o.delete(EPOCH + 5n);
    o.delete(EPOCH + 1n);
    for (const z of zxids.filter((z) => z !== EPOCH + 5n && z !== EPOCH + 1n)) expect(o.get(z)!.zxid).toBe(z);
  });

  test('refuses a zxid that is not after the last one, or filed under another', () => {
    const o = new OutstandingProposals();
    o.set(EPOCH + 5n, proposal(EPOCH + 5n));
    o.delete(EPOCH + 5n);
    expect(() => o.set(EPOCH + 5n, proposal(EPOCH + 5n))).toThrow(RangeError);
    expect(() => o.set(EPOCH + 6n, proposal(EPOCH + 7n))).toThrow(RangeError);
    o.clear();
    o.set(EPOCH + 1n, proposal(EPOCH + 1n));
    expect(o.size).toBe(1);
  });

  test('stays correct over a long pipelined run (head compaction)', () => {
    const o = new OutstandingProposals();
    let next = 1n;
    let committed = 0n;
    for (let i = 0; i < 20_000; i++) {
      o.set(EPOCH + next, proposal(EPOCH + next));
      next++;
      // 100 in flight: the oldest commits once the 101st is proposed.
      if (next - 1n - committed > 100n) o.delete(EPOCH + ++committed);
    }
    expect(o.size).toBe(100);
    expect([...o.keys()]).toEqual(Array.from({ length: 100 }, (_, i) => EPOCH + committed + 1n + BigInt(i)));
    expect(o.get(EPOCH + committed + 50n)!.zxid).toBe(EPOCH + committed + 50n);
    expect(o.get(EPOCH + committed)).toBeUndefined();
  });
});
