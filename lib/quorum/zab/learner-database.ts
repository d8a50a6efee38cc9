import { CreateSessionTxn } from '../../jute/records/txn';
import type { TxnEntry } from '../../persistence/txn-log';
import { OpCode } from '../../protocol/op-code';
import type { ZKDatabase } from '../../server/zk-database';
import type { CommittedLog } from './committed-log';
import type { LearnerSnapshot } from './learner-snapshot';
import { TxnLogTail } from './txn-log-tail';
import { zxidHex } from './zxid';
import { appliedEvent, type PeerEvent } from '../peer-events';

/** What these helpers need of the peer: its database and committed log. */
export interface PeerDatabase {
  readonly zkDb: ZKDatabase;
  readonly committedLog: CommittedLog;
  readonly logger: { info(o: unknown, m?: string): void; warn(o: unknown, m?: string): void };
  emit(e: PeerEvent): void;
  /** Settles when a snapshot written in the background (the leader's start-up one) is done. */
  backgroundSnapshot?(): Promise<void>;
}

/**
 * ZooKeeperServer.processTxn(hdr, txn) outside the chain (a learner applying what it is
 * synced with before it serves): session bookkeeping, the tree, the committed log.
 */
export function applyTxnToDatabase(p: PeerDatabase, e: TxnEntry, via: 'sync' | 'fastForward' = 'sync'): void {
  const db = p.zkDb;
  if (e.hdr.type === OpCode.createSession && e.txn instanceof CreateSessionTxn) db.sessionsWithTimeouts.set(e.hdr.clientId, e.txn.timeOut);
  else if (e.hdr.type === OpCode.closeSession) db.sessionsWithTimeouts.delete(e.hdr.clientId);
  db.processTxn(e.hdr, e.txn, e.digest ?? null);
  p.committedLog.add(e);
  p.emit(appliedEvent(e.hdr, via));
}

/** ZKDatabase.deserializeSnapshot + setlastProcessedZxid: the leader's tree replaces ours. */
export function applySnapshotToDatabase(p: PeerDatabase, snap: LearnerSnapshot, zxid: bigint): void {
  const db = p.zkDb;
  p.committedLog.clear();
  if (snap.tree !== null) {
    db.replaceTree(snap.tree);
  } else {
    db.clear();
    db.dataTree.restore(snap.acls, snap.nodes);
  }
  for (const [id, timeout] of snap.sessions) db.sessionsWithTimeouts.set(id, timeout);
  db.dataTree.lastProcessedZxid = zxid;
  // Until NEWLEADER the txns that follow may already be in it (DataTreeDigests.fuzzy).
  db.dataTree.digests.fuzzy = true;
  db.markInitialized();
  p.emit({ kind: 'reset', reason: 'snap', zxid });
}

/**
 * ZKDatabase.truncateLog: forget every txn after `zxid` (and the snapshots that hold
 * them), then load the database again from what is left.
 */
export async function truncateDatabase(p: PeerDatabase, zxid: bigint): Promise<void> {
  const db = p.zkDb;
  db.clear();
  p.committedLog.clear();
  await db.txnLog.truncate(zxid);
  if (db.snapshots) {
    // Named for a zxid past `zxid` perhaps, it must be on disk before the sweep below.
    await p.backgroundSnapshot?.();
    for (const s of await db.snapshots.list()) {
      if (s.zxid > zxid) {
        p.logger.warn({ snapshot: s.name }, `removing snapshot newer than the truncation point ${zxidHex(zxid)}`);
        await db.snapshots.remove(s);
      }
    }
  }
  await loadDatabase(p);
  p.emit({ kind: 'reset', reason: 'trunc', zxid });
}

/**
 * QuorumPeer.loadDataBase's restore, and the committed log refilled from the txns replayed
 * (ZKDatabase's PlayBackListener adds them as it replays).
 */
export async function loadDatabase(p: PeerDatabase): Promise<bigint> {
  const db = p.zkDb;
  const last = await db.loadDataBase();
  for (const s of db.getSessions()) if (!db.sessionsWithTimeouts.has(s)) db.killSession(s, db.lastProcessedZxid);
  await refillCommittedLog(p);
  return last;
}

async function refillCommittedLog(p: PeerDatabase): Promise<void> {
  const db = p.zkDb;
  const from = db.lastRestore?.snapshot?.zxid ?? 0n;
  p.committedLog.clear();
  for await (const e of db.txnLog.read(from)) {
    if (e.hdr.zxid > db.lastProcessedZxid) break;
    p.committedLog.add(e);
  }
}

/**
 * ZKDatabase.fastForwardDataBase, when a role ends: txns that were logged but never
 * applied (proposals whose COMMIT did not come) are applied, so the peer's last zxid is
 * its last logged one for the next election. They are taken from the peer's TxnLogTail
 * (txn-log-tail.ts) rather than read back from the log file; without one, from the file.
 */
export async function fastForwardDatabase(p: PeerDatabase): Promise<number> {
  const db = p.zkDb;
  let n = 0;
  if (db.txnLog instanceof TxnLogTail) {
    // Java's SyncRequestProcessor flushes what it was given when it shuts down, before
    // the log is read back: whatever the next vote claims must be durable.
    await db.txnLog.commit();
    for (const e of db.txnLog.unapplied(db.lastProcessedZxid)) {
      applyTxnToDatabase(p, e, 'fastForward');
      n++;
    }
  } else {
    for await (const e of db.txnLog.read(db.lastProcessedZxid)) {
      applyTxnToDatabase(p, e, 'fastForward');
      n++;
    }
  }
  if (n > 0) p.logger.info({ txns: n, zxid: zxidHex(db.lastProcessedZxid) }, 'fast-forwarded the database from the txn log');
  return n;
}
