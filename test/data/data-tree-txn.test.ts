import {
  CheckVersionTxn,
  CloseSessionTxn,
  CreateContainerTxn,
  CreateSessionTxn,
  CreateTTLTxn,
  DeleteTxn,
  ErrorTxn,
  MultiTxn,
  SetDataTxn,
  Txn,
  TxnDigest,
  TxnHeader,
} from '../../lib/jute/records/txn';
import { Code, OpCode } from '../../lib/protocol';
import { DataTree } from '../../lib/data/data-tree';
import { DIGEST_VERSION } from '../../lib/data/digest-calculator';
import { apply, createTxn, subTxn } from './tree-helpers';

describe('processTxn', () => {
  it('answers create2, createContainer and createTTL with the new Stat, create without', () => {
    const t = new DataTree({ extendedTypesEnabled: true });
    expect(apply(t, 1n, OpCode.create, createTxn('/a')).stat).toBeNull();
    const r2 = apply(t, 2n, OpCode.create2, createTxn('/b', 'xy'));
    expect([r2.err, r2.path, r2.stat?.czxid, r2.stat?.dataLength]).toEqual([0, '/b', 2n, 2]);
    const rc = apply(t, 3n, OpCode.createContainer, new CreateContainerTxn({ path: '/c', parentCVersion: -1 }));
    expect(rc.stat?.ephemeralOwner).toBe(0n);
    expect(t.getContainers()).toEqual(new Set(['/c']));
    const rt = apply(t, 4n, OpCode.createTTL, new CreateTTLTxn({ path: '/t', parentCVersion: -1, ttl: 60000n }));
    expect(rt.err).toBe(0);
    expect(t.getTtls()).toEqual(new Set(['/t']));
  });

  it('makes an ephemeral create owned by the header session', () => {
    const t = new DataTree();
    apply(t, 1n, OpCode.create, createTxn('/e', null, { ephemeral: true }), 0x99n);
    expect(t.getEphemerals(0x99n)).toEqual(new Set(['/e']));
  });

  it('reports tree errors in err instead of throwing, and still moves lastProcessedZxid', () => {
    const t = new DataTree();
    const r = apply(t, 7n, OpCode.delete, new DeleteTxn({ path: '/missing' }));
    expect([r.err, r.path, r.zxid, r.type]).toEqual([Code.NONODE, '/missing', 7n, OpCode.delete]);
    expect(t.lastProcessedZxid).toBe(7n);
    expect(apply(t, 8n, OpCode.setData, new SetDataTxn({ path: '/missing', version: 1 })).err).toBe(Code.NONODE);
    expect(apply(t, 3n, OpCode.error, new ErrorTxn({ err: Code.BADVERSION })).err).toBe(Code.BADVERSION);
    expect(t.lastProcessedZxid).toBe(8n); // never backwards
  });

  it('treats check and createSession as no change and reconfig as setData', () => {
    const t = new DataTree();
    const before = t.getTreeDigest();
    expect(apply(t, 1n, OpCode.check, new CheckVersionTxn({ path: '/x', version: 3 })).path).toBe('/x');
    expect(apply(t, 2n, OpCode.createSession, new CreateSessionTxn({ timeOut: 30000 })).err).toBe(0);
    expect(t.getTreeDigest()).toBe(before);
    const r = apply(t, 3n, OpCode.reconfig, new SetDataTxn({ path: '/zookeeper/config', data: Buffer.from('server.1=x'), version: 1 }));
    expect(r.stat?.version).toBe(1);
  });

  it('moves the parent cversion when a replayed create finds the node already there', () => {
    const t = new DataTree();
    apply(t, 1n, OpCode.create, createTxn('/p'));
    apply(t, 2n, OpCode.create, createTxn('/p/a', null, { parentCVersion: 1 }));
    const r = apply(t, 9n, OpCode.create, createTxn('/p/a', null, { parentCVersion: 4 }));
    expect(r.err).toBe(Code.NODEEXISTS);
    expect(t.getNode('/p')!.stat.cversion).toBe(4);
    expect(t.getNode('/p')!.stat.pzxid).toBe(9n);
  });

  it('deletes the paths a closeSession txn names, then any other ephemeral of the session', () => {
    const t = new DataTree();
    apply(t, 1n, OpCode.create, createTxn('/e1', null, { ephemeral: true }), 0x5n);
    apply(t, 2n, OpCode.create, createTxn('/e2', null, { ephemeral: true }), 0x5n);
    apply(t, 3n, OpCode.create, createTxn('/other', null, { ephemeral: true }), 0x6n);
    const r = apply(t, 4n, OpCode.closeSession, new CloseSessionTxn({ paths2Delete: ['/e1', '/gone'] }), 0x5n);
    expect(r.err).toBe(0);
    expect(t.getNode('/e1')).toBeUndefined();
    expect(t.getNode('/e2')).toBeUndefined();
    expect(t.getNode('/other')).toBeDefined();
    expect(t.getSessions()).toEqual([0x6n]);
    apply(t, 5n, OpCode.closeSession, null, 0x6n);
    expect(t.getNode('/other')).toBeUndefined();
  });

  it('applies a successful multi op by op, with one result each', () => {
    const t = new DataTree();
    const r = apply(
      t,
      5n,
      OpCode.multi,
      new MultiTxn({
        txns: [
          subTxn(OpCode.create, createTxn('/m', 'a')),
          subTxn(OpCode.create2, createTxn('/m/c', 'b')),
          subTxn(OpCode.setData, new SetDataTxn({ path: '/m', data: Buffer.from('zz'), version: 1 })),
          subTxn(OpCode.check, new CheckVersionTxn({ path: '/m', version: 1 })),
          subTxn(OpCode.delete, new DeleteTxn({ path: '/m/c' })),
        ],
      }),
    );
    expect(r.err).toBe(0);
    expect(r.multiResult!.map((s) => [s.type, s.err, s.path])).toEqual([
      [OpCode.create, 0, '/m'],
      [OpCode.create2, 0, '/m/c'],
      [OpCode.setData, 0, '/m'],
      [OpCode.check, 0, '/m'],
      [OpCode.delete, 0, '/m/c'],
    ]);
    expect(r.multiResult![1].stat?.czxid).toBe(5n);
    expect(t.getNode('/m')!.data!.toString()).toBe('zz');
  });

  it('marks a failed multi: earlier ops OK, the failed op its code, later ops RuntimeInconsistency', () => {
    const t = new DataTree();
    const digest = t.getTreeDigest();
    const r = apply(
      t,
      6n,
      OpCode.multi,
      new MultiTxn({
        txns: [
          subTxn(OpCode.create, createTxn('/x')),
          subTxn(OpCode.create, createTxn('/y')),
          subTxn(OpCode.error, new ErrorTxn({ err: Code.NODEEXISTS })),
          subTxn(OpCode.error, new ErrorTxn({ err: Code.RUNTIMEINCONSISTENCY })),
        ],
      }),
    );
    expect(r.err).toBe(Code.NODEEXISTS);
    expect(r.multiResult!.map((s) => [s.type, s.err])).toEqual([
      [OpCode.error, Code.OK],
      [OpCode.error, Code.OK],
      [OpCode.error, Code.NODEEXISTS],
      [OpCode.error, Code.RUNTIMEINCONSISTENCY],
    ]);
    expect(t.getNode('/x')).toBeUndefined();
    expect(t.getTreeDigest()).toBe(digest);
    expect(t.lastProcessedZxid).toBe(6n);
  });

  it('stops a multi at a sub-txn type that cannot be in one, keeping what was applied', () => {
    const t = new DataTree();
    const r = apply(
      t,
      7n,
      OpCode.multi,
      new MultiTxn({ txns: [subTxn(OpCode.create, createTxn('/k')), new Txn({ type: OpCode.setACL, data: Buffer.alloc(0) })] }),
    );
    expect(r.err).toBe(0);
    expect(r.multiResult).toHaveLength(1);
    expect(t.getNode('/k')).toBeDefined();
  });

  it('compares the tree digest with the one logged with the txn', () => {
    const t = new DataTree();
    const seen: bigint[] = [];
    t.digests.addDigestWatcher((z) => seen.push(z));
    const hdr = (zxid: bigint): TxnHeader => new TxnHeader({ clientId: 1n, cxid: 1, zxid, time: 0n, type: OpCode.create });
    const probe = new DataTree();
    probe.processTxn(hdr(1n), createTxn('/a'));
    const good = new TxnDigest({ version: DIGEST_VERSION, treeDigest: probe.getTreeDigest() });
    t.processTxn(hdr(1n), createTxn('/a'), good);
    expect(t.digests.mismatches).toBe(0);
    expect(t.digests.lastProcessedZxidDigest).toEqual({ zxid: 1n, digestVersion: 2, digest: probe.getTreeDigest() });
    t.processTxn(hdr(2n), createTxn('/b'), new TxnDigest({ version: DIGEST_VERSION, treeDigest: 1n }));
    expect(t.digests.mismatches).toBe(1);
    expect(seen).toEqual([2n]);
    // Another digest version is not compared.
    t.processTxn(hdr(3n), createTxn('/c'), new TxnDigest({ version: 1, treeDigest: 1n }));
    expect(t.digests.mismatches).toBe(1);
  });

  it('keeps no digest when digests are disabled', () => {
    const t = new DataTree({ digestEnabled: false });
    apply(t, 1n, OpCode.create, createTxn('/a', 'x'));
    expect(t.getTreeDigest()).toBe(0n);
  });

  it('logs every 128th zxid in the digest log', () => {
    const t = new DataTree();
    for (let z = 1n; z <= 260n; z++) apply(t, z, OpCode.check, new CheckVersionTxn({ path: '/', version: 0 }));
    expect(t.digests.getDigestLog().map((d) => d.zxid)).toEqual([128n, 256n]);
  });
});

describe('TxnHeader-driven time', () => {
  it('takes ctime and mtime from the header, never from a clock', () => {
    const t = new DataTree();
    t.processTxn(new TxnHeader({ clientId: 1n, cxid: 1, zxid: 1n, time: 123456789n, type: OpCode.create2 }), createTxn('/a'));
    expect(t.statNode('/a', null).ctime).toBe(123456789n);
  });
});
