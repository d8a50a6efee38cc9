import type { WatchedEvent, Watcher } from '../../lib/data/watcher';

/** A watcher that keeps what it is told, as [type, path, zxid] triples for easy matching. */
export class RecordingWatcher implements Watcher {
  readonly events: WatchedEvent[] = [];
  stale = false;
  constructor(readonly sessionId: bigint = 1n) {}

  process(event: WatchedEvent): void {
    this.events.push(event);
  }

  isStale(): boolean {
    return this.stale;
  }

  seen(): Array<[number, string | null, bigint]> {
    return this.events.map((e) => [e.type, e.path, e.zxid]);
  }

  take(): Array<[number, string | null, bigint]> {
    const s = this.seen();
    this.events.length = 0;
    return s;
  }
}
