import type { Clock } from '../../core/clock';

let lastMs = Number.NaN;
let last = 0n;

/**
 * A txn header's time: the clock's milliseconds as a long, the same bigint for every txn
 * stamped within one millisecond.
 *
 * Why share it: a write stores it in its node's stat (mtime, or ctime too on create). A new
 * bigint per txn was a young object that the node, in old space, pointed at, and every
 * one cost the next scavenge a remembered slot and a copy. On a 600k-znode tree under
 * setData, scavenges took ~12 ms with a new time and zxid per write and ~5 ms with
 * both shared. Bigints are immutable, so sharing one is safe; the memo is only of
 * BigInt(ms), which is why one per process serves every server in it.
 */
export function txnTime(clock: Clock): bigint {
  const ms = Math.floor(clock.now());
  if (ms !== lastMs) {
    // BigInt first: a clock that ever read ±Infinity must throw every time, not leave
    // the memo claiming that millisecond with the previous one's value.
    last = BigInt(ms);
    lastMs = ms;
  }
  return last;
}
