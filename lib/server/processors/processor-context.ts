import type { Clock } from '../../core/clock';
import type { DataTree } from '../../data/data-tree';
import type { Logger } from '../../core/logger';
import type { ProviderRegistry } from '../auth/provider-registry';
import type { Request } from '../request';
import type { ServerCnxn } from '../server-cnxn';
import type { OutstandingChanges } from './change-record';

/**
 * The session operations of SessionTrackerImpl that request processing uses. Failures are
 * KeeperExceptions: UNKNOWNSESSION / SESSIONEXPIRED / SESSIONMOVED.
 */
export interface ProcessorSessionTracker {
  checkSession(sessionId: bigint, owner: unknown): void;
  /** checkSession for ephemeral creates: an unknown session counts as expired. */
  checkGlobalSession(sessionId: bigint, owner: unknown): void;
  /** Prep of createSession: track it (before the txn is durable). */
  trackSession(sessionId: bigint, timeout: number): boolean;
  setOwner(sessionId: bigint, owner: unknown): void;
  /** Prep of closeSession: no more requests from this session pass checkSession. */
  setSessionClosing(sessionId: bigint): void;
  /** Final of createSession (ZooKeeperServer.processTxnForSessionEvents). */
  commitSession(sessionId: bigint, timeout: number): boolean;
  /** Final of closeSession. */
  removeSession(sessionId: bigint): void;
}

/** The configuration the processors read. lib/config's ServerConfig satisfies it. */
export interface ProcessorConfig {
  readonly serverId: number;
  /** zookeeper.extendedTypesEnabled: TTL nodes. */
  readonly extendedTypesEnabled: boolean;
  /** reconfigEnabled: standalone answers ReconfigDisabled without it, Unimplemented with it. */
  readonly reconfigEnabled?: boolean;
  /** zookeeper.skipACL=yes. */
  readonly skipACL?: boolean;
  /** zookeeper.closeSessionTxn.enabled (default true): closeSession txns list the ephemerals. */
  readonly closeSessionTxnEnabled?: boolean;
}

/** What FinalRequestProcessor reports once per answered request (Java's updateStats). */
export interface RequestFinishedEvent {
  readonly request: Request;
  /** Java's four-letter op name for `cons` ("GETD", "SETD", "PING" …, "NA"). */
  readonly lastOp: string;
  /** The zxid in the reply header. */
  readonly lastZxid: bigint;
  /** The reply's error code. */
  readonly err: number;
  /** Clock time of the reply; latency is now - request.createTime. */
  readonly now: number;
}

/**
 * What the prep and final processors need from the server they run in. The server
 * implements it (ZooKeeperServer in Java is this, and more).
 */
export interface ProcessorContext {
  /**
   * The server's tree. Its own flags decide quota enforcement (enforceQuota) and txn
   * digests (digestEnabled), so the server builds it from the same config.
   */
  readonly dataTree: DataTree;
  readonly config: ProcessorConfig;
  /** Time for txn headers (Java's Time.currentWallTime). */
  readonly clock: Clock;
  readonly sessionTracker: ProcessorSessionTracker;
  readonly authProviders: ProviderRegistry;
  /** Shared by prep and final: txns prepped but not yet applied. */
  readonly outstandingChanges: OutstandingChanges;
  readonly logger?: Logger;
  /** hzxid.incrementAndGet(): the zxid of the next txn. */
  getNextZxid(): bigint;
  /** hzxid.get(). */
  getZxid(): bigint;
  /** Request.getOwner: who may use the session (ServerCnxn.me for this server's clients). */
  ownerOf(request: Request): unknown;
  /** Final of createSession: answer the connect (ZooKeeperServer.finishSessionInit). */
  finishSessionInit(cnxn: ServerCnxn, valid: boolean): void;
  /**
   * Final of a closeSession that has no connection (expiry, or the client went away):
   * close whatever connection still carries the session. True when one was found.
   */
  closeSessionConnection?(sessionId: bigint): boolean;
  /** Once per reply, before it is sent: latency and per-connection stats. */
  onRequestFinished?(e: RequestFinishedEvent): void;
}
