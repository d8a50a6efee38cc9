import {
  BadVersionError,
  CreateMode,
  Ids,
  InvalidACLError,
  InvalidPathError,
  NoChildrenForEphemeralsError,
  NoNodeError,
  NodeExistsError,
  NotEmptyError,
  IllegalArgumentError,
  Code,
  type ZooKeeper,
} from '../../lib/client';
import { targets, useServer } from '../support/targets';
import { Clients, uniquePath } from './support/helpers';

describe.each(targets)('client CRUD against $name', (target) => {
  const server = useServer(target);
  const clients = new Clients();
  let zk: ZooKeeper;

  beforeAll(async () => {
    zk = await clients.connect(server().connectString);
  });
  afterAll(() => clients.closeAll());

  it('creates, reads, updates and deletes a node with versions and stats', async () => {
    const p = uniquePath('crud');
    expect(await zk.create(p, 'hello')).toBe(p);
    const { data, stat } = await zk.getData(p);
    expect(data!.toString()).toBe('hello');
    expect(stat.version).toBe(0);
    expect(stat.dataLength).toBe(5);
    expect(stat.czxid).toBe(stat.mzxid);
    const s2 = await zk.setData(p, Buffer.from('world'), 0);
    expect(s2.version).toBe(1);
    expect(s2.mzxid > stat.mzxid).toBe(true);
    await expect(zk.setData(p, 'x', 0)).rejects.toBeInstanceOf(BadVersionError);
    await expect(zk.delete(p, 0)).rejects.toBeInstanceOf(BadVersionError);
    await zk.delete(p, 1);
    expect(await zk.exists(p)).toBeNull();
  });

  it('stores null data as null and an empty buffer as empty', async () => {
    const p = uniquePath('nulldata');
    await zk.create(p);
    expect((await zk.getData(p)).data).toBeNull();
    await zk.setData(p, Buffer.alloc(0));
    expect((await zk.getData(p)).data).toEqual(Buffer.alloc(0));
  });

  it('reports ZooKeeper errors as typed KeeperExceptions with code, name and path', async () => {
    const p = uniquePath('errors');
    const e = await zk.getData(p + '/missing').catch((x) => x);
    expect(e).toBeInstanceOf(NoNodeError);
    expect(e.code).toBe(Code.NONODE);
    expect(e.name).toBe('NoNodeError');
    expect(e.path).toBe(p + '/missing');
    expect(e.message).toBe(`KeeperErrorCode = NoNode for ${p}/missing`);
    await zk.create(p);
    await expect(zk.create(p)).rejects.toBeInstanceOf(NodeExistsError);
    await zk.create(p + '/child');
    await expect(zk.delete(p)).rejects.toBeInstanceOf(NotEmptyError);
    await expect(zk.create(p + '/a/b')).rejects.toBeInstanceOf(NoNodeError);
  });

  it('rejects invalid paths, ACLs and modes before sending anything', async () => {
    await expect(zk.create('no-slash')).rejects.toBeInstanceOf(InvalidPathError);
    await expect(zk.getData('/a/')).rejects.toThrow('Path must not end with / character');
    await expect(zk.exists('/a//b')).rejects.toBeInstanceOf(InvalidPathError);
    await expect(zk.create('/x', null, { acl: [] })).rejects.toBeInstanceOf(InvalidACLError);
    await expect(zk.create('/x', null, { mode: 42 as CreateMode })).rejects.toBeInstanceOf(IllegalArgumentError);
    await expect(zk.create('/x', null, { mode: CreateMode.PERSISTENT_WITH_TTL })).rejects.toThrow('ttl must be positive');
    await expect(zk.create('/x', null, { ttl: 100 })).rejects.toThrow('ttl not valid for mode: PERSISTENT');
    await expect(zk.setData('/x', 'a', 1.5)).rejects.toBeInstanceOf(IllegalArgumentError);
    // A sequential create may end in "/": the server appends the counter.
    const base = uniquePath('seqslash');
    await zk.create(base);
    expect(await zk.create(base + '/', null, { mode: CreateMode.PERSISTENT_SEQUENTIAL })).toBe(`${base}/0000000000`);
  });

  it('creates nodes in every CreateMode', async () => {
    const p = uniquePath('modes');
    await zk.create(p);
    expect(await zk.create(`${p}/seq-`, null, { mode: CreateMode.PERSISTENT_SEQUENTIAL })).toBe(`${p}/seq-0000000000`);
    expect(await zk.create(`${p}/seq-`, null, { mode: CreateMode.PERSISTENT_SEQUENTIAL })).toBe(`${p}/seq-0000000001`);
    const eph = await zk.create2(`${p}/eph`, 'e', { mode: CreateMode.EPHEMERAL });
    expect(eph.stat.ephemeralOwner).toBe(zk.sessionId);
    const ephSeq = await zk.create(`${p}/ephseq-`, null, { mode: CreateMode.EPHEMERAL_SEQUENTIAL });
    expect(ephSeq).toBe(`${p}/ephseq-0000000003`);
    await expect(zk.create(`${p}/eph/child`)).rejects.toBeInstanceOf(NoChildrenForEphemeralsError);
    const container = await zk.createContainer(`${p}/container`);
    expect(container.path).toBe(`${p}/container`);
    expect(container.stat.ephemeralOwner).toBe(0n);
    const ttl = await zk.createTTL(`${p}/ttl`, 'x', 60000);
    expect(ttl.stat.ephemeralOwner).toBe(0n);
    const ttlSeq = await zk.createTTL(`${p}/ttlseq-`, 'x', 60000, { sequential: true });
    expect(ttlSeq.path).toMatch(new RegExp(`^${p}/ttlseq-\\d{10}$`));
    expect(await zk.create(`${p}/plainttl`, null, { mode: CreateMode.PERSISTENT_WITH_TTL, ttl: 60000 })).toBe(`${p}/plainttl`);
    expect(await zk.create(`${p}/c2`, null, { mode: CreateMode.CONTAINER })).toBe(`${p}/c2`);
    expect(await zk.getEphemerals(p)).toEqual(expect.arrayContaining([`${p}/eph`, ephSeq]));
  });

  it('create2 returns the Stat of the new node', async () => {
    const p = uniquePath('create2');
    const { path, stat } = await zk.create2(p, 'abc');
    expect(path).toBe(p);
    expect(stat.dataLength).toBe(3);
    expect(stat).toEqual(await zk.exists(p));
  });

  it('lists children with and without the parent stat, and counts descendants', async () => {
    const p = uniquePath('children');
    await zk.create(p);
    for (const c of ['b', 'a', 'c']) await zk.create(`${p}/${c}`);
    await zk.create(`${p}/a/x`);
    expect((await zk.getChildren(p)).sort()).toEqual(['a', 'b', 'c']);
    const { children, stat } = await zk.getChildren2(p);
    expect(children.sort()).toEqual(['a', 'b', 'c']);
    expect(stat.numChildren).toBe(3);
    expect(await zk.getAllChildrenNumber(p)).toBe(4);
    await expect(zk.getChildren(p + '/none')).rejects.toBeInstanceOf(NoNodeError);
  });

  it('gets and sets ACLs, and enforces them after digest auth', async () => {
    const p = uniquePath('acl');
    const { acl, stat } = await zk.getACL('/');
    expect(acl.length).toBeGreaterThan(0);
    expect(stat.aversion).toBe(0);
    await zk.create(p, 'secret', { acl: Ids.READ_ACL_UNSAFE() });
    await expect(zk.setData(p, 'x')).rejects.toMatchObject({ code: Code.NOAUTH, name: 'NoAuthError' });
    await zk.addAuth('digest', 'alice:pw');
    expect(await zk.whoAmI()).toEqual(expect.arrayContaining([expect.objectContaining({ authScheme: 'digest', user: 'alice' })]));
    const q = uniquePath('acl-creator');
    await zk.create(q, 'mine', { acl: Ids.CREATOR_ALL_ACL() });
    const got = await zk.getACL(q);
    expect(got.acl[0].id.scheme).toBe('digest');
    expect(got.acl[0].id.id).toMatch(/^alice:/);
    const s = await zk.setACL(q, [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }], 0);
    expect(s.aversion).toBe(1);
    await expect(zk.setACL(q, Ids.OPEN_ACL_UNSAFE(), 0)).rejects.toBeInstanceOf(BadVersionError);
  });

  it('syncs a path', async () => {
    await expect(zk.sync('/')).resolves.toBeUndefined();
  });

  it('pipelines many requests on one connection and answers each in order', async () => {
    const p = uniquePath('pipeline');
    await zk.create(p);
    const n = 2000;
    const writes = Array.from({ length: n }, (_, i) => zk.setData(p, String(i)));
    const stats = await Promise.all(writes);
    expect(stats.map((s) => s.version)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    const reads = await Promise.all(Array.from({ length: 200 }, () => zk.getData(p)));
    expect(reads.every((r) => r.data!.toString() === String(n - 1))).toBe(true);
  });

  it('exposes the session: id, password, negotiated timeout and last zxid', async () => {
    expect(zk.sessionId).not.toBe(0n);
    expect(zk.sessionPasswd.length).toBe(16);
    expect(zk.sessionTimeout).toBe(4000);
    const before = zk.lastZxid;
    await zk.create(uniquePath('zxid'));
    expect(zk.lastZxid > before).toBe(true);
  });
});
