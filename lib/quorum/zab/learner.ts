import type { QuorumPacket } from '../../jute/records/quorum';
import { LearnerInfo } from '../../jute/records/quorum';
import { encode } from '../../jute/codec';
import type { Request } from '../../server/request';
import type { ServerCnxnImpl } from '../../server/server-cnxn-impl';
import { deserializeTxn } from '../../persistence/txn-serde';
import type { TxnEntry } from '../../persistence/txn-log';
import type { QuorumPeer } from '../quorum-peer';
import type { LearnerZooKeeperServer } from './learner-zookeeper-server';
import { PacketType, packetTypeName, ZAB_PROTOCOL_VERSION } from './packet-types';
import { QuorumPacketChannel, quorumPacket } from './quorum-packet-channel';
import { encodeRequest } from './packet-encoding';
import { applySnapshotToDatabase, applyTxnToDatabase, truncateDatabase } from './learner-database';
import { FollowerZooKeeperServer, requestOf } from './follower-zookeeper-server';
import { ObserverZooKeeperServer } from './observer-zookeeper-server';
import { epochOf, makeZxid, zxidHex } from './zxid';

/** Learner.leaderConnectDelayDuringRetryMs: the longest pause between tries. */
const LEADER_CONNECT_DELAY_MS = 100;
/** The first pause; each try after it waits twice as long, up to the one above. */
const LEADER_CONNECT_FIRST_DELAY_MS = 5;

/**
 * ZooKeeper's Learner, what Follower and Observer share: connect to the leader,
 * register (FOLLOWERINFO / OBSERVERINFO → LEADERINFO → ACKEPOCH), sync (DIFF / TRUNC /
 * SNAP → NEWLEADER → UPTODATE), answer PINGs with session touches, and relay requests and
 * session revalidations.
 */
export abstract class Learner {
  channel: QuorumPacketChannel | null = null;
  readonly pendingRevalidations = new Map<bigint, ServerCnxnImpl>();
  leaderProtocolVersion = 0x01;
  /** The last proposal seen (Follower.lastQueued). */
  lastQueued = 0n;
  protected closed = false;

  constructor(
    readonly self: QuorumPeer,
    readonly zk: LearnerZooKeeperServer,
  ) {
    zk.learner = this;
  }

  protected get log() {
    return this.self.logger;
  }

  /**
   * Learner.connectToLeader, retrying for the whole initLimit budget (Java stops after 5
   * tries). A follower often leaves the election a few ms before its leader has bound
   * the quorum port (LearnerCnxAcceptor.bind), so the first refusal is usually a leader
   * about to listen: zoolab tries again after 5 ms, and backs off to Java's 100 ms. A
   * leader slow to start (a loaded machine) is waited for as long as it would wait for
   * us, rather than sending this follower back to an election it cannot win alone.
   */
  protected async connectToLeader(leaderId: number): Promise<void> {
    const address = this.self.quorumAddressOf(leaderId);
    if (!address) throw new Error(`Couldn't find the leader with id = ${leaderId}`);
    const budget = this.self.tickTime * this.self.initLimit;
    const started = this.self.clock.now();
    let delay = LEADER_CONNECT_FIRST_DELAY_MS;
    for (let tries = 0; ; tries++) {
      const remaining = budget - (this.self.clock.now() - started);
      if (remaining <= 0) throw new Error('connectToLeader exceeded on retries.');
      try {
        const conn = await this.self.transport.connectQuorum({ myId: this.self.myId, address, timeoutMs: remaining });
        this.channel = new QuorumPacketChannel(conn, this.self.clock, this.self.config.juteMaxBuffer);
        if (this.closed) this.channel.close();
        return;
      } catch (err) {
        if (this.closed) throw err;
        if (tries % 10 === 0) this.log.warn({ err: (err as Error).message, tries }, 'Unexpected exception connecting to the leader');
        await this.self.sleep(delay);
        delay = Math.min(delay * 2, LEADER_CONNECT_DELAY_MS);
      }
    }
  }

  /**
   * Follower.followLeader and Observer.observeLeader: connect, register, sync, then
   * process the leader's packets until it is lost (or this peer stops).
   */
  protected async runWithLeader(leaderId: number, infoType: number, role: string): Promise<void> {
    const self = this.self;
    self.setZabState('DISCOVERY');
    try {
      await this.connectToLeader(leaderId);
      const newLeaderZxid = await this.registerWithLeader(infoType);
      this.checkLeaderEpoch(newLeaderZxid);
      self.setZabState('SYNCHRONIZATION');
      await this.syncWithLeader(newLeaderZxid);
      self.setZabState('BROADCAST');
      if (!this.channel) throw new Error('not connected to the leader');
      await this.channel.readEach(this.syncTimeout, (qp) => this.processPacket(qp));
    } catch (err) {
      if (!this.closed) this.log.warn({ err: (err as Error).message }, `Exception when ${role} the leader`);
      this.channel?.close();
      this.pendingRevalidations.clear();
    }
  }

  /** What registering told us, checked before syncing (Follower's epoch check). */
  protected checkLeaderEpoch(_newLeaderZxid: bigint): void {}

  /** A packet of the broadcast phase (Follower.processPacket / Observer.processPacket). */
  protected abstract processPacket(qp: QuorumPacket): void;

  private get initTimeout(): number {
    return this.self.tickTime * this.self.initLimit;
  }

  protected get syncTimeout(): number {
    return this.self.tickTime * this.self.syncLimit;
  }

  protected read(timeoutMs: number): Promise<QuorumPacket> {
    if (!this.channel) return Promise.reject(new Error('not connected to the leader'));
    return this.channel.read(timeoutMs);
  }

  writePacket(qp: QuorumPacket): void {
    this.channel?.write(qp);
  }

  /** Learner.registerWithLeader: returns the new epoch's first zxid. */
  protected async registerWithLeader(pktType: number): Promise<bigint> {
    const self = this.self;
    const lastLoggedZxid = self.lastLoggedZxid;
    const li = new LearnerInfo({ serverid: BigInt(self.myId), protocolVersion: ZAB_PROTOCOL_VERSION, configVersion: self.verifier.version });
    this.writePacket(quorumPacket(pktType, makeZxid(self.acceptedEpoch, 0n), encode(li)));
    const qp = await this.read(this.initTimeout);
    const newEpoch = epochOf(qp.zxid);
    if (qp.type === PacketType.LEADERINFO) {
      this.leaderProtocolVersion = qp.data && qp.data.length >= 4 ? qp.data.readInt32BE(0) : 0;
      const epochBytes = Buffer.alloc(4);
      if (newEpoch > self.acceptedEpoch) {
        epochBytes.writeInt32BE(Number(BigInt.asIntN(32, self.currentEpoch)), 0);
        // Durable before it is acknowledged.
        await self.setAcceptedEpoch(newEpoch);
      } else if (newEpoch === self.acceptedEpoch) {
        // We already acked this epoch (and maybe went through sync): do not count us again.
        epochBytes.writeInt32BE(-1, 0);
      } else {
        throw new Error(`Leaders epoch, ${newEpoch} is less than accepted epoch, ${self.acceptedEpoch}`);
      }
      this.writePacket(quorumPacket(PacketType.ACKEPOCH, lastLoggedZxid, epochBytes));
      return makeZxid(newEpoch, 0n);
    }
    if (newEpoch > self.acceptedEpoch) await self.setAcceptedEpoch(newEpoch);
    if (qp.type !== PacketType.NEWLEADER) throw new Error('First packet should have been NEWLEADER');
    return qp.zxid;
  }

  /**
   * Learner.syncWithLeader. One deviation from 3.8.0, on purpose: a follower makes the
   * txns it was sent durable before it acks NEWLEADER (3.8.0 acked first and could lose
   * them in a crash right after, ZOOKEEPER-4394 / 4643).
   */
  protected async syncWithLeader(newLeaderZxid: bigint): Promise<void> {
    const self = this.self;
    const zk = this.zk;
    const db = zk.zkDb;
    const newEpoch = epochOf(newLeaderZxid);
    let snapshotNeeded = true;
    let syncSnapshot = false;
    let qp = await this.read(this.initTimeout);
    const packetsCommitted: bigint[] = [];
    const packetsNotCommitted: TxnEntry[] = [];
    if (qp.type === PacketType.DIFF) {
      this.log.info(`Getting a diff from the leader ${zxidHex(qp.zxid)}`);
      self.syncMode = 'DIFF';
      snapshotNeeded = false;
    } else if (qp.type === PacketType.SNAP) {
      self.syncMode = 'SNAP';
      this.log.info(`Getting a snapshot from leader ${zxidHex(qp.zxid)}`);
      // Restored into a tree of its own as it streams in; ours stays until it is all here.
      const snap = await this.channel!.readSnapshot(this.initTimeout, db.newTree());
      applySnapshotToDatabase(self, snap, qp.zxid);
      syncSnapshot = true;
    } else if (qp.type === PacketType.TRUNC) {
      self.syncMode = 'TRUNC';
      this.log.warn(`Truncating log to get in sync with the leader ${zxidHex(qp.zxid)}`);
      await truncateDatabase(self, qp.zxid);
      db.dataTree.lastProcessedZxid = qp.zxid;
    } else {
      throw new Error(`Got unexpected packet from leader: ${packetTypeName(qp.type)}`);
    }
    self.stats.lastSyncMode = self.syncMode;

    let isPreZAB1_0 = true;
    let writeToTxnLog = !snapshotNeeded;
    for (;;) {
      if (this.closed) throw new Error('learner shut down during sync');
      qp = await this.read(this.initTimeout);
      if (qp.type === PacketType.PROPOSAL) {
        const e = deserializeTxn(qp.data ?? Buffer.alloc(0), self.config.juteMaxBuffer, true);
        if (e.hdr.zxid !== this.lastQueued + 1n) this.log.debug(`Got zxid ${zxidHex(e.hdr.zxid)} expected ${zxidHex(this.lastQueued + 1n)}`);
        this.lastQueued = e.hdr.zxid;
        packetsNotCommitted.push(e);
      } else if (qp.type === PacketType.COMMIT || qp.type === PacketType.COMMITANDACTIVATE) {
        const pif = packetsNotCommitted[0];
        if (!writeToTxnLog) {
          if (!pif || pif.hdr.zxid !== qp.zxid) {
            this.log.warn(`Committing ${zxidHex(qp.zxid)}, but next proposal is ${pif ? zxidHex(pif.hdr.zxid) : 'none'}`);
          } else {
            applyTxnToDatabase(self, pif);
            packetsNotCommitted.shift();
          }
        } else {
          packetsCommitted.push(qp.zxid);
        }
      } else if (qp.type === PacketType.INFORM || qp.type === PacketType.INFORMANDACTIVATE) {
        const data = qp.type === PacketType.INFORMANDACTIVATE ? (qp.data ?? Buffer.alloc(8)).subarray(8) : (qp.data ?? Buffer.alloc(0));
        const e = deserializeTxn(data, self.config.juteMaxBuffer, true);
        this.lastQueued = e.hdr.zxid;
        if (!writeToTxnLog) {
          applyTxnToDatabase(self, e);
        } else {
          packetsNotCommitted.push(e);
          packetsCommitted.push(qp.zxid);
        }
      } else if (qp.type === PacketType.UPTODATE) {
        this.log.info('Learner received UPTODATE message');
        db.dataTree.digests.fuzzy = false;
        if (isPreZAB1_0) {
          await zk.takeSnapshot(syncSnapshot);
          await self.setCurrentEpoch(newEpoch);
        }
        break;
      } else if (qp.type === PacketType.NEWLEADER) {
        this.log.info('Learner received NEWLEADER message');
        db.dataTree.digests.fuzzy = false;
        if (snapshotNeeded) await zk.takeSnapshot(syncSnapshot);
        if (syncSnapshot && db.snapshots) {
          // The leader's snapshot, now durable, replaces everything our log held. Left in
          // place, that log would hold txns the snapshot dropped (never committed) and
          // lack the ones it brought; a leader reading it to DIFF someone would be wrong.
          await db.txnLog.truncate(0n);
        }
        await self.setCurrentEpoch(newEpoch);
        writeToTxnLog = true;
        isPreZAB1_0 = false;
        self.syncMode = 'NONE';
        await zk.startup();
        if (zk instanceof FollowerZooKeeperServer) {
          for (const p of packetsNotCommitted) zk.logRequest(p);
          packetsNotCommitted.length = 0;
          await db.commit();
        }
        this.writePacket(quorumPacket(PacketType.ACK, newLeaderZxid));
      } else if (qp.type === PacketType.PING) {
        // Java's syncWithLeader has no case for it: the leader pings every learner it
        // has started sending to, and one still syncing (taking its snapshot) skips them.
        this.log.debug('PING during sync');
      } else {
        this.log.warn(`unexpected packet during sync: ${packetTypeName(qp.type)}`);
      }
    }

    this.writePacket(quorumPacket(PacketType.ACK, makeZxid(newEpoch, 0n)));
    // ZooKeeperServer.startServing: clients may connect now.
    self.setZooKeeperServer(zk);
    self.updateElectionVote(newEpoch);
    if (zk instanceof FollowerZooKeeperServer) {
      for (const p of packetsNotCommitted) zk.logRequest(p);
      for (const zxid of packetsCommitted) zk.commit(zxid);
    } else if (zk instanceof ObserverZooKeeperServer) {
      for (const p of packetsNotCommitted) {
        const zxid = packetsCommitted[0];
        if (p.hdr.zxid !== zxid) {
          this.log.warn(`Committing ${zxid === undefined ? 'none' : zxidHex(zxid)}, but next proposal is ${zxidHex(p.hdr.zxid)}`);
          continue;
        }
        packetsCommitted.shift();
        zk.commitRequest(requestOf(p, self.clock.now()));
      }
    }
  }

  /** Learner.request: a client's write (or sync) goes to the leader. */
  request(r: Request): void {
    this.channel?.writeEncoded(encodeRequest(r));
  }

  /** Learner.validateSession: ask the leader whether a reconnecting client's session lives. */
  validateSession(cnxn: ServerCnxnImpl, clientId: bigint, timeout: number): void {
    this.log.info(`Revalidating client: 0x${BigInt.asUintN(64, clientId).toString(16)}`);
    const data = Buffer.alloc(12);
    data.writeBigInt64BE(BigInt.asIntN(64, clientId), 0);
    data.writeInt32BE(timeout, 8);
    this.pendingRevalidations.set(clientId, cnxn);
    this.writePacket(quorumPacket(PacketType.REVALIDATE, -1n, data));
  }

  /** Learner.revalidate: the leader's answer. */
  protected revalidate(qp: QuorumPacket): void {
    const d = qp.data ?? Buffer.alloc(0);
    if (d.length < 9) throw new Error(`REVALIDATE answer of ${d.length} bytes`);
    const sessionId = d.readBigInt64BE(0);
    const valid = d.readUInt8(8) !== 0;
    const cnxn = this.pendingRevalidations.get(sessionId);
    this.pendingRevalidations.delete(sessionId);
    if (!cnxn) {
      this.log.warn(`Missing session 0x${BigInt.asUintN(64, sessionId).toString(16)} for validation`);
      return;
    }
    this.zk.finishSessionInit(cnxn, valid);
  }

  /** Learner.ping: answer with the sessions touched since the last PING. */
  protected ping(qp: QuorumPacket): void {
    const touches = this.zk.getTouchSnapshot();
    const data = Buffer.alloc(touches.size * 12);
    let off = 0;
    for (const [id, timeout] of touches) {
      data.writeBigInt64BE(BigInt.asIntN(64, id), off);
      data.writeInt32BE(timeout, off + 8);
      off += 12;
    }
    this.writePacket(quorumPacket(qp.type, qp.zxid, data, qp.authinfo));
  }

  /** The logging pipeline failed: stop following. */
  shutdownFromServer(reason: string): void {
    this.log.error({ reason }, 'learner server failed; leaving the leader');
    this.channel?.close();
  }

  /** Learner.shutdown: stop serving, close the connection, stop the server. */
  async shutdown(): Promise<void> {
    this.closed = true;
    this.self.setZooKeeperServer(null);
    this.channel?.close();
    this.pendingRevalidations.clear();
    await this.zk.shutdown();
  }
}
