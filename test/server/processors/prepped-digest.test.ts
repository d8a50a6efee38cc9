import fc from 'fast-check';
import { DataTree } from '../../../lib/data/data-tree';
import { CreateRequest, SetDataRequest } from '../../../lib/jute/records/proto';
import { parseSnapshot } from '../../../lib/persistence/snapshot-format';
import { serializeSnapshotToBuffer } from '../../../lib/persistence/snapshot-serializer';
import { CreateMode, OpCode } from '../../../lib/protocol';
import { encodeMultiOperationRecord } from '../../../lib/server/processors/multi-operation-record';
import type { Request } from '../../../lib/server/request';
import { Harness, open } from './harness';

/**
 * Prep queues the CRC of each written path and data for the apply (PreppedCrcs). Whatever
 * the mix — pipelined writes, multis rolled back, creates that fail at prep — every digest
 * the tree reaches must be the one prep logged with the txn, and the one a tree restored
 * from a snapshot computes from scratch.
 */
describe('digests prep precalculated, taken by the apply', () => {
  type Cmd =
    | { kind: 'set'; key: number; bytes: number; version: number | null }
    | { kind: 'create'; key: number; bytes: number; seq: boolean }
    | { kind: 'multi'; keys: number[]; bytes: number; failAt: number | null; create: boolean };
  const KEYS = 6;
  const cmd: fc.Arbitrary<Cmd> = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), key: fc.nat(KEYS - 1), bytes: fc.nat(400), version: fc.option(fc.nat(3)) }),
    fc.record({ kind: fc.constant('create' as const), key: fc.nat(KEYS + 2), bytes: fc.nat(400), seq: fc.boolean() }),
    fc.record({
      kind: fc.constant('multi' as const),
      keys: fc.array(fc.nat(KEYS - 1), { minLength: 1, maxLength: 4 }),
      bytes: fc.nat(400),
      failAt: fc.option(fc.nat(3)),
      create: fc.boolean(),
    }),
  );
  const data = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff));

  it('match what prep logged and what a restored tree computes', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(cmd, fc.integer({ min: 1, max: 6 })), { maxLength: 40 }), (cmds) => {
        const h = new Harness();
        const c = h.client(0x10n);
        for (let k = 0; k < KEYS; k++) h.submit(c, OpCode.create, new CreateRequest({ path: `/k${k}`, data: data(50, k), acl: open(), flags: 0 }));
        let seed = 100;
        let pending: Request[] = [];
        const flush = () => {
          for (const r of pending) h.final.processRequest(r);
          pending = [];
        };
        for (const [x, depth] of cmds) {
          let type: number;
          let body;
          if (x.kind === 'set') {
            type = OpCode.setData;
            body = new SetDataRequest({ path: `/k${x.key}`, data: data(x.bytes, seed++), version: x.version ?? -1 });
          } else if (x.kind === 'create') {
            type = OpCode.create;
            const flags = x.seq ? CreateMode.PERSISTENT_SEQUENTIAL : CreateMode.PERSISTENT;
            body = new CreateRequest({ path: `/k${x.key}`, data: data(x.bytes, seed++), acl: open(), flags });
          } else {
            type = OpCode.multi;
            const ops = x.keys.map((k, i) => ({
              type: OpCode.setData,
              // A version no node has makes that op fail and the multi roll back.
              request: new SetDataRequest({ path: `/k${k}`, data: data(x.bytes, seed++), version: i === x.failAt ? 1_000_000 : -1 }),
            }));
            const made = x.create ? [{ type: OpCode.create, request: new CreateRequest({ path: `/m${seed}`, data: data(x.bytes, seed++), acl: open(), flags: 0 }) }] : [];
            body = encodeMultiOperationRecord([...made, ...ops] as never);
          }
          pending.push(h.prepped(c, type, body));
          if (pending.length >= depth) flush();
        }
        flush();
        expect(h.tree.digests.mismatches).toBe(0);
        const { bytes } = serializeSnapshotToBuffer(h.tree, new Map());
        const parsed = parseSnapshot(bytes);
        const copy = new DataTree();
        copy.restore(parsed.acls, parsed.nodes);
        expect(copy.getTreeDigest()).toBe(h.tree.getTreeDigest());
        // Entries of rolled-back ops stay until a later apply passes them.
        h.submit(c, OpCode.setData, new SetDataRequest({ path: '/k0', data: data(10, seed), version: -1 }));
        expect(h.tree.prepped.length).toBe(0);
        expect(h.tree.digests.mismatches).toBe(0);
      }),
      { numRuns: 150 },
    );
  });

  /** Applies the prepped requests in order: each must take exactly its own entry (a miss would empty the ring). */
  function applyEach(h: Harness, requests: Request[]): void {
    expect(h.tree.prepped.length).toBe(requests.length);
    requests.forEach((r, i) => {
      h.final.processRequest(r);
      expect(h.tree.prepped.length).toBe(requests.length - i - 1);
    });
    expect(h.tree.digests.mismatches).toBe(0);
  }

  it("takes each apply's CRC in turn", () => {
    const h = new Harness();
    const c = h.client(0x11n);
    h.submit(c, OpCode.create, new CreateRequest({ path: '/a', data: data(300, 1), acl: open(), flags: 0 }));
    applyEach(h, [
      h.prepped(c, OpCode.setData, new SetDataRequest({ path: '/a', data: data(300, 2), version: -1 })),
      h.prepped(c, OpCode.setData, new SetDataRequest({ path: '/a', data: data(300, 3), version: -1 })),
    ]);
  });

  it("finds a multi's create by its bytes, though the apply decodes the op anew", () => {
    const h = new Harness();
    const c = h.client(0x12n);
    h.submit(c, OpCode.create, new CreateRequest({ path: '/a', data: data(300, 1), acl: open(), flags: 0 }));
    const ops = [{ type: OpCode.create, request: new CreateRequest({ path: '/b', data: data(300, 2), acl: open(), flags: 0 }) }];
    applyEach(h, [
      h.prepped(c, OpCode.multi, encodeMultiOperationRecord(ops as never)),
      h.prepped(c, OpCode.setData, new SetDataRequest({ path: '/a', data: data(300, 3), version: -1 })),
    ]);
  });
});
