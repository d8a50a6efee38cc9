import type { Subscription } from 'rxjs';
import { after, every, type Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { DataPurger, PurgeResult } from '../persistence/snapshot-purge';

const HOUR_MS = 60 * 60 * 1000;

/**
 * ZooKeeper's DatadirCleanupManager (autopurge): purges once at start and then every
 * autopurge.purgeInterval hours, keeping the newest autopurge.snapRetainCount snapshots
 * and the logs they need. Time comes from the server's Clock, so a simulation drives it.
 * A purge that fails is logged and the next one runs on schedule, as Java's PurgeTask.
 */
export class DatadirCleanupManager {
  private subs: Subscription[] = [];
  private running: Promise<void> | null = null;
  /** Purges run so far, and the last result (for tests and monitoring). */
  runs = 0;
  lastResult: PurgeResult | null = null;

  constructor(
    private readonly purger: DataPurger,
    private readonly clock: Clock,
    private readonly logger: Logger,
    readonly snapRetainCount: number,
    /** Hours; 0 or less schedules nothing. */
    readonly purgeInterval: number,
  ) {}

  start(): void {
    this.logger.info(`autopurge.snapRetainCount set to ${this.snapRetainCount}`);
    this.logger.info(`autopurge.purgeInterval set to ${this.purgeInterval}`);
    if (this.subs.length > 0) {
      this.logger.warn('Purge task is already running.');
      return;
    }
    if (!(this.purgeInterval > 0)) {
      this.logger.info('Purge task is not scheduled.');
      return;
    }
    // Timer.scheduleAtFixedRate(task, 0, interval): once now, then every interval.
    this.subs.push(after(this.clock, 0, () => this.purgeOnce()));
    this.subs.push(every(this.clock, this.purgeInterval * HOUR_MS, () => this.purgeOnce()));
  }

  /** Runs one purge unless one is still running (Java's timer thread runs them one by one). */
  purgeOnce(): Promise<void> {
    if (this.running) return this.running;
    this.logger.info('Purge task started.');
    this.running = this.purger
      .purge(this.snapRetainCount)
      .then(
        (r) => {
          this.lastResult = r;
          for (const f of r.failed) this.logger.warn({ path: f.path, error: f.error }, 'could not purge a file');
        },
        (err: unknown) => this.logger.error({ err }, 'Error occurred while purging.'),
      )
      .finally(() => {
        this.runs++;
        this.running = null;
        this.logger.info('Purge task completed.');
      });
    return this.running;
  }

  /** Settles when no purge is running. */
  async idle(): Promise<void> {
    await this.running;
  }

  stop(): void {
    for (const s of this.subs.splice(0)) s.unsubscribe();
  }
}
