/**
 * What the test process and a recipe worker (a child process) say to each other over the
 * IPC channel: commands with an id, answered once; and events the worker reports on its own
 * (a lock lost, a leadership cancelled) whenever they happen.
 */
export type Command =
  | { op: 'connect'; connectString: string; sessionTimeout: number }
  /** iterations × (acquire, log "enter", read-increment-write the counter znode, hold, log "exit", release). */
  | { op: 'mutex'; path: string; iterations: number; log: string; counter: string; holdMs: number }
  /** iterations of read or write lock (every writeEvery-th a write), logging r+/r-/w+/w-. */
  | { op: 'rwlock'; path: string; iterations: number; writeEvery: number; log: string; holdMs: number }
  /** A LeaderSelector with autoRequeue, leading `rounds` times for holdMs each, logging lead+/lead-. */
  | { op: 'elect'; path: string; rounds: number; log: string; holdMs: number }
  /** Acquires a mutex and keeps it; answers once held; reports its events. */
  | { op: 'hold-lock'; path: string }
  /** Joins a LeaderSelector that leads until cancelled; answers once started; reports its events. */
  | { op: 'lead'; path: string }
  | { op: 'produce'; path: string; items: string[]; pills: number }
  /** take() until the END pill; answers with what it took. */
  | { op: 'consume'; path: string }
  | { op: 'double-barrier'; path: string; size: number; name: string; log: string; workMs: number }
  /** increments × trySetCount(v, v + 1) retried until it succeeds; answers with the attempts. */
  | { op: 'count'; path: string; increments: number }
  | { op: 'close' };

export type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

export interface WorkerEvent {
  event: string;
  data: unknown;
}

export const END_PILL = 'END';
