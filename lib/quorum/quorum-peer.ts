import { BehaviorSubject, Subject, firstValueFrom, type Observable, type Subscription } from 'rxjs';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { Random } from '../core/random';
import type { ServerConfig } from '../config/server-config';
import type { EpochStore } from '../persistence/epoch-store';
import type { DataPurger } from '../persistence/snapshot-purge';
import type { SnapshotStore } from '../persistence/snapshot-store';
import type { TxnLog } from '../persistence/txn-log';
import type { FourLetterWordHandler } from '../server/four-letter-word-hook';
import { treeOptionsOf, ZKDatabase } from '../server/zk-database';
import type { ZooKeeperServer, ZooKeeperServerOptions } from '../server/zookeeper-server';
import type { ClientTransport } from '../transport/client-transport';
import type { ElectionChannel, PeerAddress, PeerTransport } from '../transport/peer-transport';
import type { Election, ElectionFactory } from './election/election';
import type { QuorumVerifier } from './quorum-verifier';
import { createQuorumVerifier } from './create-quorum-verifier';
import { QuorumPeerClientPort } from './quorum-peer-client-port';
import { PeerEpochs } from './quorum-peer-epochs';
import { runRole } from './quorum-peer-roles';
import { LearnerType, ServerState, sidOf, type Vote } from './vote';
import type { PeerEvent } from './peer-events';
import { CommittedLog, DEFAULT_COMMIT_LOG_COUNT } from './zab/committed-log';
import { loadDatabase } from './zab/learner-database';
import { TxnLogTail } from './zab/txn-log-tail';
import type { Leader } from './zab/leader';
import type { Learner } from './zab/learner';

export type ZabState = 'ELECTION' | 'DISCOVERY' | 'SYNCHRONIZATION' | 'BROADCAST';
export type PeerSyncMode = 'NONE' | 'DIFF' | 'SNAP' | 'TRUNC';

export interface QuorumPeerOptions {
  /** The node's zoo.cfg: serverId is myid, servers the ensemble, tick/init/sync limits. */
  config: ServerConfig;
  clock: Clock;
  logger: Logger;
  random: Random;
  transport: PeerTransport;
  /** Where the client port is bound; kept across roles. */
  clientTransport: ClientTransport;
  txnLog: TxnLog;
  snapshots?: SnapshotStore | null;
  purger?: DataPurger;
  epochs: EpochStore;
  election: ElectionFactory;
  fourLetterWords?: (peer: QuorumPeer) => FourLetterWordHandler | null;
  /** zookeeper.commitLogCount (500): committed txns kept in memory for DIFF. */
  commitLogCount?: number;
  /** Largest number of txns read from the txn log to DIFF a learner; 0 disables it (zookeeper.snapshotSizeFactor ≤ 0). */
  txnLogSyncLimit?: number;
  /** zookeeper.forceSnapshotSync: always SNAP (testing only). */
  forceSnapSync?: boolean;
  /** ZooKeeperServer options each role's server gets. */
  server?: Partial<ZooKeeperServerOptions>;
}

/** Counters of what this peer did, for tests and reports. */
export interface PeerStats {
  elections: number;
  proposals: number;
  commits: number;
  /** Learners this peer synced as leader by SNAP, and by anything else (mntr's snap_count, diff_count). */
  snapSyncs: number;
  diffSyncs: number;
  lastSyncMode: PeerSyncMode;
  /**
   * The last SNAP this peer sent as leader: the snapshot's zxid, the tree's when its last
   * chunk went (later when txns were committed during the stream: the snapshot is fuzzy),
   * its bytes, and the clock's milliseconds from the first chunk to the last.
   */
  lastSnapSent?: { zxid: bigint; zxidAtEnd: bigint; bytes: number; ms: number };
}

/**
 * ZooKeeper's QuorumPeer: loads the database, binds the client port, starts the election
 * and then loops — LOOKING (elect), then LEADING, FOLLOWING or OBSERVING until that ends,
 * then LOOKING again — until it is stopped. Its state is an Observable.
 */
export class QuorumPeer {
  readonly myId: number;
  readonly config: ServerConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly random: Random;
  readonly transport: PeerTransport;
  readonly verifier: QuorumVerifier;
  readonly learnerType: LearnerType;
  readonly zkDb: ZKDatabase;
  /** The txn log the database writes through: it remembers what the tree has not applied. */
  readonly txnLogTail: TxnLogTail;
  readonly committedLog: CommittedLog;
  readonly clientPort: QuorumPeerClientPort;
  readonly stats: PeerStats = { elections: 0, proposals: 0, commits: 0, snapSyncs: 0, diffSyncs: 0, lastSyncMode: 'NONE' };
  readonly txnLogSyncEnabled: boolean;
  readonly txnLogSyncLimit: number;
  readonly forceSnapSync: boolean;
  /** Ticks since this peer started leading (Leader's self.tick). */
  tick = 0;
  syncMode: PeerSyncMode = 'NONE';
  zabState: ZabState = 'ELECTION';
  currentVote: Vote | null = null;
  leader: Leader | null = null;
  learner: Learner | null = null;
  private readonly state = new BehaviorSubject<ServerState>(ServerState.LOOKING);
  private readonly events = new Subject<PeerEvent>();
  /** Txns applied, tree resets, epochs led: for checkers (lib/quorum/peer-events.ts). */
  readonly events$ = this.events.asObservable();
  private readonly epochs: PeerEpochs;
  private readonly electionFactory: ElectionFactory;
  private election: Election | null = null;
  private electionChannel: ElectionChannel | null = null;
  private electionSub: Subscription | null = null;
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private served: ZooKeeperServer | null = null;
  private anonymousLearnerId = -1;
  private pendingSnapshot: Promise<void> | null = null;

  constructor(readonly opts: QuorumPeerOptions) {
    const c = opts.config;
    this.myId = c.serverId;
    this.config = c;
    this.clock = opts.clock;
    this.logger = opts.logger;
    this.random = opts.random;
    this.transport = opts.transport;
    this.electionFactory = opts.election;
    this.verifier = createQuorumVerifier({ servers: c.servers, groups: c.groups, weights: c.weights });
    const me = c.servers.find((s) => s.id === this.myId);
    if (!me) throw new Error(`server ${this.myId} is not in the ensemble's configuration`);
    this.learnerType = me.type === 'observer' || c.peerType === 'observer' ? LearnerType.OBSERVER : LearnerType.PARTICIPANT;
    this.txnLogTail = new TxnLogTail(opts.txnLog, () => this.zkDb.lastProcessedZxid);
    this.zkDb = new ZKDatabase(this.txnLogTail, treeOptionsOf(c, opts.logger), opts.logger, {
      snapshots: opts.snapshots ?? null,
      now: () => this.clock.now(),
    });
    this.committedLog = new CommittedLog(opts.commitLogCount ?? DEFAULT_COMMIT_LOG_COUNT);
    this.clientPort = new QuorumPeerClientPort(opts.clientTransport);
    this.epochs = new PeerEpochs(opts.epochs);
    this.txnLogSyncLimit = opts.txnLogSyncLimit ?? 100_000;
    this.txnLogSyncEnabled = this.txnLogSyncLimit > 0;
    this.forceSnapSync = opts.forceSnapSync ?? false;
  }

  // ---- what Leader and Learner use ----

  get tickTime(): number {
    return this.config.tickTime;
  }
  get initLimit(): number {
    return this.config.initLimit;
  }
  get syncLimit(): number {
    return this.config.syncLimit;
  }
  get currentEpoch(): bigint {
    return this.epochs.currentEpoch;
  }
  get acceptedEpoch(): bigint {
    return this.epochs.acceptedEpoch;
  }
  setCurrentEpoch(e: bigint): Promise<void> {
    return this.epochs.setCurrentEpoch(e);
  }
  setAcceptedEpoch(e: bigint): Promise<void> {
    return this.epochs.setAcceptedEpoch(e);
  }
  /** QuorumPeer.getLastLoggedZxid: the tree's last zxid (fast-forwarded when a role ends). */
  get lastLoggedZxid(): bigint {
    return this.zkDb.lastProcessedZxid;
  }

  get quorumAddress(): PeerAddress {
    return this.quorumAddressOf(this.myId)!;
  }

  quorumAddressOf(id: number): PeerAddress | null {
    const s = this.config.servers.find((x) => x.id === id);
    return s ? { host: s.host, port: s.quorumPort } : null;
  }

  electionAddressOf(id: number): PeerAddress | null {
    const s = this.config.servers.find((x) => x.id === id);
    return s ? { host: s.host, port: s.electionPort } : null;
  }

  /** LearnerMaster.getAndDecrementFollowerCounter: ids for learners that send no LearnerInfo. */
  nextAnonymousLearnerId(): number {
    return this.anonymousLearnerId--;
  }

  /** @internal */
  emit(e: PeerEvent): void {
    this.events.next(e);
  }

  setZabState(s: ZabState): void {
    this.zabState = s;
  }

  updateElectionVote(epoch: bigint): void {
    this.election?.updateElectionVote(epoch);
  }

  /** Writes a snapshot without waiting for it (the leader's start-up one); failures are logged. */
  snapshotInBackground(take: () => Promise<void>): void {
    const prior = this.pendingSnapshot ?? Promise.resolve();
    const done: Promise<void> = prior
      .then(take)
      .catch((err: unknown) => this.logger.warn({ err }, 'background snapshot failed'))
      .finally(() => {
        if (this.pendingSnapshot === done) this.pendingSnapshot = null;
      });
    this.pendingSnapshot = done;
  }

  /** Settles when no snapshot started by snapshotInBackground is being written. */
  backgroundSnapshot(): Promise<void> {
    return this.pendingSnapshot ?? Promise.resolve();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.clock.schedule(() => resolve(), ms));
  }

  /** QuorumPeer.setZooKeeperServer: the server that answers clients from now (null: nobody). */
  setZooKeeperServer(zks: ZooKeeperServer | null): void {
    if (this.served === zks) return;
    const old = this.served;
    this.served = zks;
    if (old) {
      this.clientPort.detach();
      old.cnxnFactory.closeAll('server is not serving');
    }
    if (zks) {
      zks.listen(this.clientPort).catch((err: unknown) => this.logger.error({ err }, 'could not serve the client port'));
    }
  }

  /** The server answering clients now, if any. */
  get zooKeeperServer(): ZooKeeperServer | null {
    return this.served;
  }

  /** Options for a role's ZooKeeperServer. */
  serverOptions(): ZooKeeperServerOptions {
    return {
      config: this.config,
      clock: this.clock,
      logger: this.logger,
      txnLog: this.zkDb.txnLog,
      zkDb: this.zkDb,
      random: this.random.fork('server'),
      sessionTrackerServerId: this.myId,
      persistence: { snapshots: this.opts.snapshots ?? null, purger: this.opts.purger },
      fourLetterWords: this.opts.fourLetterWords?.(this) ?? undefined,
      ...this.opts.server,
    };
  }

  // ---- lifecycle ----

  get state$(): Observable<ServerState> {
    return this.state.asObservable();
  }

  get peerState(): ServerState {
    return this.state.value;
  }

  isRunning(): boolean {
    return this.running;
  }

  /** QuorumPeer.start: database, client port, election, then the main loop (not awaited). */
  async start(): Promise<void> {
    if (this.running) throw new Error(`server ${this.myId} is already running`);
    await loadDatabase(this);
    this.emit({ kind: 'reset', reason: 'restore', zxid: this.zkDb.lastProcessedZxid });
    try {
      await this.epochs.load(this.zkDb.lastProcessedZxid, { info: (m) => this.logger.info(m) });
      await this.clientPort.bind(this.config.clientPortAddress, this.config.clientPort);
      const peers = new Map<number, PeerAddress>();
      for (const s of this.config.servers) if (s.id !== this.myId) peers.set(s.id, { host: s.host, port: s.electionPort });
      this.electionChannel = await this.transport.openElectionChannel({ myId: this.myId, address: this.electionAddressOf(this.myId)!, peers });
    } catch (e) {
      // A port in use, say: what did open is closed again, or it would hold the process.
      await this.clientPort.close().catch(() => undefined);
      await this.zkDb.close().catch(() => undefined);
      throw e;
    }
    this.election = this.electionFactory({
      myId: this.myId,
      learnerType: this.learnerType,
      verifier: this.verifier,
      clock: this.clock,
      random: this.random.fork('election'),
      logger: this.logger,
    });
    const ch = this.electionChannel;
    this.electionSub = this.election.connect(ch.inbound$).subscribe((p) => ch.send(p));
    this.running = true;
    this.loopDone = this.run();
  }

  /** QuorumPeer.run: elect, serve in the role elected, and again, until stopped. */
  private async run(): Promise<void> {
    while (this.running) {
      const state = this.state.value;
      try {
        if (state === ServerState.LOOKING) await this.lookForLeader();
        else await runRole(this, state);
      } catch (err) {
        this.logger.warn({ err }, 'Unexpected exception in the peer main loop');
      }
      // QuorumPeer.updateServerState: whatever the role's end, look again.
      if (state !== ServerState.LOOKING && this.running) this.setState(ServerState.LOOKING);
    }
  }

  private async lookForLeader(): Promise<void> {
    this.zabState = 'ELECTION';
    this.stats.elections++;
    const election = this.election!;
    let outcome;
    try {
      outcome = await firstValueFrom(election.lookForLeader({ lastLoggedZxid: this.lastLoggedZxid, currentEpoch: this.currentEpoch }));
    } catch (err) {
      if (this.running) this.logger.warn({ err }, 'election round failed');
      return;
    }
    if (!this.running) return;
    this.currentVote = outcome.vote;
    this.setState(outcome.state);
  }

  /** The leader this peer follows or is, from its last election. */
  get leaderId(): number | null {
    return this.currentVote ? sidOf(this.currentVote.id) : null;
  }

  /** @internal */
  setState(s: ServerState): void {
    if (this.state.value !== s) this.state.next(s);
  }

  /** Stops the peer: the role, the election, the client port and the database. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.election?.shutdown();
    await this.leader?.shutdown('peer stopped');
    await this.learner?.shutdown();
    await this.loopDone;
    this.electionSub?.unsubscribe();
    await this.electionChannel?.close();
    this.setZooKeeperServer(null);
    await this.clientPort.close();
    await this.zkDb.close();
    this.state.complete();
    this.events.complete();
  }
}
