import fc from 'fast-check';
import { decode, encode } from '../../lib/jute/codec';
import { ACL, Id } from '../../lib/jute/records/data';
import { CheckVersionTxn, CreateTxn, DeleteTxn, ErrorTxn, MultiTxn, SetDataTxn, Txn } from '../../lib/jute/records/txn';
import type { JuteRecord } from '../../lib/jute/types';
import { OpCode } from '../../lib/protocol/op-code';
import { PreppedTxn } from '../../lib/data/prepped-txn';

const path = fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => `/${s}`);
const data = fc.option(fc.uint8Array({ maxLength: 3000 }).map((a) => Buffer.from(a)), { nil: null });
const int = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });

const subTxn: fc.Arbitrary<[number, JuteRecord]> = fc.oneof(
  fc.tuple(path, data, int).map(([p, d, v]): [number, JuteRecord] => [OpCode.setData, new SetDataTxn({ path: p, data: d, version: v })]),
  path.map((p): [number, JuteRecord] => [OpCode.delete, new DeleteTxn({ path: p })]),
  fc.tuple(path, int).map(([p, v]): [number, JuteRecord] => [OpCode.check, new CheckVersionTxn({ path: p, version: v })]),
  int.map((e): [number, JuteRecord] => [OpCode.error, new ErrorTxn({ err: e })]),
  fc.tuple(path, data, fc.boolean(), int).map(([p, d, eph, cv]): [number, JuteRecord] => [
    OpCode.create,
    new CreateTxn({ path: p, data: d, acl: [new ACL({ perms: 31, id: new Id({ scheme: 'world', id: 'anyone' }) })], ephemeral: eph, parentCVersion: cv }),
  ]),
);

/** The multi as prep built it before: each op encoded into bytes of its own. */
function encodedFirst(ops: Array<[number, JuteRecord]>): MultiTxn {
  return new MultiTxn({ txns: ops.map(([type, r]) => new Txn({ type, data: encode(r) })) });
}

describe('PreppedTxn', () => {
  it('serializes a multi to the same bytes as ops encoded into buffers of their own', () => {
    fc.assert(
      fc.property(fc.array(subTxn, { maxLength: 12 }), fc.array(fc.boolean(), { maxLength: 12 }), (ops, readFirst) => {
        const prepped = ops.map(([type, r]) => new PreppedTxn(type, r));
        // Reading `data` (a log formatter did) switches an op to its encoded bytes.
        prepped.forEach((t, i) => readFirst[i] && t.data);
        const expected = encode(encodedFirst(ops));
        expect(encode(new MultiTxn({ txns: prepped }))).toEqual(expected);
        // …and the bytes decode back to the ops.
        const back = decode(MultiTxn, expected).txns ?? [];
        expect(back.map((t) => t.type)).toEqual(ops.map(([type]) => type));
        back.forEach((t, i) => expect(t.data).toEqual(encode(ops[i][1])));
      }),
      { numRuns: 300 },
    );
  });

  it('reads `data` as the encoded record, once, and prints as a Txn does', () => {
    const r = new SetDataTxn({ path: '/a', data: Buffer.from('xyz'), version: 4 });
    const t = new PreppedTxn(OpCode.setData, r);
    expect(t.data).toEqual(encode(r));
    expect(t.data).toBe(t.data);
    expect(t.type).toBe(OpCode.setData);
    expect(t.toJSON()).toEqual(new Txn({ type: OpCode.setData, data: encode(r) }).toJSON());
  });
});
