import { firstValueFrom, lastValueFrom, take, timeout, toArray } from 'rxjs';
import {
  AddWatchMode,
  EventType,
  KeeperState,
  NoWatcherError,
  WatcherType,
  nodeEvents,
  type WatchedEvent,
  type ZooKeeper,
} from '../../lib/client';
import { targets, useServer } from '../support/targets';
import { Clients, ev, nextEvents, sleep, uniquePath, withTimeout } from './support/helpers';

const SC = KeeperState.SyncConnected;

describe.each(targets)('client watches against $name', (target) => {
  const server = useServer(target);
  const clients = new Clients();
  let zk: ZooKeeper;
  let other: ZooKeeper;

  beforeAll(async () => {
    zk = await clients.connect(server().connectString);
    other = await clients.connect(server().connectString);
  });
  afterAll(() => clients.closeAll());

  it('fires a data watch once on change, then completes', async () => {
    const p = uniquePath('datawatch');
    await zk.create(p, 'a');
    const { data, watch } = await zk.getData(p, { watch: true });
    expect(data!.toString()).toBe('a');
    await other.setData(p, 'b');
    const events = await lastValueFrom(watch.pipe(toArray(), timeout(10000)));
    expect(events.map(ev)).toEqual([{ type: EventType.NodeDataChanged, state: SC, path: p }]);
    expect(watch.closed).toBe(true);
  });

  it('fires an exists watch on a missing node when it is created', async () => {
    const p = uniquePath('existwatch');
    const { stat, watch } = await zk.exists(p, { watch: true });
    expect(stat).toBeNull();
    await other.create(p);
    expect((await nextEvents(watch)).map(ev)).toEqual([{ type: EventType.NodeCreated, state: SC, path: p }]);
  });

  it('fires an exists watch on an existing node when it is deleted', async () => {
    const p = uniquePath('existdel');
    await zk.create(p);
    const { stat, watch } = await zk.exists(p, { watch: true });
    expect(stat).not.toBeNull();
    await other.delete(p);
    expect((await nextEvents(watch)).map(ev)).toEqual([{ type: EventType.NodeDeleted, state: SC, path: p }]);
  });

  it('fires a child watch on a new child, and on the parent’s deletion', async () => {
    const p = uniquePath('childwatch');
    await zk.create(p);
    const first = await zk.getChildren(p, { watch: true });
    expect(first.children).toEqual([]);
    await other.create(`${p}/c`);
    expect((await nextEvents(first.watch)).map(ev)).toEqual([{ type: EventType.NodeChildrenChanged, state: SC, path: p }]);
    await other.delete(`${p}/c`);
    const second = await zk.getChildren2(p, { watch: true });
    expect(second.stat.numChildren).toBe(0);
    await other.delete(p);
    const events = await nextEvents(second.watch);
    expect(events.map(ev)).toEqual([{ type: EventType.NodeDeleted, state: SC, path: p }]);
  });

  it('delivers one event to a Java-style watcher registered twice on a path (watchers are a set)', async () => {
    const p = uniquePath('watcherset');
    await zk.create(p);
    const seen: WatchedEvent[] = [];
    const watcher = (e: WatchedEvent) => seen.push(e);
    await zk.getData(p, { watch: watcher });
    await zk.exists(p, { watch: watcher });
    await zk.getChildren(p, { watch: watcher });
    await other.delete(p);
    await sleep(300);
    expect(seen.map(ev)).toEqual([{ type: EventType.NodeDeleted, state: SC, path: p }]);
  });

  it('keeps events that arrive before anyone subscribes', async () => {
    const p = uniquePath('buffered');
    await zk.create(p, 'x');
    const { watch } = await zk.getData(p, { watch: true });
    await other.setData(p, 'y');
    await sleep(300);
    expect((await nextEvents(watch)).map((e) => e.type)).toEqual([EventType.NodeDataChanged]);
  });

  it('delivers every change to a persistent watch without consuming it', async () => {
    const p = uniquePath('persistent');
    const watch = await zk.addWatch(p, AddWatchMode.PERSISTENT);
    const got = firstValueFrom(watch.pipe(take(4), toArray(), timeout(10000)));
    await other.create(p);
    await other.setData(p, 'v');
    await other.create(`${p}/child`);
    await other.delete(`${p}/child`);
    expect((await got).map(ev)).toEqual([
      { type: EventType.NodeCreated, state: SC, path: p },
      { type: EventType.NodeDataChanged, state: SC, path: p },
      { type: EventType.NodeChildrenChanged, state: SC, path: p },
      { type: EventType.NodeChildrenChanged, state: SC, path: p },
    ]);
    expect(watch.closed).toBe(false);
    await zk.removeWatches(p, watch, WatcherType.Any);
    expect(watch.closed).toBe(true);
  });

  it('delivers a persistent recursive watch’s events for the whole subtree, without child events', async () => {
    const p = uniquePath('recursive');
    await zk.create(p);
    const events: WatchedEvent[] = [];
    const watch = await zk.addWatch(p, AddWatchMode.PERSISTENT_RECURSIVE);
    watch.subscribe((e) => events.push(e));
    await other.create(`${p}/a`);
    await other.create(`${p}/a/b`, 'x');
    await other.setData(`${p}/a/b`, 'y');
    await other.delete(`${p}/a/b`);
    await other.setData(p, 'top');
    await sleep(300);
    expect(events.map(ev)).toEqual([
      { type: EventType.NodeCreated, state: SC, path: `${p}/a` },
      { type: EventType.NodeCreated, state: SC, path: `${p}/a/b` },
      { type: EventType.NodeDataChanged, state: SC, path: `${p}/a/b` },
      { type: EventType.NodeDeleted, state: SC, path: `${p}/a/b` },
      { type: EventType.NodeDataChanged, state: SC, path: p },
    ]);
    await zk.removeAllWatches(p, WatcherType.Any);
  });

  it('offers persistent watches as a cold Observable that removes the watch on unsubscribe', async () => {
    const p = uniquePath('cold');
    await zk.create(p);
    const events = firstValueFrom(zk.persistentWatch(p).pipe(take(2), toArray(), timeout(10000)));
    await sleep(200); // the addWatch round trip
    await other.create(`${p}/x`);
    await other.setData(`${p}/x`, 'v');
    expect((await events).map((e) => [e.type, e.path])).toEqual([
      [EventType.NodeCreated, `${p}/x`],
      [EventType.NodeDataChanged, `${p}/x`],
    ]);
    await sleep(200); // the removeWatches round trip
    await expect(zk.removeAllWatches(p, WatcherType.Any)).rejects.toBeInstanceOf(NoWatcherError);
  });

  it('removes a watcher on request and tells it with a *WatchRemoved event', async () => {
    const p = uniquePath('remove');
    await zk.create(p);
    const data = await zk.getData(p, { watch: true });
    const child = await zk.getChildren(p, { watch: true });
    await zk.removeWatches(p, data.watch, WatcherType.Data);
    expect((await nextEvents(data.watch)).map(ev)).toEqual([{ type: EventType.DataWatchRemoved, state: SC, path: p }]);
    expect(data.watch.closed).toBe(true);
    await expect(zk.removeWatches(p, data.watch, WatcherType.Data)).rejects.toBeInstanceOf(NoWatcherError);
    await zk.removeAllWatches(p, WatcherType.Children);
    expect((await nextEvents(child.watch)).map(ev)).toEqual([{ type: EventType.ChildWatchRemoved, state: SC, path: p }]);
    await expect(zk.removeAllWatches(p, WatcherType.Any)).rejects.toBeInstanceOf(NoWatcherError);
  });

  it('removes persistent watches with PersistentWatchRemoved', async () => {
    const p = uniquePath('removepersistent');
    const w = await zk.addWatch(p, AddWatchMode.PERSISTENT_RECURSIVE);
    await zk.removeWatches(p, w, WatcherType.Any);
    expect((await nextEvents(w)).map(ev)).toEqual([{ type: EventType.PersistentWatchRemoved, state: SC, path: p }]);
  });

  it('removes a watch locally when asked, even one the server does not know', async () => {
    const p = uniquePath('local');
    await zk.create(p);
    const { watch } = await zk.getData(p, { watch: true });
    await zk.removeAllWatches(p, WatcherType.Any);
    expect((await nextEvents(watch))[0].type).toBe(EventType.DataWatchRemoved);
    const seen: WatchedEvent[] = [];
    await zk.exists(p, { watch: (e) => seen.push(e) });
    await zk.removeWatches(p, (e) => seen.push(e), WatcherType.Data, true).catch((e) => seen.push(e));
    expect(seen[0]).toBeInstanceOf(NoWatcherError);
  });

  it('tells open watches about a lost connection and keeps them across the reconnect', async () => {
    const c = await clients.connect(server().connectString);
    const p = uniquePath('statewatch');
    await c.create(p);
    const { watch } = await c.getData(p, { watch: true });
    const events: WatchedEvent[] = [];
    watch.subscribe((e) => events.push(e));
    c.dropConnectionForTesting();
    await withTimeout(c.waitForConnected(), 10000, 'reconnect');
    await other.setData(p, 'after');
    await withTimeout(firstValueFrom(watch.pipe(nodeEvents(), toArray())), 10000, 'the data event');
    // (A reconnect attempt that fails under load repeats Disconnected, as in Java.)
    const collapsed = events.map(ev).filter((e, i, a) => i === 0 || JSON.stringify(a[i - 1]) !== JSON.stringify(e));
    expect(collapsed).toEqual([
      { type: EventType.None, state: KeeperState.Disconnected, path: null },
      { type: EventType.None, state: KeeperState.SyncConnected, path: null },
      { type: EventType.NodeDataChanged, state: SC, path: p },
    ]);
  });
});
