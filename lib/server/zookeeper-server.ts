import type { Observable, Subscription } from 'rxjs';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import {
  effectiveMaxSessionTimeout,
  effectiveMinSessionTimeout,
  type ServerConfig,
} from '../config/server-config';
import type { ConnectRequest, RequestHeader } from '../jute/records/proto';
import { SeededRandom, type Random } from '../core/random';
import type { DataPurger } from '../persistence/snapshot-purge';
import { OpCode, opName } from '../protocol/op-code';
import type { ClientTransport } from '../transport/client-transport';
import { ProviderRegistry } from './auth/provider-registry';
import { acceptConnectRequest, processAuthPacket, processSaslPacket, rejectUnknownRequest, sendConnectResponse } from './client-packets';
import { ContainerManager } from './container-manager';
import type { DatadirCleanupManager } from './datadir-cleanup-manager';
import type { FourLetterWordHandler } from './four-letter-word-hook';
import { OutstandingChanges } from './processors/change-record';
import type { ProcessorContext, RequestFinishedEvent } from './processors/processor-context';
import type { PeriodicSnapshots, SyncStats } from './processors/sync-request-processor';
import { RequestSource, standaloneChain, type ChainFactory } from './processors/chain';
import { isValidRequestType } from './processors/prep-request-processor';
import { Request } from './request';
import type { ServerCnxn } from './server-cnxn';
import { ServerCnxnFactory } from './server-cnxn-factory';
import type { ServerCnxnImpl } from './server-cnxn-impl';
import { loadDatabase, periodicSnapshotsOf, startAutopurge, takeSnapshot } from './server-persistence';
import { ServerStats, type ServerStatsProvider } from './server-stats';
import { fsyncWarningThresholdMs, ServerMetrics } from './server-metrics';
import { SessionTrackerImpl, hex, type Session, type SessionExpirer } from './session-tracker';
import type { ZKDatabase } from './zk-database';
import { databaseOf, SERVER_CNXN_ME, type ServerState, type ZooKeeperServerOptions } from './zookeeper-server-options';

export { SERVER_CNXN_ME } from './zookeeper-server-options';
export type { ServerState, ZooKeeperServerOptions } from './zookeeper-server-options';

/**
 * ZooKeeper's ZooKeeperServer for a standalone node: the ZKDatabase, the zxid counter,
 * the session tracker, the processor chain (an RxJS pipeline fed by submitRequest), the
 * client connections and their stats. It is the ProcessorContext the prep and final
 * processors run against.
 */
export class ZooKeeperServer implements ProcessorContext, ServerStatsProvider, SessionExpirer {
  readonly config: ServerConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly zkDb: ZKDatabase;
  readonly serverStats: ServerStats;
  readonly metrics: ServerMetrics;
  readonly authProviders: ProviderRegistry;
  readonly outstandingChanges = new OutstandingChanges();
  readonly cnxnFactory: ServerCnxnFactory;
  readonly fourLetterWords: FourLetterWordHandler | null;
  readonly juteMaxBuffer: number;
  readonly minSessionTimeout: number;
  readonly maxSessionTimeout: number;
  readonly syncStats: SyncStats = { commits: 0, txnsLogged: 0, lastBatchSize: 0, maxBatchSize: 0, backlog: 0, requestsQueued: 0 };
  readonly syncHighWaterMark: number | undefined;
  sessionTracker!: SessionTrackerImpl;
  containerManager: ContainerManager | null = null;
  purgeManager: DatadirCleanupManager | null = null;
  private state: ServerState = 'initial';
  private hzxid = 0n;
  private requestsInProcess = 0;
  private syncBacklogged = false;
  private readonly maxOutstandingPerCnxn: number;
  private readonly sessionTrackerServerId: number;
  private readonly chainFactory: ChainFactory;
  private readonly random: Random;
  private readonly purger: DataPurger | null;
  private input: RequestSource | null = null;
  private chainSub: Subscription | null = null;
  private chainDone: Promise<void> = Promise.resolve();
  private readonly ownsDatabase: boolean;
  private readonly runContainerManager: boolean;

  constructor(opts: ZooKeeperServerOptions) {
    this.config = opts.config;
    this.clock = opts.clock;
    this.logger = opts.logger;
    this.juteMaxBuffer = opts.config.juteMaxBuffer;
    this.minSessionTimeout = effectiveMinSessionTimeout(opts.config);
    this.maxSessionTimeout = effectiveMaxSessionTimeout(opts.config);
    this.fourLetterWords = opts.fourLetterWords ?? null;
    this.authProviders = opts.authProviders ?? new ProviderRegistry({ superDigest: opts.config.superDigest });
    this.maxOutstandingPerCnxn = opts.maxOutstandingPerCnxn ?? 1000;
    this.sessionTrackerServerId = opts.sessionTrackerServerId ?? 1;
    this.chainFactory = opts.chain ?? standaloneChain;
    this.random = opts.random ?? new SeededRandom(this.sessionTrackerServerId);
    this.purger = opts.persistence?.purger ?? null;
    this.ownsDatabase = opts.zkDb === undefined;
    this.runContainerManager = opts.containerManager ?? true;
    this.zkDb = databaseOf(opts);
    this.serverStats = new ServerStats(this, opts.clock);
    this.metrics = new ServerMetrics({
      forceSync: opts.config.forceSync,
      fsyncWarningThresholdMs: fsyncWarningThresholdMs(opts.config),
      onSlowFsync: (ms) => {
        this.serverStats.incrementFsyncThresholdExceedCount();
        this.logger.warn(`fsync-ing the write ahead log took ${ms}ms which will adversely effect operation latency. See the ZooKeeper troubleshooting guide`);
      },
    });
    this.cnxnFactory = new ServerCnxnFactory(this, opts.clock, opts.logger, {
      maxClientCnxns: opts.config.maxClientCnxns,
      sessionlessCnxnTimeout: opts.sessionlessCnxnTimeout,
    });
    this.syncHighWaterMark = opts.syncHighWaterMark;
  }

  // ---- ProcessorContext ----

  get dataTree() {
    return this.zkDb.dataTree;
  }

  getNextZxid(): bigint {
    return ++this.hzxid;
  }

  getZxid(): bigint {
    return this.hzxid;
  }

  setZxid(zxid: bigint): void {
    this.hzxid = zxid;
  }

  ownerOf(request: Request): unknown {
    // processPacket marks client requests with ServerCnxn.me; the createSession request
    // and the server's own requests (expiry, containers) have no owner, as in Java.
    return request.cnxn !== null && request.type !== OpCode.createSession ? SERVER_CNXN_ME : null;
  }

  closeSessionConnection(sessionId: bigint): boolean {
    return this.cnxnFactory.closeSession(sessionId, 'session closed');
  }

  onRequestFinished(e: RequestFinishedEvent): void {
    const r = e.request;
    this.serverStats.updateLatencyFor(r.createTime, r.isTxn(), e.now);
    const cnxn = r.cnxn as ServerCnxnImpl | null;
    cnxn?.stats?.updateStatsForResponse(r.cxid, e.lastZxid, e.lastOp, r.createTime, e.now);
  }

  // ---- lifecycle ----

  isRunning(): boolean {
    return this.state === 'running';
  }

  getState(): string {
    return 'standalone';
  }

  get serverState(): ServerState {
    return this.state;
  }

  /** Restores the database from the log, then starts sessions, the chain and containers. */
  async startup(): Promise<void> {
    if (this.state !== 'initial') throw new Error(`cannot start a server that is ${this.state}`);
    if (!this.zkDb.isInitialized()) await this.loadData();
    this.sessionTracker = this.createSessionTracker();
    this.sessionTracker.start();
    this.setupRequestProcessors();
    if (this.runContainerManager) {
      this.containerManager = new ContainerManager(this, this.config.containerCheckIntervalMs, this.config.containerMaxPerMinute);
      this.containerManager.start();
    }
    this.purgeManager = startAutopurge(this.purger, this.config, this.clock, this.logger);
    this.state = 'running';
  }

  /** ZooKeeperServer.createSessionTracker: a quorum learner overrides it (LearnerSessionTracker). */
  protected createSessionTracker(): SessionTrackerImpl {
    return new SessionTrackerImpl(
      this.clock,
      this,
      this.zkDb.sessionsWithTimeouts,
      this.config.tickTime,
      this.sessionTrackerServerId,
      this.logger,
    );
  }

  /** Listens for clients on the transport; returns the bound address. */
  listen(transport: ClientTransport, host = this.config.clientPortAddress, port = this.config.clientPort) {
    return this.cnxnFactory.start(transport, host, port);
  }

  /**
   * ZooKeeperServer.loadData: restore, then a clean snapshot, which the next start
   * replays from. Java writes it before it serves; zoolab waits for it only when the
   * restore dropped dead sessions' ephemerals, for the reason the new leader does
   * (LeaderZooKeeperServer.loadDataForLeading): those deletions are in no txn. Otherwise
   * the tree is what the snapshots and the log on disk rebuild, and the snapshot is
   * written while the server serves, fuzzy as a periodic one is: on a 500k-znode
   * dataDir it was 0.8 s of every restart.
   */
  private async loadData(): Promise<void> {
    const { zxid, sessionsKilled } = await loadDatabase(this.zkDb);
    this.setZxid(zxid);
    if (sessionsKilled > 0) {
      await this.takeSnapshot();
      return;
    }
    // zkDb.close waits for it; a failure leaves the last snapshot and the log as they were.
    this.takeSnapshot().catch((err: unknown) => this.logger.warn({ err }, 'start-up snapshot failed'));
  }

  async takeSnapshot(sync = false, fromLog = false): Promise<void> {
    const ms = await takeSnapshot(this.zkDb, this.clock, this.logger, sync, fromLog);
    if (ms !== null) this.metrics.snapshotTime.addDataPoint(ms);
  }

  /** The periodic-snapshot hooks the sync stage uses; null without a snapshot store. */
  periodicSnapshots(): PeriodicSnapshots | null {
    const fromLog = this.appliesOnlyLoggedTxns();
    return periodicSnapshotsOf(this.zkDb, this.config.snapCount, this.random, () => this.takeSnapshot(false, fromLog));
  }

  /**
   * Whether every txn in the tree is already in the log when a snapshot is due, so the
   * store may build it from the log (ZKDatabase.takeSnapshotFromLog). True standalone,
   * where a txn is applied after its commit; a quorum member may apply a txn its own log
   * has not yet written.
   */
  protected appliesOnlyLoggedTxns(): boolean {
    return true;
  }

  private setupRequestProcessors(): void {
    const input = new RequestSource();
    const stages = this.chainFactory(this);
    const out = stages.reduce<Observable<Request>>((o, op) => o.pipe(op), input.requests);
    this.input = input;
    this.chainDone = new Promise((resolve) => {
      this.chainSub = out.subscribe({
        next: (r) => {
          if (r.cnxn !== null) this.requestsInProcess--;
        },
        error: (err: unknown) => {
          this.logger.fatal({ err }, 'request processor chain failed; shutting down');
          this.state = 'error';
          this.cnxnFactory.closeAll('server error');
          resolve();
        },
        complete: () => resolve(),
      });
    });
  }

  /** Stops accepting, lets queued requests finish, closes connections and the log. */
  async shutdown(): Promise<void> {
    if (this.state === 'shutdown') return;
    const wasRunning = this.state === 'running' || this.state === 'error';
    this.state = 'shutdown';
    this.containerManager?.stop();
    this.purgeManager?.stop();
    this.sessionTracker?.shutdown();
    await this.cnxnFactory.shutdown();
    if (wasRunning) {
      this.input?.complete();
      await this.chainDone;
      this.chainSub?.unsubscribe();
    }
    await this.purgeManager?.idle();
    if (this.ownsDatabase) await this.zkDb.close();
  }

  // ---- requests ----

  /** ZooKeeperServer.submitRequest: touches the session, then feeds the chain. */
  submitRequest(si: Request): void {
    if (!this.input || this.state !== 'running') {
      this.logger.debug({ type: opName(si.type) }, 'dropping request: server not running');
      return;
    }
    if (si.cnxn !== null) {
      const cnxn = si.cnxn as ServerCnxnImpl;
      if (!this.sessionTracker.touchSession(cnxn.sessionId, cnxn.sessionTimeout)) {
        // Java's MissingSessionException: the session expired under the client.
        this.logger.debug({ sessionId: hex(cnxn.sessionId) }, 'dropping request of a missing session');
        return;
      }
    }
    if (!isValidRequestType(si.type)) return rejectUnknownRequest(this.logger, si);
    if (si.cnxn !== null) this.requestsInProcess++;
    this.input.next(si);
  }

  /** A request a stage dropped (it failed there): it is no longer in process. */
  requestDropped(r: Request): void {
    if (r.cnxn !== null) this.requestsInProcess--;
  }

  expire(session: Session): void {
    this.logger.info({ sessionId: hex(session.sessionId), timeout: session.timeout }, 'expiring session, timeout exceeded');
    this.closeSession(session.sessionId);
  }

  /** Submits a closeSession for `sessionId` on behalf of the server. */
  closeSession(sessionId: bigint): void {
    this.submitRequest(new Request(null, sessionId, 0, OpCode.closeSession, Buffer.alloc(0), [], this.clock.now()));
  }

  /** Java's shouldThrottle: a connection with requests in flight stops being read when the server is overloaded. */
  shouldThrottle(outstanding: number): boolean {
    if (outstanding >= this.maxOutstandingPerCnxn) return true;
    const limit = this.config.globalOutstandingLimit;
    if (limit < this.requestsInProcess || this.syncBacklogged) return outstanding > 0;
    return false;
  }

  setSyncBacklogged(backlogged: boolean): void {
    this.syncBacklogged = backlogged;
  }

  // ---- connections (NIOServerCnxn calls these) ----

  /** ZooKeeperServer.processConnectRequest. Throws CloseRequestError to refuse. */
  processConnectRequest(cnxn: ServerCnxnImpl, req: ConnectRequest, _readOnly: boolean): void {
    const reconnecting = acceptConnectRequest(this, cnxn, req);
    if (reconnecting !== null) this.revalidateSession(cnxn, reconnecting, cnxn.sessionTimeout);
  }

  /**
   * ZooKeeperServer.revalidateSession: a reconnecting client's session is still alive
   * here. A quorum learner asks the leader instead (REVALIDATE) and answers later.
   */
  protected revalidateSession(cnxn: ServerCnxnImpl, sessionId: bigint, timeout: number): void {
    this.finishSessionInit(cnxn, this.sessionTracker.touchSession(sessionId, timeout));
  }

  /** Answers the ConnectRequest: the session, or session 0 / timeout 0 and a close. */
  finishSessionInit(cnxn: ServerCnxn, valid: boolean): void {
    sendConnectResponse(this.logger, cnxn as ServerCnxnImpl, valid);
  }

  /** ZooKeeperServer.processPacket: auth is answered here, everything else goes to the chain. */
  processPacket(cnxn: ServerCnxnImpl, h: RequestHeader, body: Buffer): void {
    if (h.type === OpCode.auth) return processAuthPacket(this, cnxn, h, body);
    if (h.type === OpCode.sasl) return processSaslPacket(this.logger, cnxn, h);
    // cnxn.authInfo is replaced, not changed, when auth is added: the request can share it.
    this.submitRequest(new Request(cnxn, cnxn.sessionId, h.xid, h.type, body, cnxn.authInfo, this.clock.now()));
  }

  /** A connection went away: its watches go with it. */
  removeCnxn(cnxn: ServerCnxnImpl): void {
    this.zkDb.removeCnxn(cnxn);
  }

  // ---- ServerStatsProvider and getters for four-letter words ----

  getOutstandingRequests(): number {
    return this.requestsInProcess;
  }
  getInProcess(): number {
    return this.requestsInProcess;
  }
  getLastProcessedZxid(): bigint {
    return this.zkDb.lastProcessedZxid;
  }
  getNumAliveConnections(): number {
    return this.cnxnFactory.getNumAliveConnections();
  }
  getDataDirSize(): number {
    return this.zkDb.snapshots?.sizeOnDisk?.() ?? 0;
  }
  getLogDirSize(): number {
    return this.zkDb.txnLog.sizeOnDisk?.() ?? 0;
  }
  getConnections(): Iterable<ServerCnxnImpl> {
    return this.cnxnFactory.cnxns;
  }
  getTickTime(): number {
    return this.config.tickTime;
  }
  getMaxClientCnxnsPerHost(): number {
    return this.cnxnFactory.maxClientCnxns;
  }
  getGlobalOutstandingLimit(): number {
    return this.config.globalOutstandingLimit;
  }
  /** Bucket time → session ids, for `dump`. */
  getSessionExpiryMap(): Map<number, bigint[]> {
    return this.sessionTracker.getSessionExpiryMap();
  }
  /** Session id → ephemeral paths, for `dump`. */
  getEphemerals(): Map<bigint, Set<string>> {
    return this.dataTree.getEphemeralsMap();
  }
  getClientPort(): number {
    return this.cnxnFactory.localAddress?.port ?? this.config.clientPort;
  }
}

export type { ChainFactory };
