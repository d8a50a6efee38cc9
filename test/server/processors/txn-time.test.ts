import type { Clock } from '../../../lib/core/clock';
import { txnTime } from '../../../lib/server/processors/txn-time';

/** Only now() is read; the scheduler side of Clock is not. */
const clockAt = (t: { ms: number }): Clock => ({ now: () => t.ms }) as unknown as Clock;

/**
 * The memo's sharing cannot be seen from JavaScript (a bigint is a primitive, compared by
 * value), so these check what can go wrong with it: a stale value handed out.
 */
describe('txnTime', () => {
  it('is the clock in whole milliseconds, as a long', () => {
    const t = { ms: 1_795_873_110_553.9 };
    expect(txnTime(clockAt(t))).toBe(1_795_873_110_553n);
    t.ms = 0;
    expect(txnTime(clockAt(t))).toBe(0n);
  });

  it('follows the clock forward, within a millisecond and back', () => {
    const t = { ms: 5_000.2 };
    const clock = clockAt(t);
    expect(txnTime(clock)).toBe(5_000n);
    t.ms = 5_000.9;
    expect(txnTime(clock)).toBe(5_000n);
    t.ms = 5_001;
    expect(txnTime(clock)).toBe(5_001n);
    t.ms = 4_999; // a clock set back (a test's virtual clock) is read, not the memo
    expect(txnTime(clock)).toBe(4_999n);
    // Two servers in one process with different clocks share the memo, never its value.
    expect(txnTime(clockAt({ ms: 7 }))).toBe(7n);
    expect(txnTime(clock)).toBe(4_999n);
  });

  it('throws for a clock that is not a number of milliseconds, every time', () => {
    const t = { ms: Number.POSITIVE_INFINITY };
    const clock = clockAt(t);
    expect(() => txnTime(clock)).toThrow(RangeError);
    expect(() => txnTime(clock)).toThrow(RangeError);
    t.ms = 12;
    expect(txnTime(clock)).toBe(12n);
  });
});
