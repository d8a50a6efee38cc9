import { EventType, KeeperState, WatcherType } from '../protocol/zoo-defs';
import type { DataNode } from './data-node';
import { WatchManager } from './watch-manager';
import { WatcherMode, watcherModeFromZooDef } from './watcher-mode';
import type { WatchedEvent, Watcher } from './watcher';
import type { WatchesPathReport, WatchesReport, WatchesSummary } from './watches-report';

/** A checkWatches / removeWatches type 3.8 does not know (it has Children, Data, Any). */
export class UnsupportedWatcherTypeError extends Error {
  override name = 'UnsupportedWatcherTypeError';
  constructor(readonly type: number) {
    super(`Invalid WatcherType ${type}`);
  }
}

function syncEvent(type: number, path: string): WatchedEvent {
  return { type, state: KeeperState.SyncConnected, path, zxid: -1n };
}

/**
 * The watch half of DataTree: its two WatchManagers (data watches: getData / exists;
 * child watches: getChildren; persistent ones are in both) and the client operations on
 * them. The tree triggers them itself when nodes change.
 */
export class DataTreeWatches {
  readonly dataWatches = new WatchManager();
  readonly childWatches = new WatchManager();

  constructor(private readonly getNode: (path: string) => DataNode | undefined) {}

  /** addWatch (PERSISTENT / PERSISTENT_RECURSIVE, AddWatchMode numbering). */
  addWatch(basePath: string, watcher: Watcher, mode: number): void {
    const m = watcherModeFromZooDef(mode);
    this.dataWatches.addWatch(basePath, watcher, m);
    this.childWatches.addWatch(basePath, watcher, m);
  }

  /**
   * DataTree.setWatches after a reconnect: fires at once what the client missed since
   * relativeZxid (NodeDeleted / NodeDataChanged / NodeCreated / NodeChildrenChanged) and
   * re-registers the rest. These events carry zxid -1, as in Java.
   */
  setWatches(
    relativeZxid: bigint,
    dataWatches: readonly string[] | null,
    existWatches: readonly string[] | null,
    childWatches: readonly string[] | null,
    persistentWatches: readonly string[] | null,
    persistentRecursiveWatches: readonly string[] | null,
    watcher: Watcher,
  ): void {
    const fire = (type: number, path: string): void => watcher.process(syncEvent(type, path));
    for (const path of dataWatches ?? []) {
      const node = this.getNode(path);
      if (node === undefined) fire(EventType.NodeDeleted, path);
      else if (node.stat.mzxid > relativeZxid) fire(EventType.NodeDataChanged, path);
      else this.dataWatches.addWatch(path, watcher);
    }
    for (const path of existWatches ?? []) {
      if (this.getNode(path) !== undefined) fire(EventType.NodeCreated, path);
      else this.dataWatches.addWatch(path, watcher);
    }
    for (const path of childWatches ?? []) {
      const node = this.getNode(path);
      if (node === undefined) fire(EventType.NodeDeleted, path);
      else if (node.stat.pzxid > relativeZxid) fire(EventType.NodeChildrenChanged, path);
      else this.childWatches.addWatch(path, watcher);
    }
    for (const path of persistentWatches ?? []) {
      this.childWatches.addWatch(path, watcher, WatcherMode.PERSISTENT);
      this.dataWatches.addWatch(path, watcher, WatcherMode.PERSISTENT);
    }
    for (const path of persistentRecursiveWatches ?? []) {
      this.childWatches.addWatch(path, watcher, WatcherMode.PERSISTENT_RECURSIVE);
      this.dataWatches.addWatch(path, watcher, WatcherMode.PERSISTENT_RECURSIVE);
    }
  }

  /** checkWatches: type is Watcher.WatcherType (Children 1, Data 2, Any 3). */
  containsWatcher(path: string, type: number, watcher: Watcher): boolean {
    switch (type) {
      case WatcherType.Children:
        return this.childWatches.containsWatcher(path, watcher);
      case WatcherType.Data:
        return this.dataWatches.containsWatcher(path, watcher);
      case WatcherType.Any: {
        const c = this.childWatches.containsWatcher(path, watcher);
        const d = this.dataWatches.containsWatcher(path, watcher);
        return c || d;
      }
      default:
        throw new UnsupportedWatcherTypeError(type);
    }
  }

  /** removeWatches: true when something was removed (else the server answers NOWATCHER). */
  removeWatch(path: string, type: number, watcher: Watcher): boolean {
    switch (type) {
      case WatcherType.Children:
        return this.childWatches.removeWatcher(path, watcher);
      case WatcherType.Data:
        return this.dataWatches.removeWatcher(path, watcher);
      case WatcherType.Any: {
        const c = this.childWatches.removeWatcher(path, watcher);
        const d = this.dataWatches.removeWatcher(path, watcher);
        return c || d;
      }
      default:
        throw new UnsupportedWatcherTypeError(type);
    }
  }

  /** A closed connection: drop all its watches. */
  removeCnxn(watcher: Watcher): void {
    this.dataWatches.removeWatcher(watcher);
    this.childWatches.removeWatcher(watcher);
  }

  /** mntr watch_count: registrations in both managers. */
  getWatchCount(): number {
    return this.dataWatches.size() + this.childWatches.size();
  }

  // The 4lw reports read the data watches only, as Java's do.

  /** wchc. */
  getWatches(): WatchesReport {
    return this.dataWatches.getWatches();
  }
  /** wchp. */
  getWatchesByPath(): WatchesPathReport {
    return this.dataWatches.getWatchesByPath();
  }
  /** wchs. */
  getWatchesSummary(): WatchesSummary {
    return this.dataWatches.getWatchesSummary();
  }
  /** wchs text. */
  dumpWatchesSummary(): string {
    return this.dataWatches.toString();
  }
  /** wchp (byPath) / wchc text. */
  dumpWatches(byPath: boolean): string {
    return this.dataWatches.dumpWatches(byPath);
  }
}
