import type { Subscription } from 'rxjs';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { RenewingMap, type MutableMap } from '../core/renewing-collections';
import { Code, KeeperException } from '../protocol/keeper-exception';
import { ExpiryQueue } from './expiry-queue';
import { JavaRandom } from './java-random';

/** One session as the tracker holds it. */
export interface Session {
  readonly sessionId: bigint;
  readonly timeout: number;
  /** Set when expiry (or closeSession) has begun: touches fail from then on. */
  isClosing: boolean;
  /** Whoever may use the session (the server that holds its connection); see checkSession. */
  owner: unknown;
}

/** Whoever turns an expired session into a closeSession request (the server). */
export interface SessionExpirer {
  expire(session: Session): void;
}

/** EphemeralType.CONTAINER_EPHEMERAL_OWNER: Long.MIN_VALUE, never a session id. */
export const CONTAINER_EPHEMERAL_OWNER = -(1n << 63n);

/** ZooKeeperServer.superSecret: mixed into the seed of every session password. */
export const SUPER_SECRET = 0xb3415c00n;

/** ZooKeeperServer.generatePasswd: 16 bytes of java.util.Random(sessionId ^ superSecret). */
export function generatePasswd(sessionId: bigint): Buffer {
  const p = Buffer.alloc(16);
  new JavaRandom(sessionId ^ SUPER_SECRET).nextBytes(p);
  return p;
}

/** ZooKeeperServer.checkPasswd: session 0 never matches. */
export function checkPasswd(sessionId: bigint, passwd: Buffer | null): boolean {
  return sessionId !== 0n && passwd !== null && passwd.equals(generatePasswd(sessionId));
}

/**
 * SessionTrackerImpl.initializeNextSessionId: the server id in the top byte, the time in
 * the next five and zeros in the low two, so ids from different servers (and restarts)
 * do not collide. `(t << 24) >>> 8` on a Java long, exactly.
 */
export function initializeNextSessionId(serverId: number, nowMs: number): bigint {
  const t = BigInt.asUintN(64, BigInt(Math.floor(nowMs)) << 24n) >> 8n;
  let next = BigInt.asIntN(64, t | (BigInt(serverId) << 56n));
  if (next === CONTAINER_EPHEMERAL_OWNER) next++;
  return next;
}

export const hex = (id: bigint): string => `0x${BigInt.asUintN(64, id).toString(16)}`;

class SessionImpl implements Session {
  isClosing = false;
  owner: unknown = null;
  constructor(
    readonly sessionId: bigint,
    readonly timeout: number,
  ) {}
  toString(): string {
    return hex(this.sessionId);
  }
}

/**
 * ZooKeeper's SessionTrackerImpl for a standalone server or a leader: global sessions,
 * expired in tick-sized buckets by an ExpiryQueue driven by the injected clock.
 */
export class SessionTrackerImpl {
  /** Renewing: a session per connect passes through it (see renewing-collections.ts). */
  private readonly sessionsById = new RenewingMap<bigint, SessionImpl>();
  private readonly queue: ExpiryQueue<SessionImpl>;
  private nextSessionId: bigint;
  private timer: Subscription | null = null;
  private running = false;

  constructor(
    private readonly clock: Clock,
    private readonly expirer: SessionExpirer,
    /** Committed sessions and their timeouts: ZKDatabase's sessionsWithTimeouts, shared. */
    private readonly sessionsWithTimeout: MutableMap<bigint, number>,
    tickTime: number,
    readonly serverId: number,
    private readonly log: Logger,
  ) {
    if (!Number.isInteger(serverId) || serverId < 0 || serverId > 254) {
      throw new RangeError(`server id ${serverId} does not fit a session id's top byte (0..254)`);
    }
    this.queue = new ExpiryQueue(clock, tickTime);
    this.nextSessionId = initializeNextSessionId(serverId, clock.now());
    for (const [id, timeout] of sessionsWithTimeout) this.trackSession(id, timeout);
  }

  /** Starts expiring sessions, waking once per tick. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.scheduleNext();
  }

  shutdown(): void {
    this.running = false;
    this.timer?.unsubscribe();
    this.timer = null;
  }

  private scheduleNext(): void {
    if (!this.running) return;
    this.timer = this.clock.schedule(() => this.expireDue(), this.queue.getWaitTime());
  }

  private expireDue(): void {
    if (!this.running) return;
    while (this.queue.getWaitTime() === 0) {
      for (const s of this.queue.poll()) {
        this.setSessionClosing(s.sessionId);
        this.expirer.expire(s);
      }
    }
    this.scheduleNext();
  }

  createSession(sessionTimeout: number): bigint {
    const id = this.nextSessionId;
    this.nextSessionId = BigInt.asIntN(64, id + 1n);
    this.trackSession(id, sessionTimeout);
    return id;
  }

  /** Starts tracking (or refreshes) a session; true when it was new. */
  trackSession(id: bigint, sessionTimeout: number): boolean {
    let session = this.sessionsById.get(id);
    const added = !session;
    if (!session) {
      session = new SessionImpl(id, sessionTimeout);
      this.sessionsById.set(id, session);
      this.log.debug({ sessionId: hex(id), timeout: sessionTimeout }, 'adding session');
    }
    this.queue.update(session, sessionTimeout);
    return added;
  }

  /** Records a committed createSession txn; true when the session was not known. */
  commitSession(id: bigint, sessionTimeout: number): boolean {
    const had = this.sessionsWithTimeout.has(id);
    this.sessionsWithTimeout.set(id, sessionTimeout);
    return !had;
  }

  /** Pushes a session's expiry out by `timeout`; false for unknown or closing sessions. */
  touchSession(id: bigint, timeout: number): boolean {
    const s = this.sessionsById.get(id);
    if (!s || s.isClosing) return false;
    this.queue.update(s, timeout);
    return true;
  }

  getSessionTimeout(id: bigint): number | undefined {
    return this.sessionsWithTimeout.get(id);
  }

  setSessionClosing(id: bigint): void {
    const s = this.sessionsById.get(id);
    if (s) s.isClosing = true;
  }

  removeSession(id: bigint): void {
    const s = this.sessionsById.get(id);
    this.sessionsById.delete(id);
    this.sessionsWithTimeout.delete(id);
    if (s) {
      this.queue.remove(s);
      this.log.debug({ sessionId: hex(id) }, 'removing session');
    }
  }

  isTrackingSession(id: bigint): boolean {
    return this.sessionsById.has(id);
  }

  /**
   * Throws UnknownSession for a session never seen (or removed), SessionExpired for one
   * that is closing, SessionMoved when another owner holds it; claims an unowned session.
   */
  checkSession(id: bigint, owner: unknown): void {
    const s = this.sessionsById.get(id);
    if (!s) throw new KeeperException(Code.UNKNOWNSESSION);
    if (s.isClosing) throw new KeeperException(Code.SESSIONEXPIRED);
    if (s.owner === null) s.owner = owner;
    else if (s.owner !== owner) throw new KeeperException(Code.SESSIONMOVED);
  }

  /** checkSession for global sessions: an unknown session counts as expired. */
  checkGlobalSession(id: bigint, owner: unknown): void {
    try {
      this.checkSession(id, owner);
    } catch (e) {
      if (e instanceof KeeperException && e.code === Code.UNKNOWNSESSION) throw new KeeperException(Code.SESSIONEXPIRED);
      throw e;
    }
  }

  setOwner(id: bigint, owner: unknown): void {
    const s = this.sessionsById.get(id);
    if (!s || s.isClosing) throw new KeeperException(Code.SESSIONEXPIRED);
    s.owner = owner;
  }

  getSession(id: bigint): Session | undefined {
    return this.sessionsById.get(id);
  }

  globalSessions(): bigint[] {
    return [...this.sessionsById.keys()];
  }

  get sessionCount(): number {
    return this.sessionsById.size;
  }

  /** Bucket time → session ids (for `dump` / `cons`). */
  getSessionExpiryMap(): Map<number, bigint[]> {
    const out = new Map<number, bigint[]>();
    for (const [t, set] of this.queue.getExpiryMap()) out.set(t, [...set].map((s) => s.sessionId));
    return out;
  }
}
