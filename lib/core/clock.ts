import { asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';
import { token } from './token';

/**
 * All time in zoolab comes from here. It is an RxJS SchedulerLike, so production binds
 * asyncScheduler and a simulation binds a VirtualTimeScheduler (or TestScheduler) that
 * drives every node of an in-process ensemble from one virtual clock.
 */
export interface Clock extends SchedulerLike {
  /** Milliseconds since the epoch (wall clock in production, virtual in simulation). */
  now(): number;
}

export const CLOCK = token<Clock>('Clock');

export const systemClock: Clock = asyncScheduler;

/** Runs `fn` once after `ms` on the given clock; unsubscribe to cancel. */
export function after(clock: Clock, ms: number, fn: () => void): Subscription {
  return clock.schedule(fn, ms);
}

/** Runs `fn` every `ms` on the given clock; unsubscribe to cancel. */
export function every(clock: Clock, ms: number, fn: () => void): Subscription {
  return clock.schedule(function (this: { schedule(state?: unknown, delay?: number): unknown }) {
    fn();
    this.schedule(undefined, ms);
  }, ms);
}
