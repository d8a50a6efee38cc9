import { Subscription, type SchedulerAction } from 'rxjs';
import type { Clock } from '../../lib/core/clock';

type Work<T> = (this: SchedulerAction<T>, state?: T) => void;

/** One scheduled piece of work; it can reschedule itself, as RxJS actions do. */
class SimAction<T> extends Subscription implements SchedulerAction<T> {
  at = 0;
  seq = 0;
  pending = false;
  state: T | undefined;

  constructor(
    private readonly clock: SimulationClock,
    readonly work: Work<T>,
  ) {
    super(() => clock.cancel(this));
  }

  schedule(state?: T, delay = 0): Subscription {
    if (this.closed) return this;
    this.state = state;
    this.clock.enqueue(this, delay);
    return this;
  }

  run(): void {
    this.work.call(this, this.state);
  }
}

/** Lets every queued microtask (promise continuation) run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Virtual time for a whole simulated ensemble: every timer and every message delivery
 * of every node is an action here, run one at a time in (time, order scheduled) order,
 * with the promise continuations each one starts run to the end before the next. Nothing
 * depends on the wall clock, so a run with the same seed and the same inputs is the
 * same run.
 */
export class SimulationClock implements Clock {
  private time: number;
  private seq = 0;
  /** A binary heap on (at, seq). */
  private heap: SimAction<any>[] = [];
  /** Actions run so far: a cheap progress measure for tests. */
  steps = 0;

  /**
   * Real milliseconds to wait before virtual time moves on, so that real IO (file
   * storage) started by the last actions can finish first. 0 (the default) suits memory
   * storage, where every step is a microtask; a run with real IO is not replayable.
   */
  ioGraceMs = 0;
  private graceGivenAt = -1;
  /** Real IO started through track() and not finished yet. */
  private ioInFlight = 0;

  constructor(start = 0) {
    this.time = start;
  }

  /**
   * Counts `io` as real IO in flight until it settles: virtual time does not move on
   * while any is (see grace). A fixed grace alone let a busy machine's slow fsyncs fall
   * behind timeouts that virtual time kept firing.
   */
  track<T>(io: Promise<T>): Promise<T> {
    this.ioInFlight++;
    const done = () => void this.ioInFlight--;
    io.then(done, done);
    return io;
  }

  /**
   * Before time moves past now: let real IO land (see ioGraceMs), and any IO tracked and
   * the IO its continuations start (up to 10 real seconds). True if it waited.
   */
  private async grace(nextAt: number | null): Promise<boolean> {
    if (this.ioGraceMs <= 0 || this.graceGivenAt === this.time || (nextAt !== null && nextAt <= this.time)) return false;
    this.graceGivenAt = this.time;
    const giveUp = Date.now() + 10_000;
    do {
      await new Promise((resolve) => setTimeout(resolve, this.ioGraceMs));
      await settle();
    } while (this.ioInFlight > 0 && Date.now() < giveUp);
    return true;
  }

  now(): number {
    return this.time;
  }

  schedule<T>(work: Work<T>, delay = 0, state?: T): Subscription {
    const a = new SimAction<T>(this, work);
    a.schedule(state, delay);
    return a;
  }

  /** @internal */
  enqueue(a: SimAction<any>, delay: number): void {
    if (a.pending) this.remove(a);
    a.at = this.time + Math.max(0, delay);
    a.seq = this.seq++;
    a.pending = true;
    this.push(a);
  }

  /** @internal */
  cancel(a: SimAction<any>): void {
    if (a.pending) this.remove(a);
  }

  /** When the next action is due, or null when there is none. */
  nextAt(): number | null {
    return this.heap.length ? this.heap[0].at : null;
  }

  /** Runs the next action (moving time to it); false when there is none. */
  step(): boolean {
    const a = this.pop();
    if (!a) return false;
    a.pending = false;
    this.time = Math.max(this.time, a.at);
    this.steps++;
    a.run();
    return true;
  }

  /**
   * Runs actions up to time `t` (inclusive), letting promise continuations settle after
   * each, and leaves the clock at `t`.
   */
  async runUntil(t: number): Promise<void> {
    await settle();
    for (;;) {
      if (await this.grace(this.nextAt())) continue;
      const next = this.nextAt();
      if (next === null || next > t) break;
      this.step();
      await settle();
    }
    if (t > this.time) this.time = t;
    await settle();
  }

  runFor(ms: number): Promise<void> {
    return this.runUntil(this.time + ms);
  }

  /**
   * Runs until `done()` holds (checked after every action) or `maxMs` of virtual time
   * passed; returns whether it held.
   */
  async runUntilTrue(done: () => boolean, maxMs: number): Promise<boolean> {
    const end = this.time + maxMs;
    await settle();
    if (done()) return true;
    for (;;) {
      if ((await this.grace(this.nextAt())) && done()) return true;
      const next = this.nextAt();
      if (next === null || next > end) break;
      this.step();
      await settle();
      if (done()) return true;
    }
    if (end > this.time) this.time = end;
    return done();
  }

  private less(a: SimAction<any>, b: SimAction<any>): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(a: SimAction<any>): void {
    const h = this.heap;
    h.push(a);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private pop(): SimAction<any> | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  private siftDown(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l], h[m])) m = l;
      if (r < h.length && this.less(h[r], h[m])) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }

  private remove(a: SimAction<any>): void {
    const h = this.heap;
    const i = h.indexOf(a);
    a.pending = false;
    if (i === -1) return;
    const last = h.pop()!;
    if (i < h.length) {
      h[i] = last;
      this.siftDown(i);
      let j = i;
      while (j > 0) {
        const p = (j - 1) >> 1;
        if (!this.less(h[j], h[p])) break;
        [h[j], h[p]] = [h[p], h[j]];
        j = p;
      }
    }
  }
}
