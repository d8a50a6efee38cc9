import type { QuorumPacket } from '../../jute/records/quorum';
import type { QuorumConnection } from '../../transport/peer-transport';
import { LearnerType } from '../vote';
import type { Leader } from './leader';
import { LearnerRequest, LearnerSyncRequest } from './learner-request';
import { learnerSnapshotChunks, type LearnerSnapshotWriter } from './learner-snapshot';
import { planSync, type SyncPlan } from './learner-sync';
import { PacketType, packetTypeName, ZAB_PROTOCOL_VERSION } from './packet-types';
import { QuorumPacketChannel, quorumPacket } from './quorum-packet-channel';
import { readProposalsFromTxnLog } from './txn-log-proposals';
import { StateSummary } from './state-summary';
import { epochOf, makeZxid, zxidHex } from './zxid';
import { OpCode } from '../../protocol/op-code';

/**
 * A SNAP's snapshot is written this much at a time, each part once the connection can take
 * more (QuorumPacketChannel.writable). Serialized whole first, a 250k-znode tree held a
 * leader's event loop for ~1 s, and all of it sat in the socket's queue at once.
 */
const SNAP_STREAM_STEP_BYTES = 1024 * 1024;

/**
 * LearnerHandler.SyncLimitCheck: the oldest unacknowledged proposal sent to this learner
 * must be acked within syncLimit ticks, or the leader drops the learner.
 */
class SyncLimitCheck {
  started = false;
  private currentZxid = 0n;
  private currentTime = 0;
  private nextZxid = 0n;
  private nextTime = 0;

  updateProposal(zxid: bigint, time: number): void {
    if (!this.started) return;
    if (this.currentTime === 0) {
      this.currentTime = time;
      this.currentZxid = zxid;
    } else {
      this.nextTime = time;
      this.nextZxid = zxid;
    }
  }

  updateAck(zxid: bigint): void {
    if (this.currentZxid === zxid) {
      this.currentTime = this.nextTime;
      this.currentZxid = this.nextZxid;
      this.nextTime = 0;
      this.nextZxid = 0n;
    } else if (this.nextZxid === zxid) {
      this.nextTime = 0;
      this.nextZxid = 0n;
    }
  }

  check(now: number, syncTimeout: number): boolean {
    return this.currentTime === 0 || now - this.currentTime < syncTimeout;
  }
}

/**
 * LearnerHandler: the leader's side of one learner connection. It reads FOLLOWERINFO /
 * OBSERVERINFO, agrees on the epoch, syncs the learner (DIFF, TRUNC or SNAP, then
 * NEWLEADER), waits for its ACK, sends UPTODATE, and then serves it: ACKs, PINGs with
 * session touches, REVALIDATEs and forwarded REQUESTs.
 */
export class LearnerHandler {
  sid = 0;
  version = 0x1;
  learnerType = LearnerType.PARTICIPANT;
  tickOfNextAckDeadline = 0;
  lastZxid = -1n;
  requestsReceived = 0;
  syncMode: SyncPlan['mode'] | null = null;
  readonly established: number;
  readonly channel: QuorumPacketChannel;
  private readonly queued: QuorumPacket[] = [];
  private sendingStarted = false;
  private closed = false;
  private readonly syncLimitCheck = new SyncLimitCheck();

  constructor(
    conn: QuorumConnection,
    private readonly leader: Leader,
  ) {
    this.channel = new QuorumPacketChannel(conn, leader.self.clock, leader.self.config.juteMaxBuffer);
    this.established = leader.self.clock.now();
  }

  private get self() {
    return this.leader.self;
  }

  get remoteAddress(): string {
    return this.channel.conn.remoteAddress;
  }

  isAlive(): boolean {
    return !this.closed;
  }

  /** LearnerHandler.synced: alive and acked within syncLimit ticks. */
  synced(): boolean {
    return this.isAlive() && this.leader.tick <= this.tickOfNextAckDeadline;
  }

  async run(): Promise<void> {
    const leader = this.leader;
    const log = this.self.logger;
    leader.addLearnerHandler(this);
    this.tickOfNextAckDeadline = leader.getTickOfInitialAckDeadline();
    const initTimeout = this.self.initLimit * this.self.tickTime;
    try {
      const info = await this.channel.read(initTimeout);
      if (info.type !== PacketType.FOLLOWERINFO && info.type !== PacketType.OBSERVERINFO) {
        log.error(`First packet ${packetTypeName(info.type)} is not FOLLOWERINFO or OBSERVERINFO!`);
        return;
      }
      this.readLearnerInfo(info);
      if (info.type === PacketType.OBSERVERINFO) this.learnerType = LearnerType.OBSERVER;

      const lastAcceptedEpoch = epochOf(info.zxid);
      const newEpoch = await leader.getEpochToPropose(this.sid, lastAcceptedEpoch);
      const newLeaderZxid = makeZxid(newEpoch, 0n);
      let ss: StateSummary;
      if (this.version < ZAB_PROTOCOL_VERSION) {
        ss = new StateSummary(epochOf(info.zxid), info.zxid);
      } else {
        const ver = Buffer.alloc(4);
        ver.writeInt32BE(ZAB_PROTOCOL_VERSION, 0);
        this.channel.write(quorumPacket(PacketType.LEADERINFO, newLeaderZxid, ver));
        const ackEpoch = await this.channel.read(initTimeout);
        if (ackEpoch.type !== PacketType.ACKEPOCH) {
          log.error(`${packetTypeName(ackEpoch.type)} is not ACKEPOCH`);
          return;
        }
        const data = ackEpoch.data ?? Buffer.alloc(0);
        if (data.length < 4) throw new Error(`ACKEPOCH with ${data.length} bytes of data`);
        ss = new StateSummary(BigInt(data.readInt32BE(0)), ackEpoch.zxid);
      }
      await leader.waitForEpochAck(this.sid, ss);
      if (this.closed) return;

      const needSnap = await this.syncFollower(ss.lastZxid);
      if (this.closed) return;
      if (this.version < ZAB_PROTOCOL_VERSION) {
        this.channel.write(quorumPacket(PacketType.NEWLEADER, newLeaderZxid));
      } else {
        this.queued.push(quorumPacket(PacketType.NEWLEADER, newLeaderZxid, Buffer.from(this.self.verifier.toString())));
      }
      this.startSendingPackets();
      // ServerMetrics' SNAP_COUNT and DIFF_COUNT: anything but a SNAP (a TRUNC too) is a diff.
      if (needSnap) this.self.stats.snapSyncs++;
      else this.self.stats.diffSyncs++;

      const ack = await this.channel.read(initTimeout);
      if (ack.type !== PacketType.ACK) {
        log.error(`Next packet was supposed to be an ACK, but received packet: ${packetTypeName(ack.type)}`);
        return;
      }
      await leader.waitForNewLeaderAck(this.sid, ack.zxid);
      this.syncLimitCheck.started = true;
      await leader.waitForStartup();
      if (this.closed) return;
      this.queuePacket(quorumPacket(PacketType.UPTODATE, -1n));
      await this.serve();
    } catch (err) {
      if (!this.closed) log.warn({ sid: this.sid, err: (err as Error).message }, 'Unexpected exception in LearnerHandler');
    } finally {
      log.info({ sid: this.sid, remote: this.remoteAddress }, '******* GOODBYE *******');
      this.shutdown();
    }
  }

  /** LearnerInfo: sid (long), protocolVersion (int), configVersion (long); older learners send less. */
  private readLearnerInfo(info: QuorumPacket): void {
    const d = info.data;
    if (d === null) {
      this.sid = this.self.nextAnonymousLearnerId();
      return;
    }
    if (d.length >= 8) this.sid = Number(d.readBigInt64BE(0));
    if (d.length >= 12) this.version = d.readInt32BE(8);
    if (d.length >= 20) {
      const configVersion = d.readBigInt64BE(12);
      if (configVersion > this.self.verifier.version) throw new Error('Follower is ahead of the leader (has a later activated configuration)');
    }
  }

  /** The broadcast phase: the learner's packets, each as it comes, until it goes away. */
  private serve(): Promise<never> {
    const leader = this.leader;
    return this.channel.readEach(leader.syncTimeout(), (qp) => {
      if (this.closed) return;
      this.tickOfNextAckDeadline = leader.getTickOfNextAckDeadline();
      switch (qp.type) {
        case PacketType.ACK:
          if (this.learnerType === LearnerType.OBSERVER) break;
          this.syncLimitCheck.updateAck(qp.zxid);
          leader.processAck(this.sid, qp.zxid);
          break;
        case PacketType.PING: {
          const d = qp.data ?? Buffer.alloc(0);
          for (let off = 0; off + 12 <= d.length; off += 12) leader.touch(d.readBigInt64BE(off), d.readInt32BE(off + 8));
          break;
        }
        case PacketType.REVALIDATE:
          leader.revalidateSession(qp, this);
          break;
        case PacketType.REQUEST:
          this.request(qp);
          break;
        default:
          this.self.logger.warn(`unexpected quorum packet, type: ${packetTypeName(qp.type)}`);
      }
    });
  }

  private request(qp: QuorumPacket): void {
    const d = qp.data ?? Buffer.alloc(0);
    if (d.length < 16) throw new Error(`REQUEST packet of ${d.length} bytes`);
    const sessionId = d.readBigInt64BE(0);
    const cxid = d.readInt32BE(8);
    const type = d.readInt32BE(12);
    // A view: the packet's data was copied out of the stream when it was read.
    const body = d.subarray(16);
    const now = this.self.clock.now();
    const auth = qp.authinfo ?? [];
    const si =
      type === OpCode.sync
        ? new LearnerSyncRequest(this, sessionId, cxid, type, body, auth, now)
        : new LearnerRequest(this, sessionId, cxid, type, body, auth, now);
    this.requestsReceived++;
    this.leader.zk.submitLearnerRequest(si);
  }

  /**
   * LearnerHandler.syncFollower: queue what brings the learner from `peerLastZxid` to the
   * leader's history, and start forwarding. Everything after the txn-log read runs without
   * yielding, so no commit falls between the plan and startForwarding, nor between that and
   * the start of a SNAP's snapshot. The snapshot is then streamed while the leader goes on
   * committing, fuzzy as Java's (its LearnerHandler serializes on its own thread); the
   * txns forwarded from its zxid wait in `queued`, so the learner gets them after it.
   */
  private async syncFollower(peerLastZxid: bigint): Promise<boolean> {
    const self = this.self;
    const db = this.leader.zk.zkDb;
    const committed = [...self.committedLog];
    const min = committed.length ? committed[0].zxid : db.lastProcessedZxid;
    let txnLogProposals = null;
    if (peerLastZxid < min && self.txnLogSyncEnabled) {
      txnLogProposals = await readProposalsFromTxnLog(db.txnLog, peerLastZxid, self.txnLogSyncLimit);
    }
    if (this.closed) return false;
    const plan = planSync(peerLastZxid, {
      committedLog: [...self.committedLog],
      lastProcessedZxid: db.lastProcessedZxid,
      txnLogProposals,
      forceSnap: self.forceSnapSync,
    });
    this.syncMode = plan.mode;
    self.logger.info(
      { sid: this.sid, mode: plan.mode, peerLastZxid: zxidHex(peerLastZxid), reason: plan.reason },
      `Synchronizing with learner sid: ${this.sid} by ${plan.mode}`,
    );
    for (const p of plan.packets) this.queuePacket(p);
    if (plan.mode !== 'SNAP') {
      this.leader.startForwarding(this, plan.currentZxid);
      return false;
    }
    const snapshot = learnerSnapshotChunks(db.dataTree, db.sessionsWithTimeouts);
    this.leader.startForwarding(this, snapshot.zxid);
    this.channel.write(quorumPacket(PacketType.SNAP, snapshot.zxid));
    await this.streamSnapshot(snapshot, self.initLimit * self.tickTime);
    return true;
  }

  /**
   * Writes a SNAP's payload a step at a time, each once the connection can take it. A
   * learner that takes nothing for `timeoutMs` (initLimit ticks, as each read waits) is
   * dropped: left waiting, the handler would queue every txn forwarded to it for good.
   */
  private async streamSnapshot(snapshot: LearnerSnapshotWriter, timeoutMs: number): Promise<void> {
    const clock = this.self.clock;
    const started = clock.now();
    let bytes = 0;
    let step = 0;
    for (let r = snapshot.chunks.next(); !r.done; r = snapshot.chunks.next()) {
      this.channel.writeRaw(r.value);
      bytes += r.value.length;
      step += r.value.length;
      if (step < SNAP_STREAM_STEP_BYTES) continue;
      step = 0;
      if (!(await this.channel.writable(timeoutMs))) {
        this.self.logger.warn({ sid: this.sid, timeoutMs }, `Learner sid: ${this.sid} took no snapshot bytes for ${timeoutMs} ms, closing`);
        this.shutdown();
        return;
      }
      // A learner gone mid-stream: run's next read finds the connection ended.
      if (this.closed || !this.channel.isOpen) return;
    }
    const sent = { zxid: snapshot.zxid, zxidAtEnd: this.leader.zk.zkDb.lastProcessedZxid, bytes, ms: clock.now() - started };
    this.self.stats.lastSnapSent = sent;
    this.self.logger.info(
      { sid: this.sid, zxid: zxidHex(sent.zxid), zxidAtEnd: zxidHex(sent.zxidAtEnd), bytes, ms: sent.ms },
      `Sent snapshot ${zxidHex(sent.zxid)} to learner sid: ${this.sid}`,
    );
  }

  /** `encoded`: the packet's bytes, when the leader encoded one broadcast once for every learner. */
  queuePacket(qp: QuorumPacket, encoded?: Buffer): void {
    if (this.closed) return;
    if (!this.sendingStarted) this.queued.push(qp);
    else this.send(qp, encoded);
  }

  private startSendingPackets(): void {
    this.sendingStarted = true;
    for (const qp of this.queued.splice(0)) this.send(qp);
  }

  private send(qp: QuorumPacket, encoded?: Buffer): void {
    if (qp.type === PacketType.PROPOSAL) this.syncLimitCheck.updateProposal(qp.zxid, this.self.clock.now());
    if (qp.zxid > 0n) this.lastZxid = qp.zxid;
    this.channel.write(qp, encoded);
  }

  /** LearnerHandler.ping: a PING, or goodbye if the learner sits on a proposal too long. */
  ping(): void {
    if (!this.sendingStarted || this.closed) return;
    if (this.syncLimitCheck.check(this.self.clock.now(), this.leader.syncTimeout())) {
      this.queuePacket(quorumPacket(PacketType.PING, this.leader.lastProposed));
    } else {
      this.self.logger.warn({ sid: this.sid }, 'Closing connection to peer due to transaction timeout.');
      this.shutdown();
    }
  }

  shutdown(): void {
    if (this.closed) return;
    this.closed = true;
    this.queued.length = 0;
    this.channel.close();
    this.leader.removeLearnerHandler(this);
  }

  /** LearnerHandler.getLearnerHandlerInfo, for the leader's reports. */
  info(): Record<string, unknown> {
    return {
      remote_socket_address: this.remoteAddress,
      sid: this.sid,
      established: this.established,
      queued_packets: this.queued.length,
      packets_received: this.channel.packetsReceived,
      packets_sent: this.channel.packetsSent,
      requests: this.requestsReceived,
      last_zxid: this.lastZxid,
    };
  }
}
