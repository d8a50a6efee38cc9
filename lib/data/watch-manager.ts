import { KeeperState } from '../protocol/zoo-defs';
import { deleteFromKeyedSet } from './keyed-sets';
import type { WatchedEvent, Watcher } from './watcher';
import { DEFAULT_WATCHER_MODE, isPersistent, isRecursive, WatcherMode } from './watcher-mode';
import { WatchesPathReport, WatchesReport, WatchesSummary } from './watches-report';

/**
 * PathParentIterator: the path itself, then (only when some recursive watch exists) each
 * ancestor up to "/". `atParent` is false for the first element only.
 */
function* pathAndParents(path: string, all: boolean): Generator<[string, boolean]> {
  let p = path;
  let level = 0;
  while (p.length > 0) {
    yield [p, level > 0];
    if (!all) return;
    level++;
    if (p === '/') p = '';
    else {
      p = p.substring(0, p.lastIndexOf('/'));
      if (p.length === 0) p = '/';
    }
  }
}

function sessionIdOf(w: Watcher): bigint {
  return w.sessionId ?? 0n;
}

/**
 * WatchManager (3.8): path → watchers and watcher → paths, plus the mode of each
 * (watcher, path) pair. As in 3.8 a watcher has one mode per path: registering again
 * replaces the mode (a getData watch over a persistent one makes it one-shot; 3.9's
 * ZOOKEEPER-4466 changed that, 3.8 never did).
 */
export class WatchManager {
  private readonly watchTable = new Map<string, Set<Watcher>>();
  private readonly watch2Paths = new Map<Watcher, Set<string>>();
  private readonly watcherModes = new Map<Watcher, Map<string, WatcherMode>>();
  private recursiveQty = 0;

  /** Number of (path, watcher) registrations. */
  size(): number {
    let n = 0;
    for (const ws of this.watchTable.values()) n += ws.size;
    return n;
  }

  /**
   * Registers watcher on path with a mode; false when the pair was already there (the mode
   * is still replaced) or the watcher's connection is closed.
   */
  addWatch(path: string, watcher: Watcher, mode: WatcherMode = DEFAULT_WATCHER_MODE): boolean {
    if (watcher.isStale?.()) return false;
    let list = this.watchTable.get(path);
    if (list === undefined) this.watchTable.set(path, (list = new Set()));
    list.add(watcher);
    let paths = this.watch2Paths.get(watcher);
    if (paths === undefined) this.watch2Paths.set(watcher, (paths = new Set()));
    this.setWatcherMode(watcher, path, mode);
    const had = paths.has(path);
    paths.add(path);
    return !had;
  }

  /** Forgets a watcher everywhere (its connection closed). */
  removeWatcher(watcher: Watcher): void;
  /** Removes one registration (removeWatches); true when it existed. */
  removeWatcher(path: string, watcher: Watcher): boolean;
  removeWatcher(a: Watcher | string, b?: Watcher): boolean | void {
    if (typeof a === 'string') return this.removePathWatcher(a, b!);
    const paths = this.watch2Paths.get(a);
    if (paths === undefined) return;
    this.watch2Paths.delete(a);
    for (const p of paths) {
      const list = this.watchTable.get(p);
      if (list !== undefined) {
        list.delete(a);
        if (list.size === 0) this.watchTable.delete(p);
      }
      this.removeWatcherMode(a, p);
    }
  }

  private removePathWatcher(path: string, watcher: Watcher): boolean {
    // The watcher keeps its entry, as in Java (wchc lists it with no paths).
    if (!deleteFromKeyedSet(this.watch2Paths, watcher, path)) return false;
    const list = this.watchTable.get(path);
    if (list === undefined || !list.delete(watcher)) return false;
    if (list.size === 0) this.watchTable.delete(path);
    this.removeWatcherMode(watcher, path);
    return true;
  }

  /**
   * Fires the watches an event on `path` triggers and returns the watchers it selected
   * (null when none), including suppressed ones, so a second manager can suppress them.
   * Standard watches fire once and go; persistent ones stay; recursive ones also fire for
   * descendants — but never for NodeChildrenChanged.
   */
  triggerWatch(
    path: string,
    type: number,
    zxid = -1n,
    suppress: ReadonlySet<Watcher> | null = null,
  ): Set<Watcher> | null {
    if (this.watchTable.size === 0) return null;
    const event: WatchedEvent = { type, state: KeeperState.SyncConnected, path, zxid };
    const watchers = new Set<Watcher>();
    for (const [localPath, atParent] of pathAndParents(path, this.recursiveQty > 0)) {
      const these = this.watchTable.get(localPath);
      if (these === undefined || these.size === 0) continue;
      for (const w of [...these]) {
        const mode = this.getWatcherMode(w, localPath);
        if (isRecursive(mode)) {
          if (type !== EVENT_NODE_CHILDREN_CHANGED) watchers.add(w);
        } else if (!atParent) {
          watchers.add(w);
          if (!isPersistent(mode)) {
            these.delete(w);
            deleteFromKeyedSet(this.watch2Paths, w, localPath);
          }
        }
      }
      if (these.size === 0) this.watchTable.delete(localPath);
    }
    if (watchers.size === 0) return null;
    for (const w of watchers) {
      if (suppress !== null && suppress.has(w)) continue;
      w.process(event);
    }
    return watchers;
  }

  /**
   * Whether the watcher watches path: registered on it, or (as 3.8 does it) the watcher's
   * mode on `path` itself is recursive.
   */
  containsWatcher(path: string, watcher: Watcher): boolean {
    const mode = this.getWatcherMode(watcher, path);
    for (const [localPath, atParent] of pathAndParents(path, this.recursiveQty > 0)) {
      // 3.8 checks whether anyone watches the leaf, not this watcher in particular.
      if (!atParent && this.watchTable.get(localPath) !== undefined) return true;
      if (isRecursive(mode)) return true;
    }
    return false;
  }

  /** Java's toString, printed by 4lw wchs. */
  toString(): string {
    let total = 0;
    for (const ps of this.watch2Paths.values()) total += ps.size;
    return `${this.watch2Paths.size} connections watching ${this.watchTable.size} paths\nTotal watches:${total}`;
  }

  /** Java's dumpWatches: by path (wchp) or by session (wchc). */
  dumpWatches(byPath: boolean): string {
    let out = '';
    if (byPath) {
      for (const [p, ws] of this.watchTable) {
        out += `${p}\n`;
        for (const w of ws) out += `\t0x${hex(sessionIdOf(w))}\n`;
      }
    } else {
      for (const [w, ps] of this.watch2Paths) {
        out += `0x${hex(sessionIdOf(w))}\n`;
        for (const p of ps) out += `\t${p}\n`;
      }
    }
    return out;
  }

  getWatches(): WatchesReport {
    const m = new Map<bigint, Set<string>>();
    for (const [w, ps] of this.watch2Paths) m.set(sessionIdOf(w), new Set(ps));
    return new WatchesReport(m);
  }

  getWatchesByPath(): WatchesPathReport {
    const m = new Map<string, Set<bigint>>();
    for (const [p, ws] of this.watchTable) m.set(p, new Set([...ws].map(sessionIdOf)));
    return new WatchesPathReport(m);
  }

  getWatchesSummary(): WatchesSummary {
    let total = 0;
    for (const ps of this.watch2Paths.values()) total += ps.size;
    return new WatchesSummary(this.watch2Paths.size, this.watchTable.size, total);
  }

  getRecursiveWatchQty(): number {
    return this.recursiveQty;
  }

  /** The mode of a (watcher, path) registration; STANDARD when none is recorded. */
  getWatcherMode(watcher: Watcher, path: string): WatcherMode {
    return this.watcherModes.get(watcher)?.get(path) ?? DEFAULT_WATCHER_MODE;
  }

  private setWatcherMode(watcher: Watcher, path: string, mode: WatcherMode): void {
    if (mode === DEFAULT_WATCHER_MODE) {
      this.removeWatcherMode(watcher, path);
      return;
    }
    let m = this.watcherModes.get(watcher);
    if (m === undefined) this.watcherModes.set(watcher, (m = new Map()));
    const old = m.get(path) ?? DEFAULT_WATCHER_MODE;
    m.set(path, mode);
    this.adjustRecursiveQty(old, mode);
  }

  private removeWatcherMode(watcher: Watcher, path: string): void {
    const m = this.watcherModes.get(watcher);
    const old = m?.get(path);
    if (m === undefined || old === undefined) return;
    m.delete(path);
    if (m.size === 0) this.watcherModes.delete(watcher);
    this.adjustRecursiveQty(old, DEFAULT_WATCHER_MODE);
  }

  private adjustRecursiveQty(oldMode: WatcherMode, newMode: WatcherMode): void {
    if (isRecursive(oldMode) !== isRecursive(newMode)) this.recursiveQty += isRecursive(newMode) ? 1 : -1;
  }
}

const EVENT_NODE_CHILDREN_CHANGED = 4;

function hex(v: bigint): string {
  return BigInt.asUintN(64, v).toString(16);
}
