import { VirtualAction, VirtualTimeScheduler } from 'rxjs';
import type { Clock } from '../../../lib/core/clock';

/**
 * RxJS's VirtualTimeScheduler as zoolab's Clock, advanced by hand. Periodic work (session
 * expiry, connection expiry) never runs out, so time only moves as far as a test says.
 */
export class VirtualClock extends VirtualTimeScheduler implements Clock {
  constructor(start = 0) {
    super(VirtualAction, Infinity);
    this.frame = start;
  }

  /** Runs everything due up to and including `t`, and leaves the clock at `t`. */
  advanceTo(t: number): void {
    if (t < this.frame) throw new RangeError(`cannot go back from ${this.frame} to ${t}`);
    this.schedule(() => undefined, t - this.frame);
    this.maxFrames = t;
    this.flush();
    this.maxFrames = Infinity;
  }

  advanceBy(ms: number): void {
    this.advanceTo(this.frame + ms);
  }
}
