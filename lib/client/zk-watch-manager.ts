import { Code } from '../protocol/keeper-exception';
import { EventType, KeeperState, WatcherType } from '../protocol/zoo-defs';
import { createKeeperException } from './errors';
import { WatchStream, type Watcher } from './watch-stream';

type WatchMap = Map<string, Set<Watcher>>;

/** Which map a WatchRegistration adds to. */
export type WatchKind = 'data' | 'exist' | 'child' | 'persistent' | 'persistentRecursive';

/** What removeWatcher took away, keyed by the event type each removed watcher is told. */
export type RemovedWatchers = Map<number, Set<Watcher>>;

/**
 * ZKWatchManager: the client's record of which watcher waits for what, by client path
 * (chroot already removed). Which watchers an event reaches, and which one-shot watches it
 * consumes, follow Java's materialize() exactly, including its quirks (a child event also
 * reaches persistent-recursive watches on the path and its ancestors).
 */
export class ZKWatchManager {
  readonly dataWatches: WatchMap = new Map();
  readonly existWatches: WatchMap = new Map();
  readonly childWatches: WatchMap = new Map();
  readonly persistentWatches: WatchMap = new Map();
  readonly persistentRecursiveWatches: WatchMap = new Map();

  constructor(
    private readonly disableAutoWatchReset: boolean,
    public defaultWatcher: Watcher | null,
  ) {}

  mapOf(kind: WatchKind): WatchMap {
    switch (kind) {
      case 'data':
        return this.dataWatches;
      case 'exist':
        return this.existWatches;
      case 'child':
        return this.childWatches;
      case 'persistent':
        return this.persistentWatches;
      case 'persistentRecursive':
        return this.persistentRecursiveWatches;
    }
  }

  add(kind: WatchKind, clientPath: string, watcher: Watcher): void {
    const map = this.mapOf(kind);
    let set = map.get(clientPath);
    if (!set) map.set(clientPath, (set = new Set()));
    if (set.has(watcher)) return;
    set.add(watcher);
    if (watcher instanceof WatchStream) watcher.retain();
  }

  /** True when no watch of any kind is held (then reconnect sends no SetWatches). */
  isEmpty(): boolean {
    return (
      this.dataWatches.size === 0 &&
      this.existWatches.size === 0 &&
      this.childWatches.size === 0 &&
      this.persistentWatches.size === 0 &&
      this.persistentRecursiveWatches.size === 0
    );
  }

  /** Every watcher held anywhere, once each (the session is over: they hear Closed/Expired). */
  allWatchers(): Set<Watcher> {
    const out = new Set<Watcher>();
    for (const m of this.maps()) for (const set of m.values()) for (const w of set) out.add(w);
    return out;
  }

  private maps(): WatchMap[] {
    return [this.dataWatches, this.existWatches, this.childWatches, this.persistentWatches, this.persistentRecursiveWatches];
  }

  /** materialize(): the watchers an event reaches; one-shot watches it fires are removed. */
  materialize(state: number, type: number, clientPath: string | null): Set<Watcher> {
    const result = new Set<Watcher>();
    switch (type) {
      case EventType.None: {
        if (this.defaultWatcher) result.add(this.defaultWatcher);
        const clear = this.disableAutoWatchReset && state !== KeeperState.SyncConnected;
        for (const m of [this.dataWatches, this.existWatches, this.childWatches]) {
          for (const set of m.values()) for (const w of set) result.add(w);
          if (clear) this.clearMap(m);
        }
        for (const m of [this.persistentWatches, this.persistentRecursiveWatches]) {
          for (const set of m.values()) for (const w of set) result.add(w);
        }
        return result;
      }
      case EventType.NodeDataChanged:
      case EventType.NodeCreated:
        this.take(this.dataWatches, clientPath!, result);
        this.take(this.existWatches, clientPath!, result);
        this.addPersistentWatches(clientPath!, result);
        return result;
      case EventType.NodeChildrenChanged:
        this.take(this.childWatches, clientPath!, result);
        this.addPersistentWatches(clientPath!, result);
        return result;
      case EventType.NodeDeleted:
        this.take(this.dataWatches, clientPath!, result);
        // Java keeps this "just in case": a server never sends NodeDeleted to an exists watch.
        this.take(this.existWatches, clientPath!, result);
        this.take(this.childWatches, clientPath!, result);
        this.addPersistentWatches(clientPath!, result);
        return result;
      default:
        // Java throws here; an unknown event type from a newer server reaches nobody.
        return result;
    }
  }

  private take(map: WatchMap, path: string, into: Set<Watcher>): void {
    const set = map.get(path);
    if (!set) return;
    map.delete(path);
    for (const w of set) {
      into.add(w);
      if (w instanceof WatchStream) w.release();
    }
  }

  private clearMap(map: WatchMap): void {
    for (const set of map.values()) for (const w of set) if (w instanceof WatchStream) w.release();
    map.clear();
  }

  private addPersistentWatches(clientPath: string, into: Set<Watcher>): void {
    const exact = this.persistentWatches.get(clientPath);
    if (exact) for (const w of exact) into.add(w);
    if (this.persistentRecursiveWatches.size === 0) return;
    // PathParentIterator.forAll: the path itself, then each ancestor up to "/".
    let p = clientPath;
    for (;;) {
      const set = this.persistentRecursiveWatches.get(p);
      if (set) for (const w of set) into.add(w);
      if (p === '/') break;
      const i = p.lastIndexOf('/');
      p = i <= 0 ? '/' : p.substring(0, i);
    }
  }

  /**
   * removeWatcher(): checks the watcher is held (else NoWatcher), then removes it when the
   * server agreed (rc OK) or when removing locally whatever the server said. Throws the
   * server's error when it refused and the removal is not local.
   */
  removeWatcher(clientPath: string, watcher: Watcher | null, watcherType: number, local: boolean, rc: number): RemovedWatchers {
    this.containsWatcher(clientPath, watcher, watcherType);
    const childRemoved = new Set<Watcher>();
    const dataRemoved = new Set<Watcher>();
    const persistentRemoved = new Set<Watcher>();
    const removed: RemovedWatchers = new Map([
      [EventType.ChildWatchRemoved, childRemoved],
      [EventType.DataWatchRemoved, dataRemoved],
      [EventType.PersistentWatchRemoved, persistentRemoved],
    ]);
    const rm = (map: WatchMap, into: Set<Watcher>) => this.removeWatches(map, watcher, clientPath, local, rc, into);
    let any = false;
    switch (watcherType) {
      case WatcherType.Children:
        any = rm(this.childWatches, childRemoved);
        break;
      case WatcherType.Data:
        any = rm(this.dataWatches, dataRemoved);
        any = rm(this.existWatches, dataRemoved) || any;
        break;
      case WatcherType.Any:
        any = rm(this.childWatches, childRemoved);
        any = rm(this.dataWatches, dataRemoved) || any;
        any = rm(this.existWatches, dataRemoved) || any;
        any = rm(this.persistentWatches, persistentRemoved) || any;
        any = rm(this.persistentRecursiveWatches, persistentRemoved) || any;
        break;
    }
    if (!any) throw createKeeperException(Code.NOWATCHER, clientPath);
    return removed;
  }

  /** containsWatcher(): Java's check, which for Children/Data also looks at persistent watches. */
  containsWatcher(path: string, watcher: Watcher | null, watcherType: number): void {
    const has = (m: WatchMap) => {
      const set = m.get(path);
      if (!set) return false;
      return watcher === null ? set.size > 0 : set.has(watcher);
    };
    const persistent = () => has(this.persistentWatches) || has(this.persistentRecursiveWatches);
    let found = false;
    switch (watcherType) {
      case WatcherType.Children:
        found = has(this.childWatches) || persistent();
        break;
      case WatcherType.Data:
        found = has(this.dataWatches) || has(this.existWatches) || persistent();
        break;
      case WatcherType.Any:
        found = has(this.childWatches) || has(this.dataWatches) || has(this.existWatches) || persistent();
        break;
    }
    if (!found) throw createKeeperException(Code.NOWATCHER, path);
  }

  private removeWatches(
    map: WatchMap,
    watcher: Watcher | null,
    path: string,
    local: boolean,
    rc: number,
    into: Set<Watcher>,
  ): boolean {
    if (!local && rc !== Code.OK) throw createKeeperException(rc, path);
    const set = map.get(path);
    if (!set) return false;
    if (watcher === null) {
      map.delete(path);
      for (const w of set) {
        into.add(w);
        if (w instanceof WatchStream) w.release();
      }
      return true;
    }
    if (!set.delete(watcher)) return false;
    into.add(watcher);
    if (watcher instanceof WatchStream) watcher.release();
    if (set.size === 0) map.delete(path);
    return true;
  }
}
