import type { Logger } from '../core/logger';
import type { WatchedEvent } from '../data/watcher';
import { deliver, type Watcher } from './watch-stream';

/**
 * ClientCnxn.EventThread: delivers watch events in the order they arrived, after the
 * promise reactions of replies that arrived before them (one microtask per event keeps
 * that order, where one batch would let a later event overtake an earlier reply).
 * A throwing watcher is logged and does not stop the others.
 */
export class EventThread {
  private killed = false;

  constructor(
    private readonly logger: Logger | null,
    private readonly onDeath: () => void,
  ) {}

  get isKilled(): boolean {
    return this.killed;
  }

  queueEvent(event: WatchedEvent, watchers: Iterable<Watcher>): void {
    if (this.killed) return;
    const targets = [...watchers];
    if (targets.length === 0) return;
    queueMicrotask(() => {
      for (const w of targets) {
        try {
          deliver(w, event);
        } catch (e) {
          this.logger?.error({ err: e, event }, 'Error while calling watcher');
        }
      }
    });
  }

  /** No event queued after this reaches anyone; onDeath runs once the queue before it is done. */
  queueEventOfDeath(): void {
    if (this.killed) return;
    this.killed = true;
    queueMicrotask(() => this.onDeath());
  }
}
