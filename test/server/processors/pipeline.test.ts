import { CreateRequest, CreateResponse, DeleteRequest, SetACLRequest, SetDataRequest } from '../../../lib/jute/records/proto';
import { CloseSessionTxn, CreateTxn, ErrorTxn } from '../../../lib/jute/records/txn';
import { encodeMultiOperationRecord } from '../../../lib/server/processors/multi-operation-record';
import { Code, CreateMode, OpCode, Perms } from '../../../lib/protocol';
import { Harness, acl, open } from './harness';

const create = (path: string, flags: number = CreateMode.PERSISTENT, a = open()) =>
  new CreateRequest({ path, data: Buffer.alloc(0), acl: a, flags });

/**
 * Prep runs ahead of final: requests prepped but not yet applied are seen through the
 * outstanding change records, exactly as ZooKeeper's pipeline does.
 */
describe('outstanding changes between prep and final', () => {
  test('pipelined sequential creates get distinct names', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    h.submit(c, OpCode.create, create('/q'));
    const a = h.prepped(c, OpCode.create, create('/q/n-', CreateMode.PERSISTENT_SEQUENTIAL));
    const b = h.prepped(c, OpCode.create, create('/q/n-', CreateMode.PERSISTENT_SEQUENTIAL));
    expect([(a.txn as CreateTxn).path, (b.txn as CreateTxn).path]).toEqual(['/q/n-0000000000', '/q/n-0000000001']);
    expect((b.txn as CreateTxn).parentCVersion).toBe(2);
    h.final.processRequest(a);
    h.final.processRequest(b);
    expect([...h.tree.getNode('/q')!.children].sort()).toEqual(['n-0000000000', 'n-0000000001']);
    expect(h.outstanding.size).toBe(0);
  });

  test('a child can be prepped under a parent that exists only as a pending create', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    const p = h.prepped(c, OpCode.create, create('/p'));
    const k = h.prepped(c, OpCode.create, create('/p/k'));
    expect(k.hdr!.type).toBe(OpCode.create);
    const dup = h.prepped(c, OpCode.create, create('/p'));
    expect((dup.txn as ErrorTxn).err).toBe(Code.NODEEXISTS);
    for (const r of [p, k, dup]) h.final.processRequest(r);
    expect(h.tree.getNode('/p/k')).toBeDefined();
  });

  test('a pending delete hides the node from later requests', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    h.submit(c, OpCode.create, create('/a'));
    const d = h.prepped(c, OpCode.delete, new DeleteRequest({ path: '/a', version: -1 }));
    const s = h.prepped(c, OpCode.setData, new SetDataRequest({ path: '/a', data: null, version: -1 }));
    expect((s.txn as ErrorTxn).err).toBe(Code.NONODE);
    const again = h.prepped(c, OpCode.create, create('/a'));
    expect(again.hdr!.type).toBe(OpCode.create);
    for (const r of [d, s, again]) h.final.processRequest(r);
    expect(h.tree.getNode('/a')).toBeDefined();
  });

  test('pending setData versions chain', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    h.submit(c, OpCode.create, create('/v'));
    const s1 = h.prepped(c, OpCode.setData, new SetDataRequest({ path: '/v', data: null, version: 0 }));
    const s2 = h.prepped(c, OpCode.setData, new SetDataRequest({ path: '/v', data: null, version: 1 }));
    const s3 = h.prepped(c, OpCode.setData, new SetDataRequest({ path: '/v', data: null, version: 1 }));
    expect([s1.hdr!.type, s2.hdr!.type, (s3.txn as ErrorTxn).err]).toEqual([OpCode.setData, OpCode.setData, Code.BADVERSION]);
  });

  test('a failed multi restores the parent record a pending sequential create made (ZOOKEEPER-1624)', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    h.submit(c, OpCode.create, create('/q'));
    h.submit(c, OpCode.create, create('/dup'));
    const first = h.prepped(c, OpCode.create, create('/q/n-', CreateMode.PERSISTENT_SEQUENTIAL));
    const failed = h.prepped(
      c,
      OpCode.multi,
      encodeMultiOperationRecord([
        { type: OpCode.create, request: create('/q/n-', CreateMode.PERSISTENT_SEQUENTIAL) },
        { type: OpCode.create, request: create('/dup') },
      ]),
    );
    expect(failed.err).toBe(Code.NODEEXISTS);
    const next = h.prepped(c, OpCode.create, create('/q/n-', CreateMode.PERSISTENT_SEQUENTIAL));
    expect((next.txn as CreateTxn).path).toBe('/q/n-0000000001');
    for (const r of [first, failed, next]) h.final.processRequest(r);
    expect([...h.tree.getNode('/q')!.children].sort()).toEqual(['n-0000000000', 'n-0000000001']);
  });

  test("a failed multi's setData leaves the pending setData before it current", () => {
    const h = new Harness();
    const c = h.client(0x100n);
    h.submit(c, OpCode.create, create('/v'));
    const s1 = h.prepped(c, OpCode.setData, new SetDataRequest({ path: '/v', data: null, version: 0 }));
    const failed = h.prepped(
      c,
      OpCode.multi,
      encodeMultiOperationRecord([
        { type: OpCode.setData, request: new SetDataRequest({ path: '/v', data: null, version: 1 }) },
        { type: OpCode.setData, request: new SetDataRequest({ path: '/v', data: null, version: 2 }) },
        { type: OpCode.delete, request: new DeleteRequest({ path: '/missing', version: -1 }) },
      ]),
    );
    expect(failed.err).toBe(Code.NONODE);
    // The multi's two records for /v are gone: s1's (version 1) is the one prep sees.
    const stale = h.prepped(c, OpCode.setData, new SetDataRequest({ path: '/v', data: null, version: 3 }));
    expect((stale.txn as ErrorTxn).err).toBe(Code.BADVERSION);
    const s2 = h.prepped(c, OpCode.setData, new SetDataRequest({ path: '/v', data: null, version: 1 }));
    expect(s2.hdr!.type).toBe(OpCode.setData);
    for (const r of [s1, failed, stale, s2]) h.final.processRequest(r);
    expect(h.tree.getNode('/v')!.stat.version).toBe(2);
    expect(h.outstanding.size).toBe(0);
  });

  test('closeSession counts pending ephemeral creates and pending deletes', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    h.submit(c, OpCode.create, create('/e1', CreateMode.EPHEMERAL));
    h.submit(c, OpCode.create, create('/e2', CreateMode.EPHEMERAL));
    const pendingCreate = h.prepped(c, OpCode.create, create('/e3', CreateMode.EPHEMERAL));
    const pendingDelete = h.prepped(c, OpCode.delete, new DeleteRequest({ path: '/e1', version: -1 }));
    const close = h.prepped(c, OpCode.closeSession, null);
    expect([...(close.txn as CloseSessionTxn).paths2Delete!].sort()).toEqual(['/e2', '/e3']);
    // Once closing, the session's later requests fail.
    const late = h.prepped(c, OpCode.create, create('/late'));
    expect((late.txn as ErrorTxn).err).toBe(Code.SESSIONEXPIRED);
    for (const r of [pendingCreate, pendingDelete, close, late]) h.final.processRequest(r);
    expect(['/e1', '/e2', '/e3', '/late'].map((p) => h.tree.getNode(p))).toEqual([undefined, undefined, undefined, undefined]);
    expect(h.outstanding.size).toBe(0);
  });

  test('a pending setACL does not change the ACL later requests are checked against (as Java)', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    h.submit(c, OpCode.create, create('/n'));
    const lock = h.prepped(c, OpCode.setACL, new SetACLRequest({ path: '/n', acl: [acl(Perms.READ, 'world', 'anyone')], version: -1 }));
    const write = h.prepped(c, OpCode.setData, new SetDataRequest({ path: '/n', data: null, version: -1 }));
    expect(write.hdr!.type).toBe(OpCode.setData);
    h.final.processRequest(lock);
    h.final.processRequest(write);
    expect(h.submit(c, OpCode.setData, new SetDataRequest({ path: '/n', data: null, version: -1 })).header.err).toBe(Code.NOAUTH);
  });

  test('a txn digest chains through outstanding changes to the digest the tree reaches', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    const reqs = [
      h.prepped(c, OpCode.create, create('/d1')),
      h.prepped(c, OpCode.create, create('/d1/x', CreateMode.EPHEMERAL)),
      h.prepped(c, OpCode.setData, new SetDataRequest({ path: '/d1', data: Buffer.from('zz'), version: -1 })),
      h.prepped(c, OpCode.delete, new DeleteRequest({ path: '/d1/x', version: -1 })),
    ];
    for (const r of reqs) {
      h.final.processRequest(r);
      expect(r.digest!.treeDigest).toBe(h.tree.getTreeDigest());
    }
    expect(h.tree.digests.mismatches).toBe(0);
  });

  test('the reply carries the last applied zxid, not the request zxid', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    const a = h.prepped(c, OpCode.create, create('/a'));
    const b = h.prepped(c, OpCode.create, create('/b'));
    h.final.processRequest(a);
    expect(c.last().header.zxid).toBe(1n);
    expect((c.last().body as CreateResponse).path).toBe('/a');
    h.final.processRequest(b);
    expect(c.last().header.zxid).toBe(2n);
  });
});
