import {
  BadVersionError,
  ClientKeeperException,
  Code,
  EventType,
  InvalidConnectStringError,
  KeeperState,
  NoNodeError,
  SessionExpiredError,
  StaticHostProvider,
  WatchStream,
  WatcherType,
  ZKWatchManager,
  createKeeperException,
  errorClassFor,
  parseConnectString,
  type WatchedEvent,
} from '../../lib/client';
import { SET_WATCHES_MAX_LENGTH, setWatchesBatches } from '../../lib/client/set-watches';
import { KeeperException } from '../../lib/protocol';
import { OpCode } from '../../lib/protocol/op-code';
import { SeededRandom } from '../../lib/core/random';
import { SetWatches, SetWatches2 } from '../../lib/jute';

describe('ConnectStringParser', () => {
  it('parses hosts, default ports, IPv6 literals and a chroot', () => {
    expect(parseConnectString('a:1, b ,[::1]:3,[fe80::1]/app/x')).toEqual({
      servers: [
        { host: 'a', port: 1 },
        { host: 'b', port: 2181 },
        { host: '::1', port: 3 },
        { host: 'fe80::1', port: 2181 },
      ],
      chrootPath: '/app/x',
    });
  });

  it('treats a bare "/" as no chroot and skips empty entries', () => {
    expect(parseConnectString('h:1,,h:2/')).toEqual({ servers: [{ host: 'h', port: 1 }, { host: 'h', port: 2 }], chrootPath: null });
    expect(parseConnectString('h:')).toEqual({ servers: [{ host: 'h', port: 2181 }], chrootPath: null });
  });

  it.each([
    ['', 'names no server'],
    ['h:1/a/', 'invalid chroot'],
    ['h:x', 'is not a number'],
    ['h:70000', 'out of range'],
    ['[::1', "no matching ']'"],
    ['[::1]x', 'does not have : after ]'],
    ['[::1]:', "doesn't have a port"],
  ])('rejects %j (%s)', (s, msg) => {
    expect(() => parseConnectString(s)).toThrow(InvalidConnectStringError);
    expect(() => parseConnectString(s)).toThrow(msg);
  });
});

describe('StaticHostProvider', () => {
  const hosts = ['a', 'b', 'c', 'd', 'e'].map((host) => ({ host, port: 1 }));

  it('shuffles once with the injected Random: same seed, same order', () => {
    const order = (seed: number) => new StaticHostProvider(hosts, new SeededRandom(seed)).addresses.map((a) => a.host).join('');
    expect(order(3)).toBe(order(3));
    expect(new Set([1, 2, 3, 4, 5, 6].map(order)).size).toBeGreaterThan(1);
    expect([...order(9)].sort().join('')).toBe('abcde');
  });

  it('cycles round-robin and asks for spinDelay when a round wraps to the last good host', () => {
    const hp = new StaticHostProvider(hosts.slice(0, 2), new SeededRandom(1));
    const [x, y] = hp.addresses;
    expect(hp.next(1000)).toEqual({ address: x, delay: 0 });
    expect(hp.next(1000)).toEqual({ address: y, delay: 0 });
    expect(hp.next(1000)).toEqual({ address: x, delay: 1000 });
    hp.onConnected(); // connected to x
    expect(hp.next(1000)).toEqual({ address: y, delay: 0 });
    expect(hp.next(1000)).toEqual({ address: x, delay: 1000 });
    expect(hp.next(0)).toEqual({ address: y, delay: 0 });
  });
});

describe('KeeperException subclasses', () => {
  it('map every code to its class, keeping code, path and Java’s message', () => {
    const e = createKeeperException(Code.NONODE, '/a');
    expect(e).toBeInstanceOf(NoNodeError);
    expect(e).toBeInstanceOf(ClientKeeperException);
    expect(e).toBeInstanceOf(KeeperException);
    expect(e).toBeInstanceOf(Error);
    expect([e.name, e.code, e.path, e.message]).toEqual(['NoNodeError', -101, '/a', 'KeeperErrorCode = NoNode for /a']);
    expect(createKeeperException(Code.SESSIONEXPIRED).message).toBe('KeeperErrorCode = Session expired');
    expect(errorClassFor(Code.BADVERSION)).toBe(BadVersionError);
    expect(new SessionExpiredError().code).toBe(-112);
    for (const code of Object.values(Code).filter((c) => c !== 0)) {
      expect(createKeeperException(code).code).toBe(code);
    }
  });

  it('keep an unknown code, and refuse OK', () => {
    const e = createKeeperException(-999);
    expect([e.name, e.code, e.message]).toEqual(['KeeperException', -999, 'KeeperErrorCode = Unknown error -999']);
    expect(() => createKeeperException(Code.OK)).toThrow(RangeError);
  });
});

describe('ZKWatchManager', () => {
  const events = () => {
    const seen: WatchedEvent[] = [];
    return { seen, w: (e: WatchedEvent) => seen.push(e) };
  };

  it('fires data and exist watches on NodeCreated / NodeDataChanged, child watches on NodeChildrenChanged', () => {
    const m = new ZKWatchManager(false, null);
    const d = () => undefined;
    const x = () => undefined;
    const c = () => undefined;
    m.add('data', '/a', d);
    m.add('exist', '/a', x);
    m.add('child', '/a', c);
    expect(m.materialize(KeeperState.SyncConnected, EventType.NodeDataChanged, '/a')).toEqual(new Set([d, x]));
    expect(m.materialize(KeeperState.SyncConnected, EventType.NodeDataChanged, '/a')).toEqual(new Set());
    expect(m.materialize(KeeperState.SyncConnected, EventType.NodeChildrenChanged, '/a')).toEqual(new Set([c]));
  });

  it('fires every one-shot kind on NodeDeleted', () => {
    const m = new ZKWatchManager(false, null);
    const w = () => undefined;
    m.add('data', '/a', w);
    m.add('child', '/a', w);
    expect(m.materialize(KeeperState.SyncConnected, EventType.NodeDeleted, '/a')).toEqual(new Set([w]));
    expect(m.isEmpty()).toBe(true);
  });

  it('adds persistent watches of the path and recursive watches of it and every ancestor, without consuming them', () => {
    const m = new ZKWatchManager(false, null);
    const p = () => undefined;
    const r1 = () => undefined;
    const r2 = () => undefined;
    const other = () => undefined;
    m.add('persistent', '/a/b', p);
    m.add('persistentRecursive', '/', r1);
    m.add('persistentRecursive', '/a', r2);
    m.add('persistentRecursive', '/ab', other);
    expect(m.materialize(KeeperState.SyncConnected, EventType.NodeChildrenChanged, '/a/b')).toEqual(new Set([p, r1, r2]));
    expect(m.materialize(KeeperState.SyncConnected, EventType.NodeDeleted, '/a/b')).toEqual(new Set([p, r1, r2]));
  });

  it('gives state events to the default watcher and every watcher, clearing one-shots only with disableAutoWatchReset', () => {
    const dflt = () => undefined;
    const w = () => undefined;
    const keep = new ZKWatchManager(false, dflt);
    keep.add('data', '/a', w);
    expect(keep.materialize(KeeperState.Disconnected, EventType.None, null)).toEqual(new Set([dflt, w]));
    expect(keep.isEmpty()).toBe(false);
    const clear = new ZKWatchManager(true, dflt);
    clear.add('data', '/a', w);
    clear.add('persistent', '/b', w);
    clear.materialize(KeeperState.SyncConnected, EventType.None, null);
    expect(clear.dataWatches.size).toBe(1);
    clear.materialize(KeeperState.Disconnected, EventType.None, null);
    expect(clear.dataWatches.size).toBe(0);
    expect(clear.persistentWatches.size).toBe(1);
  });

  it('removes watchers by type, reporting what each is told, and says NoWatcher when nothing matches', () => {
    const m = new ZKWatchManager(false, null);
    const a = () => undefined;
    const b = () => undefined;
    m.add('data', '/x', a);
    m.add('exist', '/x', b);
    m.add('child', '/x', a);
    const removed = m.removeWatcher('/x', a, WatcherType.Data, false, Code.OK);
    expect(removed.get(EventType.DataWatchRemoved)).toEqual(new Set([a]));
    expect(removed.get(EventType.ChildWatchRemoved)).toEqual(new Set());
    expect(() => m.removeWatcher('/x', a, WatcherType.Data, false, Code.OK)).toThrow(expect.objectContaining({ code: Code.NOWATCHER }));
    const all = m.removeWatcher('/x', null, WatcherType.Any, false, Code.OK);
    expect(all.get(EventType.DataWatchRemoved)).toEqual(new Set([b]));
    expect(all.get(EventType.ChildWatchRemoved)).toEqual(new Set([a]));
  });

  it('keeps watches when the server refuses a non-local removal, and removes them anyway when local', () => {
    const m = new ZKWatchManager(false, null);
    const a = () => undefined;
    m.add('data', '/x', a);
    expect(() => m.removeWatcher('/x', a, WatcherType.Data, false, Code.CONNECTIONLOSS)).toThrow(expect.objectContaining({ code: Code.CONNECTIONLOSS }));
    expect(m.dataWatches.size).toBe(1);
    m.removeWatcher('/x', a, WatcherType.Data, true, Code.CONNECTIONLOSS);
    expect(m.dataWatches.size).toBe(0);
  });

  it('follows Java’s containsWatcher quirk: a Children removal sees persistent watches but removes none', () => {
    const m = new ZKWatchManager(false, null);
    const a = () => undefined;
    m.add('persistent', '/x', a);
    expect(() => m.removeWatcher('/x', a, WatcherType.Children, false, Code.OK)).toThrow(expect.objectContaining({ code: Code.NOWATCHER }));
    expect(m.persistentWatches.size).toBe(1);
  });

  it('completes a WatchStream once no slot holds it', () => {
    const m = new ZKWatchManager(false, null);
    const s = new WatchStream('/a');
    const { seen, w } = events();
    s.subscribe(w);
    m.add('data', '/a', s);
    m.add('child', '/a', s);
    const first = m.materialize(KeeperState.SyncConnected, EventType.NodeDataChanged, '/a');
    for (const x of first) (x as WatchStream).process({ type: EventType.NodeDataChanged, state: 3, path: '/a', zxid: -1n });
    expect(s.closed).toBe(false);
    for (const x of m.materialize(KeeperState.SyncConnected, EventType.NodeChildrenChanged, '/a')) {
      (x as WatchStream).process({ type: EventType.NodeChildrenChanged, state: 3, path: '/a', zxid: -1n });
    }
    expect(s.closed).toBe(true);
    expect(seen).toHaveLength(2);
  });
});

describe('SetWatches batching', () => {
  it('uses SetWatches without persistent watches and SetWatches2 with them, with the chroot prepended', () => {
    const m = new ZKWatchManager(false, null);
    const w = () => undefined;
    m.add('data', '/', w);
    m.add('exist', '/e', w);
    const [only] = setWatchesBatches(m, '/root', 9n);
    expect(only.type).toBe(OpCode.setWatches);
    expect((only.record as SetWatches).toJSON()).toEqual({ relativeZxid: '9', dataWatches: ['/root'], existWatches: ['/root/e'], childWatches: [] });
    m.add('persistentRecursive', '/r', w);
    const [b] = setWatchesBatches(m, null, 9n);
    expect(b.type).toBe(OpCode.setWatches2);
    expect((b.record as SetWatches2).persistentRecursiveWatches).toEqual(['/r']);
  });

  it('splits watches into batches of about 128 KiB of paths, in Java’s order', () => {
    const m = new ZKWatchManager(false, null);
    const w = () => undefined;
    const long = (i: number) => `/${String(i).padStart(6, '0')}${'x'.repeat(993)}`; // 1000 chars
    for (let i = 0; i < 300; i++) m.add(i % 3 === 0 ? 'child' : 'data', long(i), w);
    const batches = setWatchesBatches(m, null, 1n);
    expect(batches.length).toBe(3);
    const sizes = batches.map((b) => {
      const r = b.record as SetWatches;
      return [...r.dataWatches!, ...r.existWatches!, ...r.childWatches!].reduce((n, p) => n + p!.length, 0);
    });
    expect(sizes.slice(0, 2).every((s) => s >= SET_WATCHES_MAX_LENGTH && s < SET_WATCHES_MAX_LENGTH + 1000)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(300 * 1000);
    // Data watches all go first, then child watches.
    expect((batches[0].record as SetWatches).childWatches).toEqual([]);
  });
});
