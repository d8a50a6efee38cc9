import { AddWatchRequest, Create2Response, CreateRequest, CreateTTLRequest, SyncRequest, SyncResponse, decode } from '../../lib/jute';
import { AddWatchMode, Code, EventType, OpCode } from '../../lib/protocol';
import { call, closeNzc, connectNzc, must, statShape, watcher, zookeeper } from '../support/nzc';
import { RawClient } from '../support/raw-client';
import { OPEN_ACL } from '../support/raw-ops';
import { targets, useServer } from '../support/targets';

/**
 * node-zookeeper-client 1.1.3 (npm) against each target: its whole API surface. It has no
 * sync, TTL or addWatch, so those are sent as raw jute requests on a session of their own;
 * containers it can create, by passing CreateMode 4 through create().
 */
const { CreateMode, ACL, Id, Permission } = zookeeper;
const buf = (s: string) => Buffer.from(s);

describe.each(targets)('node-zookeeper-client 1.1.3 against $name', (target) => {
  const server = useServer(target);
  let client: any;
  let other: any;

  beforeAll(async () => {
    client = await connectNzc(server().connectString);
    server.atStop(() => closeNzc(client));
    other = await connectNzc(server().connectString);
    server.atStop(() => closeNzc(other));
  }, 30000);

  test('creates persistent, ephemeral, sequential and container nodes', async () => {
    expect(await call(client, 'create', '/n', buf('n'))).toEqual({ ok: '/n' });
    expect(await call(client, 'create', '/n/p', buf('p'), CreateMode.PERSISTENT)).toEqual({ ok: '/n/p' });
    expect(await call(client, 'create', '/n/e', buf('e'), CreateMode.EPHEMERAL)).toEqual({ ok: '/n/e' });
    expect(await call(client, 'create', '/n/s-', buf('s'), CreateMode.PERSISTENT_SEQUENTIAL)).toEqual({ ok: '/n/s-0000000002' });
    expect(await call(client, 'create', '/n/es-', null, CreateMode.EPHEMERAL_SEQUENTIAL)).toEqual({ ok: '/n/es-0000000003' });
    expect(await call(client, 'create', '/n/c', buf('c'), 4)).toEqual({ ok: '/n/c' });
    expect(await call(client, 'mkdirp', '/n/deep/er/path', buf('d'))).toEqual({ ok: '/n/deep/er/path' });
    expect(await call(client, 'create', '/n/p', buf('again'))).toEqual({ error: 'NODE_EXISTS' });
    expect(await call(client, 'create', '/n/none/x')).toEqual({ error: 'NO_NODE' });
    expect(await call(client, 'create', '/n/e/child')).toEqual({ error: 'NO_CHILDREN_FOR_EPHEMERALS' });
    const eph = await must<any>(client, 'exists', '/n/e');
    expect(eph.ephemeralOwner.equals(client.getSessionId())).toBe(true);
    expect(statShape(await must(client, 'exists', '/n/c'))).toMatchObject({ ephemeral: false });
  });

  test('reads and writes data, stats and children, with version and existence errors', async () => {
    const [data, stat] = await must<[Buffer, any]>(client, 'getData', '/n/p');
    expect(data.toString()).toBe('p');
    expect(statShape(stat)).toEqual({ version: 0, cversion: 0, aversion: 0, dataLength: 1, numChildren: 0, ephemeral: false });
    expect(statShape(await must(client, 'setData', '/n/p', buf('p1'), 0))).toMatchObject({ version: 1, dataLength: 2 });
    expect(await call(client, 'setData', '/n/p', buf('p2'), 0)).toEqual({ error: 'BAD_VERSION' });
    expect(statShape(await must(client, 'setData', '/n/p', buf('p3'), -1))).toMatchObject({ version: 2 });
    expect(await call(client, 'getData', '/n/none')).toEqual({ error: 'NO_NODE' });
    expect(await call(client, 'setData', '/n/none', buf('x'), -1)).toEqual({ error: 'NO_NODE' });
    expect(await call(client, 'exists', '/n/none')).toEqual({ ok: null });
    const [children, parent] = await must<[string[], any]>(client, 'getChildren', '/n');
    expect([...children].sort()).toEqual(['c', 'deep', 'e', 'es-0000000003', 'p', 's-0000000002']);
    expect(statShape(parent)).toMatchObject({ numChildren: 6, cversion: 6 });
    expect(await call(client, 'getChildren', '/n/none')).toEqual({ error: 'NO_NODE' });
    expect(await call(client, 'remove', '/n/deep', -1)).toEqual({ error: 'NOT_EMPTY' });
    expect(await call(client, 'remove', '/n/p', 7)).toEqual({ error: 'BAD_VERSION' });
    expect(await call(client, 'remove', '/n/p', 2)).toEqual({ ok: undefined });
    expect(await call(client, 'remove', '/n/p', -1)).toEqual({ error: 'NO_NODE' });
    // removeRecursive lists one level only in 1.1.3 (its BFS stops early): a flat tree.
    await must(client, 'create', '/n/flat');
    await must(client, 'create', '/n/flat/a');
    await must(client, 'create', '/n/flat/b');
    expect(await call(client, 'removeRecursive', '/n/flat', -1)).toEqual({ ok: undefined });
    expect(await call(client, 'exists', '/n/flat')).toEqual({ ok: null });
  });

  test('fires data, exists and child watchers once each', async () => {
    await must(client, 'create', '/nw', buf('w'));
    const data = watcher();
    const exist = watcher();
    const child = watcher();
    await must(other, 'getData', '/nw', data.fn);
    await must(other, 'exists', '/nw/new', exist.fn);
    await must(other, 'getChildren', '/nw', child.fn);
    await must(client, 'setData', '/nw', buf('w1'), -1);
    await must(client, 'create', '/nw/new', buf(''));
    expect(await data.event).toEqual({ type: EventType.NodeDataChanged, name: 'NODE_DATA_CHANGED', path: '/nw' });
    expect(await exist.event).toEqual({ type: EventType.NodeCreated, name: 'NODE_CREATED', path: '/nw/new' });
    expect(await child.event).toEqual({ type: EventType.NodeChildrenChanged, name: 'NODE_CHILDREN_CHANGED', path: '/nw' });
    const gone = watcher();
    await must(other, 'getData', '/nw/new', gone.fn);
    await must(client, 'remove', '/nw/new', -1);
    expect(await gone.event).toEqual({ type: EventType.NodeDeleted, name: 'NODE_DELETED', path: '/nw/new' });
  });

  test('enforces digest and world ACLs; addAuthInfo, getACL and setACL with versions', async () => {
    const digest = new Id('digest', 'u:Jq7wMyA/w2Vd5WIDAKdu4OIIFEQ='); // u:p
    await must(client, 'create', '/na', buf('secret'), [new ACL(Permission.ALL, digest)]);
    expect(await call(other, 'getData', '/na')).toEqual({ error: 'NO_AUTH' });
    expect(await call(other, 'getACL', '/na')).toEqual({ error: 'NO_AUTH' });
    expect(await call(other, 'setData', '/na', buf('x'), -1)).toEqual({ error: 'NO_AUTH' });
    const badIp = new ACL(Permission.ALL, new Id('ip', 'not-an-address'));
    expect(await call(client, 'create', '/nb', buf(''), [badIp])).toEqual({ error: 'INVALID_ACL' });
    const authed = await connectNzc(server().connectString);
    try {
      authed.addAuthInfo('digest', buf('u:p'));
      const [data] = await must<[Buffer]>(authed, 'getData', '/na');
      expect(data.toString()).toBe('secret');
      const [acls, stat] = await must<[any[], any]>(authed, 'getACL', '/na');
      expect(acls.map((a) => [a.permission, a.id.scheme, a.id.id])).toEqual([[31, 'digest', 'u:Jq7wMyA/w2Vd5WIDAKdu4OIIFEQ=']]);
      expect(stat.aversion).toBe(0);
      expect(await call(authed, 'setACL', '/na', ACL.OPEN_ACL_UNSAFE, 3)).toEqual({ error: 'BAD_VERSION' });
      expect(statShape(await must(authed, 'setACL', '/na', ACL.READ_ACL_UNSAFE, 0))).toMatchObject({ aversion: 1 });
      const [open] = await must<[any[]]>(other, 'getACL', '/na');
      expect(open.map((a) => [a.permission, a.id.scheme, a.id.id])).toEqual([[1, 'world', 'anyone']]);
      expect(await call(other, 'setData', '/na', buf('x'), -1)).toEqual({ error: 'NO_AUTH' });
    } finally {
      await closeNzc(authed);
    }
  });

  test('commits a transaction, and rolls back one whose check fails', async () => {
    await must(client, 'create', '/nt', buf('t'));
    const ok = await call<any[]>(client.transaction().create('/nt/a', buf('a')).setData('/nt', buf('t1'), -1).check('/nt', 1).remove('/nt/a', -1), 'commit');
    expect('ok' in ok && ok.ok.map((r: any) => r.type)).toEqual([OpCode.create, OpCode.setData, OpCode.check, OpCode.delete]);
    // version 0 would be sent as -1 by this client; 5 really fails.
    const failed = await call(client.transaction().create('/nt/b', buf('b')).check('/nt', 5).setData('/nt', buf('no'), -1), 'commit');
    expect(failed).toEqual({ error: 'BAD_VERSION' });
    const results: any[] = await new Promise((resolve) =>
      client.transaction().create('/nt/c').remove('/nt/none', -1).commit((_: unknown, r: any[]) => resolve(r)),
    );
    expect(results.map((r) => [r.type, r.err])).toEqual([
      [OpCode.error, Code.OK],
      [OpCode.error, Code.NONODE],
    ]);
    expect(await call(client, 'exists', '/nt/b')).toEqual({ ok: null });
    expect(await call(client, 'exists', '/nt/c')).toEqual({ ok: null });
    const [data] = await must<[Buffer]>(client, 'getData', '/nt');
    expect(data.toString()).toBe('t1');
  });

  test('reconnects after a dropped connection with the same session, restoring watches', async () => {
    // spinDelay: the client waits 500 ms before reconnecting, time to change the node.
    const c = await connectNzc(server().connectString, { spinDelay: 500 });
    try {
      await must(c, 'create', '/nr', buf('r'), CreateMode.EPHEMERAL);
      const w = watcher();
      await must(c, 'getData', '/nr', w.fn);
      const id = Buffer.from(c.getSessionId());
      const disconnected = new Promise((r) => c.once('disconnected', r));
      const reconnected = new Promise((r) => c.once('connected', r));
      c.connectionManager.socket.destroy();
      await disconnected;
      await must(other, 'setData', '/nr', buf('changed while away'), -1);
      await reconnected;
      expect((await w.event).name).toBe('NODE_DATA_CHANGED');
      expect(Buffer.from(c.getSessionId()).equals(id)).toBe(true);
      expect(statShape(await must(other, 'exists', '/nr'))).toMatchObject({ ephemeral: true });
    } finally {
      await closeNzc(c);
    }
    expect(await call(other, 'exists', '/nr')).toEqual({ ok: null });
  });

  test('reports an expired session, and the server deletes its ephemerals', async () => {
    const raw = await RawClient.connect(server().host, server().port, { timeout: 800, autoPing: false });
    const created = await raw.request(OpCode.create, new CreateRequest({ path: '/nx', data: buf(''), acl: OPEN_ACL(), flags: 1 }));
    expect(created.err).toBe(Code.OK);
    const gone = watcher();
    await must(other, 'exists', '/nx', gone.fn);
    raw.destroy();
    expect((await gone.event).name).toBe('NODE_DELETED');
    const late = zookeeper.createClient(server().connectString, {
      sessionTimeout: 800,
      sessionId: Buffer.from(raw.sessionId.toString(16).padStart(16, '0'), 'hex'),
      sessionPassword: raw.session.passwd,
      spinDelay: 100,
      retries: 0,
    });
    const expired = new Promise((r) => late.once('expired', () => r('expired')));
    late.connect();
    expect(await expired).toBe('expired');
    late.close();
  });

  test('sync, TTL nodes and persistent watches (absent from this client) work as raw jute', async () => {
    const raw = await RawClient.connect(server().host, server().port);
    try {
      const synced = await raw.request(OpCode.sync, new SyncRequest({ path: '/n' }));
      expect(decode(SyncResponse, synced.body).path).toBe('/n');
      const ttl = await raw.request(OpCode.createTTL, new CreateTTLRequest({ path: '/n/ttl', data: buf('t'), acl: OPEN_ACL(), flags: 5, ttl: 60000n }));
      expect(decode(Create2Response, ttl.body).path).toBe('/n/ttl');
      const added = await raw.request(OpCode.addWatch, new AddWatchRequest({ path: '/n', mode: AddWatchMode.PERSISTENT_RECURSIVE }));
      expect(added.err).toBe(Code.OK);
      const seen = raw.waitForEvent((e) => e.path === '/n/from-nzc');
      await must(client, 'create', '/n/from-nzc', buf(''));
      expect(await seen).toEqual({ type: EventType.NodeCreated, state: 3, path: '/n/from-nzc' });
    } finally {
      await raw.closeSession();
    }
  });
});
