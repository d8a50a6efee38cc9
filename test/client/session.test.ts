import { firstValueFrom, toArray } from 'rxjs';
import {
  AuthFailedError,
  ConnectionLossError,
  CreateMode,
  EventType,
  Ids,
  KeeperState,
  NoWatcherError,
  SessionExpiredError,
  States,
  WatcherType,
  ZooKeeper,
  type WatchedEvent,
} from '../../lib/client';
import { targets, useServer, type RunningServer } from '../support/targets';
import { Clients, ev, eventWhere, nextEvents, record, sleep, stateBecomes, uniquePath, until, withTimeout } from './support/helpers';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy';

/** Event states with repeats collapsed (Java repeats Disconnected per failed attempt). */
function distinctStates(es: WatchedEvent[]): number[] {
  return es.map((e) => e.state).filter((s, i, a) => i === 0 || a[i - 1] !== s);
}

describe.each(targets)('client sessions against $name', (target) => {
  // tickTime 200: sessions between 400 ms and 4 s, so expiry tests take seconds.
  const server = useServer(target, { tickTime: 200 });
  const clients = new Clients();
  const proxies: TcpProxy[] = [];
  let admin: ZooKeeper;

  const proxy = async (s: RunningServer) => {
    const p = await startTcpProxy(s.host, s.port);
    proxies.push(p);
    return p;
  };

  beforeAll(async () => {
    admin = await clients.connect(server().connectString);
  });
  afterEach(async () => {
    await clients.closeAll();
    await Promise.all(proxies.splice(0).map((p) => p.close()));
    admin = await clients.connect(server().connectString);
  });
  afterAll(() => clients.closeAll());

  it('moves through CONNECTING → CONNECTED → CLOSED, with SyncConnected and Closed events', async () => {
    const zk = clients.create(server().connectString);
    const states = firstValueFrom(zk.state$.pipe(toArray()));
    const events = record(zk.events$);
    await zk.waitForConnected();
    expect(zk.state).toBe(States.CONNECTED);
    await zk.close();
    expect(zk.state).toBe(States.CLOSED);
    await sleep(50);
    expect(events.events.map(ev)).toEqual([
      { type: EventType.None, state: KeeperState.SyncConnected, path: null },
      { type: EventType.None, state: KeeperState.Closed, path: null },
    ]);
    expect(events.done()).toBe(true);
    zk.state$.subscribe().unsubscribe();
    expect(await Promise.race([states.then(() => 'completed'), sleep(50).then(() => 'open')])).toBe('open');
  });

  it('closes the session: its ephemerals go and later calls fail with SessionExpired', async () => {
    const zk = await clients.connect(server().connectString);
    const p = uniquePath('closeeph');
    await zk.create(p, null, { mode: CreateMode.EPHEMERAL });
    await zk.close();
    await zk.close(); // twice is fine
    expect(await admin.exists(p)).toBeNull();
    await expect(zk.getData('/')).rejects.toBeInstanceOf(SessionExpiredError);
  });

  it('reconnects after the connection drops, keeping the session, its ephemerals and its watches', async () => {
    const px = await proxy(server());
    const zk = await clients.connect(px.address);
    const id = zk.sessionId;
    const p = uniquePath('reconnect');
    await zk.create(p, 'v0', { mode: CreateMode.EPHEMERAL });
    const { watch } = await zk.getData(p, { watch: true });
    const seen = record(watch);
    const inflight = zk.getData(p).catch((e) => e);
    px.dropAll();
    expect(await inflight).toBeInstanceOf(ConnectionLossError);
    await stateBecomes(zk, States.CONNECTED);
    expect(zk.sessionId).toBe(id);
    expect((await zk.getData(p)).data!.toString()).toBe('v0');
    await admin.setData(p, 'v1');
    // `seen` took the stream's first subscription; the event may land before setData's reply.
    await until(() => seen.events.some((e) => e.type === EventType.NodeDataChanged), 10_000, 'NodeDataChanged');
    expect(distinctStates(seen.events)).toEqual([KeeperState.Disconnected, KeeperState.SyncConnected]);
    expect(seen.events.filter((e) => e.type !== EventType.None).map((e) => e.type)).toEqual([EventType.NodeDataChanged]);
  });

  it('misses no watch event for changes made while it was disconnected (SetWatches with the last zxid)', async () => {
    const px = await proxy(server());
    const zk = await clients.connect(px.address);
    const p = uniquePath('missed');
    await zk.create(p, 'a');
    await zk.create(`${p}/gone`);
    const data = await zk.getData(p, { watch: true });
    const child = await zk.getChildren(p, { watch: true });
    const absent = await zk.exists(`${p}/new`, { watch: true });
    const persistent = await zk.addWatch(p, 1);
    const persistentEvents = record(persistent);
    px.setDown(true);
    await stateBecomes(zk, States.CONNECTING);
    await admin.setData(p, 'b');
    await admin.delete(`${p}/gone`);
    await admin.create(`${p}/new`);
    px.setDown(false);
    await stateBecomes(zk, States.CONNECTED);
    const dataEvents = await firstValueFrom(data.watch.pipe(toArray()));
    // Disconnected (once per failed attempt, as in Java), SyncConnected, then the change.
    expect(distinctStates(dataEvents.filter((e) => e.type === EventType.None))).toEqual([KeeperState.Disconnected, KeeperState.SyncConnected]);
    expect(dataEvents.filter((e) => e.type !== EventType.None).map((e) => e.type)).toEqual([EventType.NodeDataChanged]);
    expect((await eventWhere(child.watch, (e) => e.type !== EventType.None)).type).toBe(EventType.NodeChildrenChanged);
    expect((await eventWhere(absent.watch, (e) => e.type !== EventType.None)).type).toBe(EventType.NodeCreated);
    await sleep(200);
    // SetWatches2 re-adds the persistent watch; it is not told about what happened meanwhile.
    await admin.setData(`${p}/new`, 'x');
    const isNew = (e: WatchedEvent) => e.type === EventType.NodeDataChanged && e.path === `${p}/new`;
    await until(() => persistentEvents.events.some(isNew), 10000, 'the persistent watch event');
    // The server only fires the one-shot watches for what changed meanwhile; the client hands
    // those events to the recursive watch on p too (ZKWatchManager.addPersistentWatches walks
    // the ancestors, child events included), as Java's client does.
    expect(persistentEvents.events.filter((e) => e.type !== EventType.None).map((e) => [e.type, e.path])).toEqual([
      [EventType.NodeDataChanged, p],
      [EventType.NodeCreated, `${p}/new`],
      [EventType.NodeChildrenChanged, p],
      [EventType.NodeDataChanged, `${p}/new`],
    ]);
  });

  it('re-registers more watches than fit in one packet, in batches under 128 KiB', async () => {
    const px = await proxy(server());
    const zk = await clients.connect(px.address);
    const p = uniquePath('manywatches');
    await zk.create(p);
    // 1200 exists watches of 1000-char paths: 1.2 MB, over jute.maxbuffer in one SetWatches.
    const paths = Array.from({ length: 1200 }, (_, i) => `${p}/${String(i).padStart(5, '0')}${'w'.repeat(994)}`);
    const watches = await Promise.all(paths.map((q) => zk.exists(q, { watch: true })));
    px.dropAll();
    await stateBecomes(zk, States.CONNECTING);
    await stateBecomes(zk, States.CONNECTED);
    const picked = [0, 599, 1199];
    for (const i of picked) await admin.create(paths[i]);
    for (const i of picked) {
      expect((await eventWhere(watches[i].watch, (e) => e.type !== EventType.None)).type).toBe(EventType.NodeCreated);
    }
    expect(zk.state).toBe(States.CONNECTED);
    expect(px.accepted).toBe(2);
  });

  it('fails over to the next server of the connect string with the same session', async () => {
    const a = await proxy(server());
    const b = await proxy(server());
    const zk = await clients.connect(`${a.address},${b.address}`);
    const id = zk.sessionId;
    const first = a.connections === 1 ? a : b;
    const second = first === a ? b : a;
    first.setDown(true);
    await stateBecomes(zk, States.CONNECTING);
    await stateBecomes(zk, States.CONNECTED);
    expect(second.connections).toBe(1);
    expect(zk.sessionId).toBe(id);
    await expect(zk.exists('/')).resolves.not.toBeNull();
  });

  it('notices a silent server by its read timeout and reconnects', async () => {
    const px = await proxy(server());
    const zk = await clients.connect(px.address, { sessionTimeout: 3000 });
    const id = zk.sessionId;
    const started = Date.now();
    px.setBlackhole(true);
    await stateBecomes(zk, States.CONNECTING, 5000);
    // readTimeout = 2/3 of the negotiated 3000 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1800);
    px.setBlackhole(false);
    await stateBecomes(zk, States.CONNECTED);
    expect(zk.sessionId).toBe(id);
  });

  it('keeps an idle session alive with pings', async () => {
    // Without pings the server would expire the session after 2 s (and the client give up
    // after 1.33 s of silence).
    const zk = await clients.connect(server().connectString, { sessionTimeout: 2000 });
    const states = record(zk.events$);
    await sleep(4500);
    expect(zk.state).toBe(States.CONNECTED);
    expect(states.events).toEqual([]);
    await expect(zk.exists('/')).resolves.not.toBeNull();
  });

  it('reports session expiry: Expired event, CLOSED state, ephemerals gone, calls fail with SessionExpired', async () => {
    const px = await proxy(server());
    const zk = await clients.connect(px.address, { sessionTimeout: 1000 });
    const p = uniquePath('expire');
    await zk.create(p, null, { mode: CreateMode.EPHEMERAL });
    const { watch } = await zk.getData(p, { watch: true });
    const events = record(zk.events$);
    const watchEvents = record(watch);
    px.setDown(true);
    await stateBecomes(zk, States.CONNECTING);
    await sleep(2500);
    expect(await admin.exists(p)).toBeNull();
    px.setDown(false);
    await stateBecomes(zk, States.CLOSED, 10000);
    await sleep(50);
    // As in Java, every failed attempt while the server is unreachable is another Disconnected.
    expect(distinctStates(events.events)).toEqual([KeeperState.Disconnected, KeeperState.Expired]);
    expect(events.done()).toBe(true);
    expect(distinctStates(watchEvents.events)).toEqual([KeeperState.Disconnected, KeeperState.Expired]);
    expect(watchEvents.done()).toBe(true);
    await expect(zk.exists('/')).rejects.toBeInstanceOf(SessionExpiredError);
    await zk.close();
  });

  it('re-sends auth after a reconnect', async () => {
    const px = await proxy(server());
    const zk = await clients.connect(px.address);
    await zk.addAuth('digest', 'bob:secret');
    const p = uniquePath('authnode');
    await zk.create(p, 'x', { acl: Ids.CREATOR_ALL_ACL() });
    px.dropAll();
    await stateBecomes(zk, States.CONNECTING);
    await stateBecomes(zk, States.CONNECTED);
    expect((await zk.getData(p)).data!.toString()).toBe('x');
    expect((await zk.whoAmI()).map((c) => c.authScheme)).toContain('digest');
  });

  it('goes to AUTH_FAILED when the server refuses auth', async () => {
    const zk = await clients.connect(server().connectString);
    const events = record(zk.events$);
    await expect(zk.addAuth('nosuchscheme', 'x')).rejects.toBeInstanceOf(AuthFailedError);
    await stateBecomes(zk, States.AUTH_FAILED);
    await sleep(50);
    expect(events.events.map((e) => e.state)).toEqual([KeeperState.AuthFailed]);
    await expect(zk.exists('/')).rejects.toBeInstanceOf(AuthFailedError);
  });

  it('resumes a session from its id and password in another client', async () => {
    const zk = await clients.connect(server().connectString);
    const p = uniquePath('resume');
    await zk.create(p, null, { mode: CreateMode.EPHEMERAL });
    const twin = await clients.connect(server().connectString, { sessionId: zk.sessionId, sessionPasswd: zk.sessionPasswd });
    expect(twin.sessionId).toBe(zk.sessionId);
    expect(await twin.getEphemerals()).toContain(p);
  });

  it('removes watches locally while disconnected', async () => {
    const px = await proxy(server());
    const zk = await clients.connect(px.address);
    const p = uniquePath('localremove');
    await zk.create(p);
    const { watch } = await zk.getData(p, { watch: true });
    px.setDown(true);
    await stateBecomes(zk, States.CONNECTING);
    await zk.removeWatches(p, watch, WatcherType.Data, true);
    const events: WatchedEvent[] = await firstValueFrom(watch.pipe(toArray()));
    expect(events.map(ev)).toEqual([
      { type: EventType.None, state: KeeperState.Disconnected, path: null },
      { type: EventType.DataWatchRemoved, state: KeeperState.Disconnected, path: p },
    ]);
    await expect(zk.removeWatches(p, watch, WatcherType.Data, true)).rejects.toBeInstanceOf(NoWatcherError);
  });

  it('connect() waits for the connection and gives up with ConnectionLoss when no server answers', async () => {
    const px = await proxy(server());
    px.setDown(true);
    const started = Date.now();
    await expect(ZooKeeper.connect(px.address, { connectTimeoutMs: 800, reconnectDelayMs: 10, spinDelayMs: 50 })).rejects.toBeInstanceOf(
      ConnectionLossError,
    );
    expect(Date.now() - started).toBeLessThan(3000);
    const zk = await withTimeout(ZooKeeper.connect(server().connectString), 10000, 'connect');
    await zk.close();
  });

  it('fails requests made while the connection is down with ConnectionLoss once the attempt fails', async () => {
    const px = await proxy(server());
    const zk = await clients.connect(px.address);
    px.setDown(true);
    await stateBecomes(zk, States.CONNECTING);
    await expect(zk.exists('/')).rejects.toBeInstanceOf(ConnectionLossError);
    px.setDown(false);
    await stateBecomes(zk, States.CONNECTED);
    expect(await nextEvents(zk.events$, 0, 10)).toEqual([]);
  });
});
