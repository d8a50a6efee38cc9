import { silentLogger } from '../../lib/core/logger';
import { Code, KeeperException } from '../../lib/protocol';
import { ExpiryQueue } from '../../lib/server/expiry-queue';
import { JavaRandom } from '../../lib/server/java-random';
import {
  SessionTrackerImpl,
  checkPasswd,
  generatePasswd,
  initializeNextSessionId,
  type Session,
} from '../../lib/server/session-tracker';
import { VirtualClock } from './helpers/virtual-clock';

function codeOf(f: () => void): number | null {
  try {
    f();
    return null;
  } catch (e) {
    if (e instanceof KeeperException) return e.code;
    throw e;
  }
}

describe('ExpiryQueue', () => {
  it('rounds expiry up to the next tick and hands out a bucket only once it is due', () => {
    const clock = new VirtualClock(1000);
    const q = new ExpiryQueue<string>(clock, 100);
    expect(q.update('a', 250)).toBe(1300); // 1250 rounded up to the next multiple of 100
    expect(q.update('a', 250)).toBeNull(); // same bucket: nothing changes
    q.update('b', 120);
    expect(q.getWaitTime()).toBe(100); // the first bucket is 1100
    clock.advanceTo(1199);
    expect(q.poll().size).toBe(0); // bucket 1100 is empty
    expect(q.poll().size).toBe(0); // bucket 1200 is not due yet
    clock.advanceTo(1200);
    expect([...q.poll()]).toEqual(['b']);
    expect(q.getWaitTime()).toBe(100);
    clock.advanceTo(1300);
    expect([...q.poll()]).toEqual(['a']);
  });

  it('moves an element to its new bucket and forgets removed ones', () => {
    const clock = new VirtualClock(0);
    const q = new ExpiryQueue<string>(clock, 10);
    q.update('a', 5);
    clock.advanceTo(8);
    q.update('a', 50); // moved from bucket 10 to bucket 60
    q.update('b', 5);
    expect(q.remove('b')).toBe(20);
    expect(q.remove('b')).toBeNull();
    clock.advanceTo(20);
    while (q.getWaitTime() === 0) expect(q.poll().size).toBe(0);
    clock.advanceTo(60);
    const due: string[] = [];
    while (q.getWaitTime() === 0) due.push(...q.poll());
    expect(due).toEqual(['a']);
  });

  it('refuses a non-positive interval', () => {
    expect(() => new ExpiryQueue(new VirtualClock(), 0)).toThrow(RangeError);
  });
});

describe('session passwords', () => {
  // Values printed by java.util.Random on this machine (JDK 17): new Random(id ^ 0xB3415C00L).nextBytes(16).
  it.each([
    [0n, 'f22acd4a97e69d6d20a49bb638eadb38'],
    [1n, '054cc74a37327db215e702e20c73f005'],
    [0x0100017f2a3b0000n, '274921d628616e22dd192abdb1d98771'],
    [-1n, '20f62cb5648dc2d771471c8a2486a9ee'],
  ])('match Java for session 0x%s', (id, hex) => {
    expect(generatePasswd(id).toString('hex')).toBe(hex);
  });

  it('are checked against the session id, and session 0 never matches', () => {
    const id = 0x0100017f2a3b0000n;
    expect(checkPasswd(id, generatePasswd(id))).toBe(true);
    expect(checkPasswd(id, generatePasswd(id + 1n))).toBe(false);
    expect(checkPasswd(id, null)).toBe(false);
    expect(checkPasswd(0n, generatePasswd(0n))).toBe(false);
  });

  it('come from a bit-exact java.util.Random', () => {
    // new Random(42).nextInt() in Java is -1170105035.
    expect(new JavaRandom(42n).nextInt()).toBe(-1170105035);
  });
});

describe('session ids', () => {
  it('carry the server id in the top byte and the time below it, as Java computes them', () => {
    // Java: ((1700000000000L << 24) >>> 8) | (5L << 56) == 0x58bcfe568000000
    expect(initializeNextSessionId(5, 1_700_000_000_000)).toBe(0x58bcfe568000000n);
    expect(initializeNextSessionId(1, 0)).toBe(1n << 56n);
  });

  it('skip the container owner marker', () => {
    // server id 128 at time 0 would be exactly Long.MIN_VALUE.
    expect(initializeNextSessionId(128, 0)).toBe(-(1n << 63n) + 1n);
  });
});

describe('SessionTrackerImpl', () => {
  function tracker(clock: VirtualClock, tick = 100) {
    const expired: bigint[] = [];
    const sessionsWithTimeout = new Map<bigint, number>();
    const expirer = {
      expire(s: Session) {
        expired.push(s.sessionId);
      },
    };
    const t = new SessionTrackerImpl(clock, expirer, sessionsWithTimeout, tick, 1, silentLogger);
    return { t, expired, sessionsWithTimeout };
  }

  it('hands out consecutive ids from the initial one', () => {
    const clock = new VirtualClock(5000);
    const { t } = tracker(clock);
    const a = t.createSession(1000);
    expect(a).toBe(initializeNextSessionId(1, 5000));
    expect(t.createSession(1000)).toBe(a + 1n);
  });

  it('expires a silent session on the first tick after its timeout', () => {
    const clock = new VirtualClock(0);
    const { t, expired } = tracker(clock);
    t.start();
    const id = t.createSession(1000); // due at 1100 (rounded up to the next tick)
    clock.advanceTo(1099);
    expect(expired).toEqual([]);
    clock.advanceTo(1100);
    expect(expired).toEqual([id]);
    expect(codeOf(() => t.checkSession(id, 'me'))).toBe(Code.SESSIONEXPIRED);
    expect(t.touchSession(id, 1000)).toBe(false); // closing sessions cannot be revived
    t.shutdown();
  });

  it('keeps a pinging session alive', () => {
    const clock = new VirtualClock(0);
    const { t, expired } = tracker(clock);
    t.start();
    const id = t.createSession(1000);
    for (let now = 300; now <= 10_000; now += 300) {
      clock.advanceTo(now);
      expect(t.touchSession(id, 1000)).toBe(true);
    }
    expect(expired).toEqual([]);
    clock.advanceTo(20_000);
    expect(expired).toEqual([id]);
    t.shutdown();
  });

  it('tells unknown, expired and moved sessions apart', () => {
    const clock = new VirtualClock(0);
    const { t } = tracker(clock);
    const id = t.createSession(1000);
    expect(codeOf(() => t.checkSession(id + 99n, 'me'))).toBe(Code.UNKNOWNSESSION);
    expect(codeOf(() => t.checkGlobalSession(id + 99n, 'me'))).toBe(Code.SESSIONEXPIRED);
    expect(codeOf(() => t.checkSession(id, 'me'))).toBeNull(); // claims the owner
    expect(codeOf(() => t.checkSession(id, 'someone else'))).toBe(Code.SESSIONMOVED);
    t.setOwner(id, 'someone else');
    expect(codeOf(() => t.checkSession(id, 'someone else'))).toBeNull();
    t.setSessionClosing(id);
    expect(codeOf(() => t.setOwner(id, 'me'))).toBe(Code.SESSIONEXPIRED);
  });

  it('forgets a removed session, timeout included', () => {
    const clock = new VirtualClock(0);
    const { t, expired, sessionsWithTimeout } = tracker(clock);
    t.start();
    const id = t.createSession(1000);
    t.commitSession(id, 1000);
    expect(t.getSessionTimeout(id)).toBe(1000);
    t.removeSession(id);
    expect(sessionsWithTimeout.has(id)).toBe(false);
    expect(t.isTrackingSession(id)).toBe(false);
    clock.advanceTo(5000);
    expect(expired).toEqual([]);
    t.shutdown();
  });

  it('tracks the sessions it is given at start (restored from the log)', () => {
    const clock = new VirtualClock(0);
    const sessionsWithTimeout = new Map<bigint, number>([[42n, 500]]);
    const expired: bigint[] = [];
    const t = new SessionTrackerImpl(clock, { expire: (s) => expired.push(s.sessionId) }, sessionsWithTimeout, 100, 1, silentLogger);
    t.start();
    clock.advanceTo(600);
    expect(expired).toEqual([42n]);
    t.shutdown();
  });

  it('refuses a server id that does not fit the top byte', () => {
    expect(() => new SessionTrackerImpl(new VirtualClock(), { expire() {} }, new Map(), 100, 255, silentLogger)).toThrow(RangeError);
  });
});
