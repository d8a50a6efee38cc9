import { Stat } from '../../../lib/jute/records/data';
import {
  CheckVersionRequest,
  Create2Response,
  CreateRequest,
  CreateResponse,
  CreateTTLRequest,
  DeleteRequest,
  GetDataRequest,
  GetDataResponse,
  ReconfigRequest,
  SetACLRequest,
  SetACLResponse,
  SetDataRequest,
  SetDataResponse,
  SyncRequest,
  SyncResponse,
} from '../../../lib/jute/records/proto';
import { CreateTxn, ErrorTxn, SetDataTxn } from '../../../lib/jute/records/txn';
import { Code, CreateMode, OpCode } from '../../../lib/protocol';
import { Harness, open } from './harness';

const create = (path: string, data = '', flags: number = CreateMode.PERSISTENT, acl = open()) =>
  new CreateRequest({ path, data: Buffer.from(data), acl, flags });

describe('create', () => {
  test('create answers the path; the node is in the tree with the txn zxid', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    const r = h.submit(c, OpCode.create, create('/a', 'hello'), 7);
    expect(r.header.err).toBe(Code.OK);
    expect(r.header.xid).toBe(7);
    expect(r.header.zxid).toBe(1n);
    expect((r.body as CreateResponse).path).toBe('/a');
    expect(h.tree.getNode('/a')!.data!.toString()).toBe('hello');
    expect(h.tree.getNode('/a')!.stat.czxid).toBe(1n);
    expect(h.outstanding.size).toBe(0);
  });

  test('create2 and createContainer answer path and Stat', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    const r = h.submit(c, OpCode.create2, create('/b', 'xy'));
    const body = r.body as Create2Response;
    expect(body).toBeInstanceOf(Create2Response);
    expect(body.path).toBe('/b');
    expect(body.stat.dataLength).toBe(2);
    expect(body.stat.czxid).toBe(1n);
    const rc = h.submit(c, OpCode.createContainer, create('/cont', '', CreateMode.CONTAINER));
    expect(rc.header.err).toBe(Code.OK);
    expect((rc.body as Create2Response).stat.ephemeralOwner).toBe(0n);
    expect(h.tree.getContainers().has('/cont')).toBe(true);
  });

  test('sequential nodes are named from the parent cversion with ten digits', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    h.submit(c, OpCode.create, create('/q'));
    const names = [0, 1, 2].map(() => (h.submit(c, OpCode.create, create('/q/item-', '', CreateMode.PERSISTENT_SEQUENTIAL)).body as CreateResponse).path);
    expect(names).toEqual(['/q/item-0000000000', '/q/item-0000000001', '/q/item-0000000002']);
    // A delete does not move the persisted cversion (it counts creates), so no name repeats.
    h.submit(c, OpCode.delete, new DeleteRequest({ path: '/q/item-0000000002', version: -1 }));
    expect((h.submit(c, OpCode.create, create('/q/', '', CreateMode.PERSISTENT_SEQUENTIAL)).body as CreateResponse).path).toBe('/q/0000000003');
  });

  test('ephemeral nodes are owned by the session; they cannot have children', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    h.submit(c, OpCode.create, create('/e', '', CreateMode.EPHEMERAL));
    expect(h.tree.getNode('/e')!.stat.ephemeralOwner).toBe(0x100n);
    expect(h.tree.getEphemerals(0x100n)).toEqual(new Set(['/e']));
    const r = h.submit(c, OpCode.create, create('/e/child'));
    expect(r.header.err).toBe(Code.NOCHILDRENFOREPHEMERALS);
  });

  test('NodeExists, NoNode parent, bad paths and bad flags', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    h.submit(c, OpCode.create, create('/a'));
    expect(h.submit(c, OpCode.create, create('/a')).header.err).toBe(Code.NODEEXISTS);
    expect(h.submit(c, OpCode.create, create('/x/y')).header.err).toBe(Code.NONODE);
    for (const bad of ['a', '/a/', '/a/.', '/a\u0000b', '']) {
      expect([bad, h.submit(c, OpCode.create, create(bad)).header.err]).toEqual([bad, Code.BADARGUMENTS]);
    }
    // The parent is looked up before the whole path is validated, as in Java.
    expect(h.submit(c, OpCode.create, create('/a//b')).header.err).toBe(Code.NONODE);
    expect(h.submit(c, OpCode.create, create('/f', '', 9)).header.err).toBe(Code.BADARGUMENTS);
    expect(h.submit(c, OpCode.create, create('/zookeeper')).header.err).toBe(Code.NODEEXISTS);
  });

  test('an empty or invalid ACL is InvalidACL', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    expect(h.submit(c, OpCode.create, create('/a', '', 0, [])).header.err).toBe(Code.INVALIDACL);
  });

  test('every failure is an error txn that consumes a zxid', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    const r = h.prepped(c, OpCode.create, create('/x/y'));
    expect(r.hdr!.type).toBe(OpCode.error);
    expect(r.hdr!.zxid).toBe(1n);
    expect((r.txn as ErrorTxn).err).toBe(Code.NONODE);
    expect(r.err).toBe(Code.NONODE);
    expect(r.zxid).toBe(1n);
    h.final.processRequest(r);
    expect(c.last().header.zxid).toBe(1n);
    expect(h.tree.lastProcessedZxid).toBe(1n);
  });

  test('a truncated body is MarshallingError and still an error txn', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    const r = h.prepped(c, OpCode.create, Buffer.from([0, 0, 0, 9, 0x2f]));
    expect(r.hdr!.type).toBe(OpCode.error);
    expect((r.txn as ErrorTxn).err).toBe(Code.MARSHALLINGERROR);
    h.final.processRequest(r);
    expect(c.last().header.err).toBe(Code.MARSHALLINGERROR);
  });

  test('TTL nodes need extendedTypesEnabled, then a valid ttl', () => {
    const ttlReq = (ttl: bigint, flags: number = CreateMode.PERSISTENT_WITH_TTL) =>
      new CreateTTLRequest({ path: '/t', data: Buffer.alloc(0), acl: open(), flags, ttl });
    const off = new Harness();
    const c0 = off.client(0x100n);
    expect(off.submit(c0, OpCode.createTTL, ttlReq(1000n)).header.err).toBe(Code.UNIMPLEMENTED);

    const h = new Harness({ extendedTypesEnabled: true });
    const c = h.client(0x100n);
    expect(h.submit(c, OpCode.createTTL, ttlReq(0n)).header.err).toBe(Code.BADARGUMENTS);
    expect(h.submit(c, OpCode.createTTL, ttlReq(1000n, CreateMode.PERSISTENT)).header.err).toBe(Code.BADARGUMENTS);
    const r = h.submit(c, OpCode.createTTL, ttlReq(1000n));
    expect(r.header.err).toBe(Code.OK);
    expect((r.body as Create2Response).stat.ephemeralOwner).toBe(0n);
    expect(h.tree.getTtls().has('/t')).toBe(true);
  });

  test('hard quota limits fail creates and setData with QuotaExceeded when enforced', () => {
    const h = new Harness({ enforceQuota: true });
    const c = h.client(0x100n);
    h.submit(c, OpCode.create, create('/app'));
    h.submit(c, OpCode.create, create('/zookeeper/quota/app'));
    h.submit(c, OpCode.create, create('/zookeeper/quota/app/zookeeper_limits', 'count=-1,bytes=-1=;byteHardLimit=5;countHardLimit=2'));
    h.submit(c, OpCode.create, create('/zookeeper/quota/app/zookeeper_stats', 'count=0,bytes=0'));
    expect(h.submit(c, OpCode.create, create('/app/a', '1234')).header.err).toBe(Code.OK);
    expect(h.submit(c, OpCode.create, create('/app/b', '')).header.err).toBe(Code.QUOTAEXCEEDED);
    expect(h.submit(c, OpCode.setData, new SetDataRequest({ path: '/app/a', data: Buffer.from('123456'), version: -1 })).header.err).toBe(
      Code.QUOTAEXCEEDED,
    );
    expect(h.submit(c, OpCode.setData, new SetDataRequest({ path: '/app/a', data: Buffer.from('1'), version: -1 })).header.err).toBe(Code.OK);
  });

  test('quotas are not enforced by default (zookeeper.enforceQuota=false)', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    h.submit(c, OpCode.create, create('/app'));
    h.submit(c, OpCode.create, create('/zookeeper/quota/app'));
    h.submit(c, OpCode.create, create('/zookeeper/quota/app/zookeeper_limits', 'count=-1,bytes=-1=;countHardLimit=1'));
    h.submit(c, OpCode.create, create('/zookeeper/quota/app/zookeeper_stats', 'count=0,bytes=0'));
    expect(h.submit(c, OpCode.create, create('/app/a')).header.err).toBe(Code.OK);
    expect(h.submit(c, OpCode.create, create('/app/b')).header.err).toBe(Code.OK);
  });
});

describe('delete', () => {
  test('delete removes the node; version checks; NotEmpty; NoNode', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    h.submit(c, OpCode.create, create('/a'));
    h.submit(c, OpCode.create, create('/a/b'));
    expect(h.submit(c, OpCode.delete, new DeleteRequest({ path: '/a', version: -1 })).header.err).toBe(Code.NOTEMPTY);
    expect(h.submit(c, OpCode.delete, new DeleteRequest({ path: '/a/b', version: 3 })).header.err).toBe(Code.BADVERSION);
    const ok = h.submit(c, OpCode.delete, new DeleteRequest({ path: '/a/b', version: 0 }));
    expect(ok.header.err).toBe(Code.OK);
    expect(ok.body).toBeNull();
    expect(h.tree.getNode('/a/b')).toBeUndefined();
    expect(h.submit(c, OpCode.delete, new DeleteRequest({ path: '/a/b', version: -1 })).header.err).toBe(Code.NONODE);
  });

  test('the special nodes cannot be deleted', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    for (const p of ['/', '/zookeeper', '/zookeeper/quota', '/zookeeper/config', 'noslash']) {
      expect([p, h.submit(c, OpCode.delete, new DeleteRequest({ path: p, version: -1 })).header.err]).toEqual([p, Code.BADARGUMENTS]);
    }
  });

  test('deleteContainer (the container manager) removes only empty containers and TTL nodes', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    h.submit(c, OpCode.createContainer, create('/cont', '', CreateMode.CONTAINER));
    h.submit(c, OpCode.create, create('/plain'));
    h.submit(c, OpCode.create, create('/eph', '', CreateMode.EPHEMERAL));
    const del = (path: string) => {
      const r = h.prepped(null, OpCode.deleteContainer, Buffer.from(path));
      h.final.processRequest(r);
      return r;
    };
    h.submit(c, OpCode.create, create('/cont/kid'));
    expect((del('/cont').txn as ErrorTxn).err).toBe(Code.NOTEMPTY);
    h.submit(c, OpCode.delete, new DeleteRequest({ path: '/cont/kid', version: -1 }));
    expect(del('/cont').hdr!.type).toBe(OpCode.deleteContainer);
    expect(h.tree.getNode('/cont')).toBeUndefined();
    // A plain persistent node (owner 0, VOID) passes the check, as in Java.
    expect(del('/plain').hdr!.type).toBe(OpCode.deleteContainer);
    expect((del('/eph').txn as ErrorTxn).err).toBe(Code.BADVERSION);
  });
});

describe('setData, setACL and check', () => {
  test('setData returns the new Stat and bumps the version; BadVersion on mismatch', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    h.submit(c, OpCode.create, create('/a', 'v0'));
    h.time += 5;
    const r = h.submit(c, OpCode.setData, new SetDataRequest({ path: '/a', data: Buffer.from('v1!'), version: 0 }));
    const stat = (r.body as SetDataResponse).stat;
    expect(stat.version).toBe(1);
    expect(stat.mzxid).toBe(2n);
    expect(stat.mtime).toBe(BigInt(h.time));
    expect(stat.dataLength).toBe(3);
    expect(h.submit(c, OpCode.setData, new SetDataRequest({ path: '/a', data: null, version: 0 })).header.err).toBe(Code.BADVERSION);
    expect(h.submit(c, OpCode.setData, new SetDataRequest({ path: '/none', data: null, version: -1 })).header.err).toBe(Code.NONODE);
    expect(h.submit(c, OpCode.setData, new SetDataRequest({ path: 'bad', data: null, version: -1 })).header.err).toBe(Code.BADARGUMENTS);
    const g = h.submit(c, OpCode.getData, new GetDataRequest({ path: '/a', watch: false }));
    expect((g.body as GetDataResponse).data!.toString()).toBe('v1!');
  });

  test('setACL bumps aversion and answers a Stat; BadVersion on mismatch; InvalidACL', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    h.submit(c, OpCode.create, create('/a'));
    const r = h.submit(c, OpCode.setACL, new SetACLRequest({ path: '/a', acl: open(), version: 0 }));
    expect(r.header.err).toBe(Code.OK);
    expect((r.body as SetACLResponse).stat.aversion).toBe(1);
    expect(h.submit(c, OpCode.setACL, new SetACLRequest({ path: '/a', acl: open(), version: 0 })).header.err).toBe(Code.BADVERSION);
    expect(h.submit(c, OpCode.setACL, new SetACLRequest({ path: '/a', acl: [], version: -1 })).header.err).toBe(Code.INVALIDACL);
    expect(h.submit(c, OpCode.setACL, new SetACLRequest({ path: '/zz', acl: open(), version: -1 })).header.err).toBe(Code.NONODE);
  });

  test('a bare check op that passes gets no reply (as Java), one that fails gets its error', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    h.submit(c, OpCode.create, create('/a'));
    const r = h.prepped(c, OpCode.check, new CheckVersionRequest({ path: '/a', version: 0 }));
    expect(r.hdr!.type).toBe(OpCode.check);
    h.final.processRequest(r);
    expect(c.responses.length).toBe(1);
    expect(h.tree.lastProcessedZxid).toBe(2n);
    expect(h.submit(c, OpCode.check, new CheckVersionRequest({ path: '/a', version: 1 })).header.err).toBe(Code.BADVERSION);
    expect(h.submit(c, OpCode.check, new CheckVersionRequest({ path: '/b', version: 1 })).header.err).toBe(Code.NONODE);
  });
});

describe('sessions', () => {
  test('createSession tracks in prep, commits in final and finishes the handshake', () => {
    const h = new Harness();
    const cnxn = h.client(0x200n);
    h.sessions.sessions.delete(0x200n);
    h.sessions.committed.delete(0x200n);
    const body = Buffer.alloc(4);
    body.writeInt32BE(12000);
    const r = h.prepped(cnxn, OpCode.createSession, body);
    expect(r.hdr!.type).toBe(OpCode.createSession);
    expect(h.sessions.sessions.get(0x200n)!.owner).not.toBeNull();
    expect(h.sessions.committed.has(0x200n)).toBe(false);
    h.final.processRequest(r);
    expect(h.sessions.committed.get(0x200n)).toBe(12000);
    expect(h.finishedSessions).toEqual([cnxn]);
    expect(cnxn.responses).toEqual([]);
  });

  test('closeSession deletes the ephemerals, answers, then closes the connection', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    h.submit(c, OpCode.create, create('/e1', '', CreateMode.EPHEMERAL));
    h.submit(c, OpCode.create, create('/e2', '', CreateMode.EPHEMERAL_SEQUENTIAL));
    const r = h.prepped(c, OpCode.closeSession, null);
    expect((r.txn as unknown as { paths2Delete: string[] }).paths2Delete.sort()).toEqual(['/e1', '/e20000000001']);
    h.final.processRequest(r);
    expect(c.last().header.err).toBe(Code.OK);
    expect(c.closed).not.toBeNull();
    expect(h.tree.getNode('/e1')).toBeUndefined();
    expect(h.sessions.sessions.has(0x100n)).toBe(false);
  });

  test('an expiry closeSession (no connection) closes whatever still carries the session', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    h.submit(c, OpCode.create, create('/e', '', CreateMode.EPHEMERAL));
    const expiry = h.request(null, OpCode.closeSession, null, 0x100n);
    h.prep.pRequest(expiry);
    h.final.processRequest(expiry);
    expect(h.closedSessions).toEqual([0x100n]);
    expect(h.tree.getNode('/e')).toBeUndefined();
  });

  test('requests of an expired (closing) session fail with SessionExpired', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    h.sessions.setSessionClosing(0x100n);
    expect(h.submit(c, OpCode.create, create('/a')).header.err).toBe(Code.SESSIONEXPIRED);
    expect(h.submit(c, OpCode.getData, new GetDataRequest({ path: '/', watch: false })).header.err).toBe(Code.SESSIONEXPIRED);
    expect(h.submit(c, OpCode.create, create('/e', '', CreateMode.EPHEMERAL)).header.err).toBe(Code.SESSIONEXPIRED);
  });

  test('an unknown session is UnknownSession, but SessionExpired for ephemeral creates', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    h.sessions.sessions.delete(0x100n);
    expect(h.submit(c, OpCode.create, create('/a')).header.err).toBe(Code.UNKNOWNSESSION);
    expect(h.submit(c, OpCode.create, create('/e', '', CreateMode.EPHEMERAL)).header.err).toBe(Code.SESSIONEXPIRED);
  });

  test('a moved session gets no reply: the connection is closed', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    h.sessions.sessions.get(0x100n)!.owner = 'another server';
    const r = h.prepped(c, OpCode.setData, new SetDataRequest({ path: '/', data: null, version: -1 }));
    expect(r.err).toBe(Code.SESSIONMOVED);
    h.final.processRequest(r);
    expect(c.responses).toEqual([]);
    expect(c.closed).toBe('session moved');
  });
});

describe('reconfig, sync, ping and unknown ops', () => {
  test('standalone reconfig is ReconfigDisabled, or Unimplemented when enabled', () => {
    const body = new ReconfigRequest({ joiningServers: null, leavingServers: '2', newMembers: null, curConfigId: -1n });
    const h = new Harness();
    const c = h.client(0x100n);
    expect(h.submit(c, OpCode.reconfig, body).header.err).toBe(Code.RECONFIGDISABLED);
    const on = new Harness({ reconfigEnabled: true });
    const c2 = on.client(0x100n);
    expect(on.submit(c2, OpCode.reconfig, body).header.err).toBe(Code.UNIMPLEMENTED);
    expect(on.hzxid).toBe(1n);
  });

  test('sync answers the path without a txn', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    const r = h.prepped(c, OpCode.sync, new SyncRequest({ path: '/x' }));
    expect(r.hdr).toBeNull();
    h.final.processRequest(r);
    expect(c.last().body).toBeInstanceOf(SyncResponse);
    expect((c.last().body as SyncResponse).path).toBe('/x');
  });

  test('ping answers xid -2 with the last zxid and reports PING', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    h.submit(c, OpCode.create, create('/a'));
    const r = h.submit(c, OpCode.ping, null, -2);
    expect(r.header.xid).toBe(-2);
    expect(r.header.zxid).toBe(1n);
    expect(r.body).toBeNull();
    expect(h.finished[h.finished.length - 1].lastOp).toBe('PING');
  });

  test('every answer is reported once to onRequestFinished with its op, zxid and error', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    h.submit(c, OpCode.create, create('/a'));
    h.submit(c, OpCode.create, create('/a'));
    expect(h.finished.map((f) => [f.lastOp, f.lastZxid, f.err])).toEqual([
      ['CREA', 1n, Code.OK],
      ['NA', 2n, Code.NODEEXISTS],
    ]);
  });

  test('the created node carries the txn time in ctime and mtime', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    const r = h.prepped(c, OpCode.create, create('/a'));
    expect((r.txn as CreateTxn).parentCVersion).toBe(1);
    h.final.processRequest(r);
    const s = h.tree.statOf(h.tree.getNode('/a')!, new Stat());
    expect(s.ctime).toBe(BigInt(h.time));
    expect(s.mtime).toBe(BigInt(h.time));
  });

  test('setData txn carries the new version', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    h.submit(c, OpCode.create, create('/a'));
    const r = h.prepped(c, OpCode.setData, new SetDataRequest({ path: '/a', data: null, version: -1 }));
    expect((r.txn as SetDataTxn).version).toBe(1);
  });
});
