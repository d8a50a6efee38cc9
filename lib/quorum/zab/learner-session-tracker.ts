import type { MutableMap } from '../../core/renewing-collections';
import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/logger';
import { initializeNextSessionId, SessionTrackerImpl, type SessionExpirer } from '../../server/session-tracker';

/**
 * LearnerSessionTracker (local sessions off, as ZooKeeper 3.8 defaults): a learner does
 * not expire sessions — the leader does. It hands out session ids with its own server id
 * in the top byte, records every touch of its clients' sessions in a table that the next
 * PING answer carries to the leader, and learns which sessions exist from the committed
 * createSession / closeSession txns. checkSession is the leader's business.
 */
export class LearnerSessionTracker extends SessionTrackerImpl {
  private touchTable = new Map<bigint, number>();
  private next: bigint;

  constructor(
    clock: Clock,
    expirer: SessionExpirer,
    private readonly globalSessionsWithTimeouts: MutableMap<bigint, number>,
    tickTime: number,
    serverId: number,
    log: Logger,
  ) {
    super(clock, expirer, new Map(), tickTime, serverId, log);
    this.next = initializeNextSessionId(serverId, clock.now());
  }

  override start(): void {
    // The leader expires sessions.
  }

  override shutdown(): void {}

  override createSession(_sessionTimeout: number): bigint {
    const id = this.next;
    this.next = BigInt.asIntN(64, id + 1n);
    return id;
  }

  override trackSession(): boolean {
    return false;
  }

  override commitSession(id: bigint, sessionTimeout: number): boolean {
    const added = !this.globalSessionsWithTimeouts.has(id);
    this.globalSessionsWithTimeouts.set(id, sessionTimeout);
    this.touchTable.set(id, sessionTimeout);
    return added;
  }

  override touchSession(id: bigint, timeout: number): boolean {
    this.touchTable.set(id, timeout);
    return true;
  }

  override removeSession(id: bigint): void {
    this.globalSessionsWithTimeouts.delete(id);
    this.touchTable.delete(id);
  }

  override getSessionTimeout(id: bigint): number | undefined {
    return this.globalSessionsWithTimeouts.get(id);
  }

  override setSessionClosing(): void {}

  override isTrackingSession(id: bigint): boolean {
    return this.globalSessionsWithTimeouts.has(id);
  }

  override checkSession(): void {}

  override checkGlobalSession(): void {}

  override setOwner(): void {}

  override globalSessions(): bigint[] {
    return [...this.globalSessionsWithTimeouts.keys()];
  }

  override get sessionCount(): number {
    return this.globalSessionsWithTimeouts.size;
  }

  override getSessionExpiryMap(): Map<number, bigint[]> {
    return new Map();
  }

  /** LearnerSessionTracker.snapshot: the touches since the last PING, and a fresh table. */
  snapshot(): Map<bigint, number> {
    const t = this.touchTable;
    this.touchTable = new Map();
    return t;
  }
}
