import { EventType, KeeperState } from '../../lib/protocol';
import { WatchManager } from '../../lib/data/watch-manager';
import { UnsupportedWatcherModeError, WatcherMode, watcherModeFromZooDef } from '../../lib/data/watcher-mode';
import { RecordingWatcher } from './recording-watcher';

const { NodeCreated, NodeDeleted, NodeDataChanged, NodeChildrenChanged } = EventType;

describe('WatchManager', () => {
  it('fires a standard watch once, with SyncConnected and the zxid', () => {
    const m = new WatchManager();
    const w = new RecordingWatcher();
    expect(m.addWatch('/a', w)).toBe(true);
    expect(m.addWatch('/a', w)).toBe(false);
    expect(m.size()).toBe(1);
    const fired = m.triggerWatch('/a', NodeDataChanged, 7n);
    expect(fired).toEqual(new Set([w]));
    expect(w.events[0]).toEqual({ type: NodeDataChanged, state: KeeperState.SyncConnected, path: '/a', zxid: 7n });
    expect(m.triggerWatch('/a', NodeDataChanged, 8n)).toBeNull();
    expect(w.events).toHaveLength(1);
    expect(m.size()).toBe(0);
  });

  it('keeps a persistent watch after it fires, for its own path only', () => {
    const m = new WatchManager();
    const w = new RecordingWatcher();
    m.addWatch('/a', w, WatcherMode.PERSISTENT);
    m.triggerWatch('/a', NodeDataChanged, 1n);
    m.triggerWatch('/a', NodeChildrenChanged, 2n);
    m.triggerWatch('/a/b', NodeCreated, 3n);
    expect(w.take()).toEqual([
      [NodeDataChanged, '/a', 1n],
      [NodeChildrenChanged, '/a', 2n],
    ]);
    expect(m.size()).toBe(1);
  });

  it('fires a recursive watch for the subtree but never for NodeChildrenChanged', () => {
    const m = new WatchManager();
    const w = new RecordingWatcher();
    m.addWatch('/a', w, WatcherMode.PERSISTENT_RECURSIVE);
    expect(m.getRecursiveWatchQty()).toBe(1);
    m.triggerWatch('/a', NodeDataChanged, 1n);
    m.triggerWatch('/a/b/c', NodeCreated, 2n);
    m.triggerWatch('/a/b', NodeChildrenChanged, 3n);
    m.triggerWatch('/a', NodeChildrenChanged, 4n);
    m.triggerWatch('/ab', NodeCreated, 5n);
    m.triggerWatch('/', NodeChildrenChanged, 6n);
    expect(w.take()).toEqual([
      [NodeDataChanged, '/a', 1n],
      [NodeCreated, '/a/b/c', 2n],
    ]);
  });

  it('delivers once to a watcher found at several levels, and honours suppression', () => {
    const m = new WatchManager();
    const w = new RecordingWatcher();
    const other = new RecordingWatcher(2n);
    m.addWatch('/', w, WatcherMode.PERSISTENT_RECURSIVE);
    m.addWatch('/a', w, WatcherMode.PERSISTENT_RECURSIVE);
    m.addWatch('/a/b', w);
    m.addWatch('/a/b', other);
    const fired = m.triggerWatch('/a/b', NodeDeleted, 9n, new Set([other]));
    expect(fired).toEqual(new Set([w, other]));
    expect(w.take()).toEqual([[NodeDeleted, '/a/b', 9n]]);
    expect(other.events).toHaveLength(0);
  });

  it('replaces the mode of a (watcher, path) pair, as 3.8 does', () => {
    const m = new WatchManager();
    const w = new RecordingWatcher();
    m.addWatch('/a', w, WatcherMode.PERSISTENT_RECURSIVE);
    m.addWatch('/a', w); // a getData watch on the same path makes it one-shot
    expect(m.getRecursiveWatchQty()).toBe(0);
    m.triggerWatch('/a', NodeDataChanged, 1n);
    m.triggerWatch('/a', NodeDataChanged, 2n);
    expect(w.events).toHaveLength(1);
  });

  it('removes one registration or everything of a closed connection', () => {
    const m = new WatchManager();
    const w = new RecordingWatcher();
    m.addWatch('/a', w);
    m.addWatch('/b', w, WatcherMode.PERSISTENT_RECURSIVE);
    expect(m.removeWatcher('/a', w)).toBe(true);
    expect(m.removeWatcher('/a', w)).toBe(false);
    expect(m.containsWatcher('/b', w)).toBe(true);
    m.removeWatcher(w);
    expect(m.size()).toBe(0);
    expect(m.getRecursiveWatchQty()).toBe(0);
    expect(m.containsWatcher('/b', w)).toBe(false);
  });

  it('refuses watches from a stale connection', () => {
    const m = new WatchManager();
    const w = new RecordingWatcher();
    w.stale = true;
    expect(m.addWatch('/a', w)).toBe(false);
    expect(m.size()).toBe(0);
  });

  it('answers containsWatcher for the leaf as 3.8 does (anyone watching it counts)', () => {
    const m = new WatchManager();
    const a = new RecordingWatcher(1n);
    const b = new RecordingWatcher(2n);
    m.addWatch('/x', a);
    expect(m.containsWatcher('/x', a)).toBe(true);
    expect(m.containsWatcher('/x', b)).toBe(true);
    expect(m.containsWatcher('/y', a)).toBe(false);
  });

  it('reports by session, by path and in summary as the 4lw commands print them', () => {
    const m = new WatchManager();
    const a = new RecordingWatcher(0x10n);
    const b = new RecordingWatcher(0x20n);
    m.addWatch('/x', a);
    m.addWatch('/y', a);
    m.addWatch('/x', b);
    expect(m.getWatchesSummary().toMap()).toEqual({ num_connections: 2, num_paths: 2, num_total_watches: 3 });
    expect(m.toString()).toBe('2 connections watching 2 paths\nTotal watches:3');
    expect(m.getWatches().getPaths(0x10n)).toEqual(new Set(['/x', '/y']));
    expect(m.getWatchesByPath().getSessions('/x')).toEqual(new Set([0x10n, 0x20n]));
    expect(m.dumpWatches(true)).toBe('/x\n\t0x10\n\t0x20\n/y\n\t0x10\n');
    expect(m.dumpWatches(false)).toBe('0x10\n\t/x\n\t/y\n0x20\n\t/x\n');
  });

  it('keeps a fired watcher listed with no paths, as Java does, and gives it a new set instead of emptying its old one', () => {
    const m = new WatchManager();
    const a = new RecordingWatcher(0x10n);
    const pathsOf = (w: RecordingWatcher): Set<string> | undefined =>
      (m as unknown as { watch2Paths: Map<RecordingWatcher, Set<string>> }).watch2Paths.get(w);
    m.addWatch('/x', a);
    m.addWatch('/y', a);
    const before = pathsOf(a);
    m.triggerWatch('/x', NodeDataChanged, 1n);
    // Another path is still watched: the same set, one path fewer.
    expect(pathsOf(a)).toBe(before);
    expect(m.dumpWatches(false)).toBe('0x10\n\t/y\n');
    m.triggerWatch('/y', NodeDataChanged, 2n);
    // The last path went: a new empty set (an old one would get a new table in the old
    // generation each time, see deleteFromKeyedSet), and the watcher stays listed.
    expect(pathsOf(a)).not.toBe(before);
    expect(pathsOf(a)!.size).toBe(0);
    expect(m.dumpWatches(false)).toBe('0x10\n');
    expect(m.toString()).toBe('1 connections watching 0 paths\nTotal watches:0');
    // Re-armed, it fires again; removeWatches empties the set the same way.
    for (let i = 0; i < 3; i++) {
      expect(m.addWatch('/x', a)).toBe(true);
      expect(m.triggerWatch('/x', NodeDataChanged, BigInt(3 + i))).toEqual(new Set([a]));
    }
    m.addWatch('/z', a);
    const armed = pathsOf(a);
    expect(m.removeWatcher('/z', a)).toBe(true);
    expect(pathsOf(a)).not.toBe(armed);
    expect(m.removeWatcher('/z', a)).toBe(false);
    expect(a.take().map(([, p]) => p)).toEqual(['/x', '/y', '/x', '/x', '/x']);
  });

  it('maps AddWatch modes and rejects others', () => {
    expect(watcherModeFromZooDef(0)).toBe(WatcherMode.PERSISTENT);
    expect(watcherModeFromZooDef(1)).toBe(WatcherMode.PERSISTENT_RECURSIVE);
    expect(() => watcherModeFromZooDef(2)).toThrow(UnsupportedWatcherModeError);
  });
});
