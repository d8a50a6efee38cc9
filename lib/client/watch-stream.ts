import { Observable, type Subscriber } from 'rxjs';
import type { WatchedEvent } from '../data/watcher';
import { EventType, KeeperState } from '../protocol/zoo-defs';

export type { WatchedEvent };

/** A Java-style watcher: a function, or an object with process(event). */
export type WatcherFn = (event: WatchedEvent) => void;
export interface WatcherObject {
  process(event: WatchedEvent): void;
}
export type Watcher = WatcherFn | WatcherObject;

export function deliver(w: Watcher, event: WatchedEvent): void {
  if (typeof w === 'function') w(event);
  else w.process(event);
}

/** Session-ending states: nothing can reach a watcher after them. */
function isTerminalState(state: number): boolean {
  return state === KeeperState.Expired || state === KeeperState.Closed || state === KeeperState.AuthFailed;
}

/**
 * A watcher that is also an Observable<WatchedEvent>, returned by `{ watch: true }` reads
 * and by addWatch. It gets exactly what a Java Watcher registered the same way would get:
 * its node event(s), every state event of the session (Disconnected, SyncConnected …) and
 * the *WatchRemoved event when removeWatches takes it away.
 *
 * Events that arrive before anyone subscribes are kept and replayed to the first subscriber,
 * so the reply and a notification landing in one TCP read lose nothing. The stream
 * completes once the watch manager holds it nowhere any more (a one-shot watch after it
 * fired, a persistent one after it was removed) and when the session ends.
 */
export class WatchStream extends Observable<WatchedEvent> implements WatcherObject {
  private subscribers: Subscriber<WatchedEvent>[] = [];
  private buffered: WatchedEvent[] | null = [];
  private done = false;
  /** How many (path, kind) slots of the watch manager hold this stream. */
  private registrations = 0;

  constructor(
    /** The client path the watch was set on (informational). */
    readonly path: string,
  ) {
    super((subscriber) => this.attach(subscriber));
  }

  get closed(): boolean {
    return this.done;
  }

  /** Called by the watch manager when it adds / drops this stream from a path's set. */
  retain(): void {
    this.registrations++;
  }
  release(): void {
    if (this.registrations > 0) this.registrations--;
  }
  get isRegistered(): boolean {
    return this.registrations > 0;
  }

  process(event: WatchedEvent): void {
    if (this.done) return;
    if (this.buffered) this.buffered.push(event);
    else for (const s of this.subscribers.slice()) s.next(event);
    if (isTerminalState(event.state) || (event.type !== EventType.None && this.registrations === 0)) {
      this.complete();
    }
  }

  /** Ends the stream (session over, or the client gave up on the watch). */
  complete(): void {
    if (this.done) return;
    this.done = true;
    if (this.buffered) return; // the first subscriber replays and completes
    const subs = this.subscribers;
    this.subscribers = [];
    for (const s of subs) s.complete();
  }

  private attach(subscriber: Subscriber<WatchedEvent>): () => void {
    if (this.buffered) {
      const replay = this.buffered;
      this.buffered = null;
      for (const e of replay) subscriber.next(e);
    }
    if (this.done) {
      subscriber.complete();
      return () => undefined;
    }
    this.subscribers.push(subscriber);
    return () => {
      const i = this.subscribers.indexOf(subscriber);
      if (i >= 0) this.subscribers.splice(i, 1);
    };
  }
}

/** Drops session state events, leaving a watch's node events (and *WatchRemoved). */
export function nodeEvents() {
  return (source: Observable<WatchedEvent>): Observable<WatchedEvent> =>
    new Observable<WatchedEvent>((subscriber) =>
      source.subscribe({
        next: (e) => {
          if (e.type !== EventType.None) subscriber.next(e);
        },
        error: (err) => subscriber.error(err),
        complete: () => subscriber.complete(),
      }),
    );
}
