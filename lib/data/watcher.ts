/**
 * A WatchedEvent as the server delivers it: the event type and keeper state of
 * Watcher.Event, the path, and the zxid of the txn that fired it (-1 for state events).
 */
export interface WatchedEvent {
  readonly type: number;
  readonly state: number;
  readonly path: string | null;
  readonly zxid: bigint;
}

/**
 * Whoever receives watch events. On the server this is the client connection (ZooKeeper's
 * ServerCnxn implements Watcher); in tests it can be anything.
 */
export interface Watcher {
  process(event: WatchedEvent): void;
  /** The session behind the watcher (a ServerCnxn has one); watch reports list it. */
  readonly sessionId?: bigint;
  /** True once the connection is closed: the watch managers then refuse new watches. */
  isStale?(): boolean;
}
