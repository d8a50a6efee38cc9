import type { Subscription } from 'rxjs';
import { after, every } from '../../core/clock';
import type { QuorumPacket } from '../../jute/records/quorum';
import type { Request } from '../../server/request';
import { LearnerType } from '../vote';
import { SyncedLearnerTracker } from '../synced-learner-tracker';
import type { QuorumPeer } from '../quorum-peer';
import { Latch } from './latch';
import type { LearnerHandler } from './learner-handler';
import { LearnerCnxAcceptor } from './learner-cnx-acceptor';
import type { LearnerSyncRequest } from './learner-request';
import type { LeaderZooKeeperServer } from './leader-zookeeper-server';
import { PacketType } from './packet-types';
import { OutstandingProposals } from './outstanding-proposals';
import { Proposal } from './proposal';
import { encodeProposal } from './packet-encoding';
import { encodeQuorumPacket, quorumPacket } from './quorum-packet-channel';
import { StateSummary } from './state-summary';
import { counterOf, makeZxid, zxidHex } from './zxid';
import { BufferStats } from './buffer-stats';
import { LeaderDiscovery } from './leader-discovery';

export { BufferStats };

function broadcast(to: ReadonlySet<LearnerHandler>, qp: QuorumPacket, encoded?: Buffer): void {
  if (to.size === 0) return;
  const bytes = encoded ?? (to.size > 1 ? encodeQuorumPacket(qp) : undefined);
  for (const f of to) f.queuePacket(qp, bytes);
}

/**
 * ZooKeeper's Leader: discovery (agree on a new epoch with a quorum), synchronization
 * (bring each learner to the leader's history: LearnerHandler), and broadcast (propose,
 * count acks, commit in order), with the liveness check every half tick that makes a
 * leader without a synced quorum step down. `lead()` settles when leading is over.
 */
export class Leader {
  readonly learners = new Set<LearnerHandler>();
  readonly forwardingFollowers = new Set<LearnerHandler>();
  readonly observingLearners = new Set<LearnerHandler>();
  readonly outstandingProposals = new OutstandingProposals();
  readonly toBeApplied: Proposal[] = [];
  readonly pendingSyncs = new Map<bigint, LearnerSyncRequest[]>();
  readonly proposalStats = new BufferStats();
  lastCommitted = -1n;
  lastProposed = 0n;
  leaderStartTime = 0;
  leaderStateSummary!: StateSummary;
  readonly newLeaderProposal = new Proposal(quorumPacket(PacketType.NEWLEADER, 0n));
  private readonly startupLatch: Latch;
  private readonly discovery: LeaderDiscovery;
  private readonly cnxAcceptor = new LearnerCnxAcceptor(this);
  private ticker: Subscription | null = null;
  private tickSkip = true;
  /** loadData left the start-up snapshot for when the leader serves. */
  private startupSnapshotDeferred = false;
  private startupSnapshot: Subscription | null = null;
  private isShutdown = false;
  private shutdownDone: Promise<void> | null = null;
  private resolveEnded!: () => void;
  private readonly ended = new Promise<void>((r) => (this.resolveEnded = r));
  /** Why leading ended. */
  shutdownReason: string | null = null;

  constructor(
    readonly self: QuorumPeer,
    readonly zk: LeaderZooKeeperServer,
  ) {
    zk.leader = this;
    this.discovery = new LeaderDiscovery(self);
    this.startupLatch = new Latch(self.clock);
  }

  private get log() {
    return this.self.logger;
  }

  private get initTimeout(): number {
    return this.self.initLimit * this.self.tickTime;
  }

  /** Leader.lead. */
  async lead(): Promise<void> {
    const self = this.self;
    self.setZabState('DISCOVERY');
    self.tick = 0;
    try {
      await this.cnxAcceptor.bind();
      this.startupSnapshotDeferred = await this.zk.loadDataForLeading();
      this.leaderStateSummary = new StateSummary(self.currentEpoch, this.zk.getLastProcessedZxid());
      this.cnxAcceptor.start();

      const epoch = await this.getEpochToPropose(self.myId, self.acceptedEpoch);
      this.zk.setZxid(makeZxid(epoch, 0n));
      this.lastProposed = this.zk.getZxid();
      this.newLeaderProposal.packet = quorumPacket(PacketType.NEWLEADER, this.zk.getZxid());
      this.newLeaderProposal.addQuorumVerifier(self.verifier);

      await this.waitForEpochAck(self.myId, this.leaderStateSummary);
      await self.setCurrentEpoch(epoch);
      self.setZabState('SYNCHRONIZATION');
      await this.waitForNewLeaderAck(self.myId, this.zk.getZxid());
    } catch (err) {
      if (!this.isShutdown) {
        this.log.warn({ err: (err as Error).message, synced: this.newLeaderProposal.ackSetsToString() }, 'leader could not gather a quorum');
        await this.shutdown(`Waiting for a quorum of followers: ${(err as Error).message}`);
      }
      return;
    }
    if (this.isShutdown) return;
    await this.startZkServer();
    if (this.isShutdown) return;
    self.setZooKeeperServer(this.zk);
    self.setZabState('BROADCAST');
    self.emit({ kind: 'leading', epoch: this.getEpoch() });
    this.ticker = every(self.clock, Math.max(1, Math.floor(self.tickTime / 2)), () => this.halfTick());
    await this.ended;
  }

  private async startZkServer(): Promise<void> {
    this.lastCommitted = this.zk.getZxid();
    this.log.info(
      { sids: this.newLeaderProposal.ackSetsToString(), zxid: zxidHex(this.zk.getZxid()) },
      'Have quorum of supporters; starting up and setting last processed zxid',
    );
    this.leaderStartTime = this.self.clock.now();
    await this.zk.startup();
    this.self.updateElectionVote(this.getEpoch());
    this.zk.zkDb.dataTree.lastProcessedZxid = this.zk.getZxid();
    this.startupLatch.open();
    if (this.startupSnapshotDeferred) {
      // Written in the background, fuzzy like the sync stage's periodic snapshots (the
      // log replayed from its zxid makes it good), a tick after the leader serves: begun
      // any earlier, its writes slowed the fsyncs that discovery, sync and the first
      // commits wait on. A leader that stepped down by then leaves it to the next one. A
      // TRUNC waits for one being written (truncateDatabase), so it cannot land after the
      // snapshots past the truncation point were removed.
      this.startupSnapshot = after(this.self.clock, this.self.tickTime, () => {
        if (!this.isShutdown) this.self.snapshotInBackground(() => this.zk.takeSnapshot());
      });
    }
  }

  /** Every half tick: count the synced learners, step down without a quorum, ping. */
  private halfTick(): void {
    if (this.isShutdown) return;
    if (!this.tickSkip) this.self.tick++;
    const synced = new SyncedLearnerTracker();
    synced.addQuorumVerifier(this.self.verifier);
    synced.addAck(this.self.myId);
    for (const f of this.learners) if (f.synced()) synced.addAck(f.sid);
    if (!this.zk.isRunning()) {
      void this.shutdown('Unexpected internal error');
      return;
    }
    if (!this.tickSkip && !synced.hasAllQuorums()) {
      void this.shutdown(`Not sufficient followers synced, only synced with sids: [ ${synced.ackSetsToString()} ]`);
      return;
    }
    this.tickSkip = !this.tickSkip;
    for (const f of this.learners) f.ping();
  }

  // ---- discovery: epoch agreement (leader-discovery.ts) ----

  getEpochToPropose(sid: number, lastAcceptedEpoch: bigint): Promise<bigint> {
    return this.discovery.getEpochToPropose(sid, lastAcceptedEpoch);
  }

  waitForEpochAck(id: number, ss: StateSummary): Promise<void> {
    return this.discovery.waitForEpochAck(id, ss, this.leaderStateSummary);
  }

  waitForNewLeaderAck(sid: number, zxid: bigint): Promise<void> {
    return this.discovery.waitForNewLeaderAck(sid, zxid, this.newLeaderProposal);
  }

  private isParticipant(sid: number): boolean {
    return this.self.verifier.getVotingMembers().has(sid);
  }

  /** LearnerMaster.waitForStartup: learners get UPTODATE once the leader serves. */
  waitForStartup(): Promise<void> {
    return this.startupLatch.wait(Number.POSITIVE_INFINITY, 'leader never started');
  }

  // ---- broadcast ----

  getEpoch(): bigint {
    return this.lastProposed >> 32n;
  }

  get tick(): number {
    return this.self.tick;
  }

  getTickOfNextAckDeadline(): number {
    return this.self.tick + this.self.syncLimit;
  }

  getTickOfInitialAckDeadline(): number {
    return this.self.tick + this.self.initLimit + this.self.syncLimit;
  }

  syncTimeout(): number {
    return this.self.tickTime * this.self.syncLimit;
  }

  /** Leader.propose: PROPOSAL to the followers; false when the zxid counter ran out (the leader steps down). */
  propose(request: Request): boolean {
    const zxid = request.hdr!.zxid;
    if (counterOf(zxid) === 0xffffffffn) {
      void this.shutdown('zxid lower 32 bits have rolled over, forcing re-election, and therefore new epoch start');
      return false;
    }
    const { packet, encoded } = encodeProposal({ hdr: request.hdr!, txn: request.txn, digest: request.digest });
    // The leader's own log writes the proposal's bytes rather than serializing it again.
    request.txnBytes = packet.data!;
    this.proposalStats.set(packet.data!.length);
    const p = new Proposal(packet, request);
    p.addQuorumVerifier(this.self.verifier);
    this.lastProposed = zxid;
    this.outstandingProposals.set(zxid, p);
    broadcast(this.forwardingFollowers, packet, encoded);
    this.self.stats.proposals++;
    return true;
  }

  /** Leader.processAck. */
  processAck(sid: number, zxid: bigint): void {
    if (counterOf(zxid) === 0n) return; // NEWLEADER and UPTODATE acks are counted elsewhere
    if (this.outstandingProposals.size === 0) return;
    if (this.lastCommitted >= zxid) return;
    const p = this.outstandingProposals.get(zxid);
    if (!p) {
      this.log.warn(`Trying to commit future proposal: zxid ${zxidHex(zxid)} from ${sid}`);
      return;
    }
    p.addAck(sid);
    let next: Proposal | undefined = p;
    let z = zxid;
    // Acks come in order from each learner, so an ack can only complete this one; a
    // later one that already had its quorum waits for it.
    while (next && this.tryToCommit(next, z)) next = this.outstandingProposals.get(++z);
  }

  /** Leader.tryToCommit: in zxid order, once a quorum acked. */
  private tryToCommit(p: Proposal, zxid: bigint): boolean {
    if (this.outstandingProposals.has(zxid - 1n)) return false;
    if (!p.hasAllQuorums()) return false;
    if (zxid !== this.lastCommitted + 1n) {
      this.log.debug(`Commiting zxid ${zxidHex(zxid)} not first! First is ${zxidHex(this.lastCommitted + 1n)}`);
    }
    this.outstandingProposals.delete(zxid);
    if (p.request) this.toBeApplied.push(p);
    this.commit(zxid);
    this.inform(p);
    if (p.request) this.zk.commitProcessor.commit(p.request);
    const syncs = this.pendingSyncs.get(zxid);
    if (syncs) {
      this.pendingSyncs.delete(zxid);
      for (const r of syncs) this.sendSync(r);
    }
    return true;
  }

  commit(zxid: bigint): void {
    this.lastCommitted = zxid;
    this.sendPacket(quorumPacket(PacketType.COMMIT, zxid));
    this.self.stats.commits++;
  }

  /** Leader.inform: observers get the committed txn itself. */
  inform(p: Proposal): void {
    if (!p.request || this.observingLearners.size === 0) return;
    this.sendObserverPacket(quorumPacket(PacketType.INFORM, p.request.hdr!.zxid, p.packet.data));
  }

  /** ToBeAppliedRequestProcessor, after the final stage applied the txn. */
  applied(r: Request): void {
    const first = this.toBeApplied[0];
    if (first?.request?.hdr?.zxid === r.hdr!.zxid) {
      this.toBeApplied.shift();
      // The proposal's packet is the txn as the committed log keeps it.
      this.self.committedLog.add(first.packet);
      return;
    }
    this.self.committedLog.add({ hdr: r.hdr!, txn: r.txn, digest: r.digest });
    if (first) this.log.error(`Committed request not found on toBeApplied: ${zxidHex(r.hdr!.zxid)}`);
  }

  /** One packet to many learners is encoded once. */
  private sendPacket(qp: QuorumPacket): void {
    broadcast(this.forwardingFollowers, qp);
  }

  private sendObserverPacket(qp: QuorumPacket): void {
    broadcast(this.observingLearners, qp);
  }

  /** Leader.processSync: answered at once, or when what was proposed before it commits. */
  processSync(r: LearnerSyncRequest): void {
    if (this.outstandingProposals.size === 0) {
      this.sendSync(r);
      return;
    }
    const list = this.pendingSyncs.get(this.lastProposed) ?? [];
    list.push(r);
    this.pendingSyncs.set(this.lastProposed, list);
  }

  private sendSync(r: LearnerSyncRequest): void {
    r.fh.queuePacket(quorumPacket(PacketType.SYNC, 0n));
  }

  numPendingSyncs(): number {
    let n = 0;
    for (const l of this.pendingSyncs.values()) n += l.length;
    return n;
  }

  /**
   * Leader.startForwarding: the learner is synced up to `lastSeenZxid`; it gets what was
   * committed (toBeApplied) and proposed since, then every broadcast from now on.
   */
  startForwarding(handler: LearnerHandler, lastSeenZxid: bigint): bigint {
    if (this.lastProposed > lastSeenZxid) {
      for (const p of this.toBeApplied) {
        if (p.packet.zxid <= lastSeenZxid) continue;
        handler.queuePacket(p.packet);
        handler.queuePacket(quorumPacket(PacketType.COMMIT, p.packet.zxid));
      }
      if (handler.learnerType === LearnerType.PARTICIPANT) {
        for (const p of this.outstandingProposals.values()) if (p.zxid > lastSeenZxid) handler.queuePacket(p.packet);
      }
    }
    if (handler.learnerType === LearnerType.PARTICIPANT) this.forwardingFollowers.add(handler);
    else this.observingLearners.add(handler);
    return this.lastProposed;
  }

  /** Leader.revalidateSession: is the session alive, and if so it now belongs to `handler`. */
  revalidateSession(qp: QuorumPacket, handler: LearnerHandler): void {
    const data = qp.data ?? Buffer.alloc(0);
    if (data.length < 12) throw new Error(`REVALIDATE packet of ${data.length} bytes`);
    const id = data.readBigInt64BE(0);
    const timeout = data.readInt32BE(8);
    const valid = this.zk.checkIfValidGlobalSession(id, timeout);
    if (valid) {
      try {
        this.zk.setOwner(id, handler);
      } catch {
        this.log.error(`Somehow session 0x${BigInt.asUintN(64, id).toString(16)} expired right after being renewed!`);
      }
    }
    const out = Buffer.alloc(9);
    out.writeBigInt64BE(id, 0);
    out.writeUInt8(valid ? 1 : 0, 8);
    handler.queuePacket(quorumPacket(PacketType.REVALIDATE, qp.zxid, out, qp.authinfo));
  }

  touch(sessionId: bigint, timeout: number): void {
    this.zk.touch(sessionId, timeout);
  }

  addLearnerHandler(h: LearnerHandler): void {
    this.learners.add(h);
  }

  removeLearnerHandler(h: LearnerHandler): void {
    this.learners.delete(h);
    this.forwardingFollowers.delete(h);
    this.observingLearners.delete(h);
  }

  /** Synced followers that vote / that do not (the leader's own mntr gauges). */
  votingFollowers(): LearnerHandler[] {
    return [...this.forwardingFollowers].filter((f) => this.isParticipant(f.sid));
  }

  get isShutDown(): boolean {
    return this.isShutdown;
  }

  /** Leader.shutdown: stop accepting, drop every learner, stop serving. */
  shutdown(reason: string): Promise<void> {
    if (this.shutdownDone) return this.shutdownDone;
    this.isShutdown = true;
    this.shutdownReason = reason;
    this.log.info({ reason }, 'Shutting down leader');
    this.shutdownDone = (async () => {
      this.ticker?.unsubscribe();
      this.startupSnapshot?.unsubscribe();
      const err = new Error(`leader shut down: ${reason}`);
      this.discovery.break(err);
      this.startupLatch.break(err);
      await this.cnxAcceptor.close();
      this.self.setZooKeeperServer(null);
      for (const f of [...this.learners]) f.shutdown();
      await this.zk.shutdown();
      this.resolveEnded();
    })();
    return this.shutdownDone;
  }
}
