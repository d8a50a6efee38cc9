import type { Clock } from '../../core/clock';

/** One of the leader's waits ran out (Java's InterruptedException with a message). */
export class QuorumWaitTimeoutError extends Error {
  override name = 'QuorumWaitTimeoutError';
}

/**
 * A condition the leader's threads wait on in Java (connectingFollowers.wait(...)):
 * opened once; each waiter gives up after its own timeout on the clock, or when the
 * latch is broken (the leader shuts down).
 */
export class Latch {
  private opened = false;
  private broken: Error | null = null;
  private readonly waiters = new Set<{ resolve: () => void; reject: (e: Error) => void }>();

  constructor(private readonly clock: Clock) {}

  get isOpen(): boolean {
    return this.opened;
  }

  open(): void {
    if (this.opened) return;
    this.opened = true;
    for (const w of this.waiters) w.resolve();
    this.waiters.clear();
  }

  /** Fails every waiter now and later. */
  break(err: Error): void {
    if (this.opened || this.broken) return;
    this.broken = err;
    for (const w of this.waiters) w.reject(err);
    this.waiters.clear();
  }

  wait(timeoutMs: number, message: string): Promise<void> {
    if (this.opened) return Promise.resolve();
    if (this.broken) return Promise.reject(this.broken);
    return new Promise<void>((resolve, reject) => {
      const timer = Number.isFinite(timeoutMs)
        ? this.clock.schedule(() => {
            this.waiters.delete(w);
            reject(new QuorumWaitTimeoutError(message));
          }, timeoutMs)
        : null;
      const w = {
        resolve: () => {
          timer?.unsubscribe();
          resolve();
        },
        reject: (e: Error) => {
          timer?.unsubscribe();
          reject(e);
        },
      };
      this.waiters.add(w);
    });
  }
}
