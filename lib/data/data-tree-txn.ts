import { decode } from '../jute/codec';
import { JuteError } from '../jute/errors';
import { Stat } from '../jute/records/data';
import {
  CheckVersionTxn,
  CloseSessionTxn,
  CreateContainerTxn,
  CreateTTLTxn,
  CreateTxn,
  DeleteTxn,
  ErrorTxn,
  MultiTxn,
  SetACLTxn,
  SetDataTxn,
  Txn,
  TxnHeader,
} from '../jute/records/txn';
import type { JuteRecord, RecordClass } from '../jute/types';
import { Code, KeeperException } from '../protocol/keeper-exception';
import { OpCode } from '../protocol/op-code';
import type { DataTree } from './data-tree';
import { CONTAINER_EPHEMERAL_OWNER, ttlToEphemeralOwner } from './ephemeral-type';
import { PreppedTxn } from './prepped-txn';

/**
 * DataTree.ProcessTxnResult: what applying a txn did, for FinalRequestProcessor to
 * answer with. err is a KeeperException code (0 when it worked); a multi carries one
 * result per sub-txn and the first non-zero sub err as its own.
 */
export class ProcessTxnResult {
  clientId = 0n;
  cxid = 0;
  zxid = 0n;
  err = 0;
  type = 0;
  path: string | null = null;
  stat: Stat | null = null;
  multiResult: ProcessTxnResult[] | null = null;

  /** Results are the same request when clientId and cxid are. */
  equals(o: ProcessTxnResult): boolean {
    return o.clientId === this.clientId && o.cxid === this.cxid;
  }
}

/** A multi sub-txn of a type that cannot be in a multi (Java's IOException). */
export class InvalidSubTxnError extends Error {
  override name = 'InvalidSubTxnError';
  constructor(readonly type: number) {
    super(`Invalid type of op: ${type}`);
  }
}

const SUB_TXN_RECORDS = new Map<number, RecordClass<any>>([
  [OpCode.create, CreateTxn],
  [OpCode.create2, CreateTxn],
  [OpCode.createTTL, CreateTTLTxn],
  [OpCode.createContainer, CreateContainerTxn],
  [OpCode.delete, DeleteTxn],
  [OpCode.deleteContainer, DeleteTxn],
  [OpCode.setData, SetDataTxn],
  [OpCode.error, ErrorTxn],
  [OpCode.check, CheckVersionTxn],
]);

/** DataTree.processTxn(header, txn, isSubTxn). */
export function applyTxn(tree: DataTree, header: TxnHeader, txn: JuteRecord | null, isSubTxn: boolean): ProcessTxnResult {
  const rc = new ProcessTxnResult();
  rc.clientId = header.clientId;
  rc.cxid = header.cxid;
  rc.zxid = header.zxid;
  rc.type = header.type;
  try {
    apply(tree, header, txn, rc);
  } catch (e) {
    if (e instanceof KeeperException) {
      tree.log.debug(`Failed: ${header}:${txn}: ${e.message}`);
      rc.err = e.code;
    } else if (e instanceof JuteError || e instanceof InvalidSubTxnError) {
      tree.log.debug(`Failed: ${header}:${txn}: ${(e as Error).message}`);
    } else {
      throw e;
    }
  }

  // A create replayed onto a node a fuzzy snapshot already holds (deleted by a session
  // close and re-created by another session after the parent was written): the parent's
  // cversion and pzxid must still move, as they did on the leader.
  if (header.type === OpCode.create && rc.err === Code.NODEEXISTS && rc.path !== null) {
    tree.log.debug(`Adjusting parent cversion for Txn: ${header.type} path: ${rc.path} err: ${rc.err}`);
    const parentName = rc.path.substring(0, rc.path.lastIndexOf('/'));
    try {
      tree.setCversionPzxid(parentName, (txn as CreateTxn).parentCVersion, header.zxid);
    } catch (e) {
      if (!(e instanceof KeeperException)) throw e;
      tree.log.error(`Failed to set parent cversion for: ${parentName}`);
      rc.err = e.code;
    }
  } else if (rc.err !== Code.OK) {
    tree.log.debug(`Ignoring processTxn failure hdr: ${header.type} : error: ${rc.err}`);
  }

  // Only whole txns move lastProcessedZxid: a snapshot must never include half a multi.
  if (!isSubTxn) tree.txnApplied(rc.zxid);
  return rc;
}

function apply(tree: DataTree, header: TxnHeader, txn: JuteRecord | null, rc: ProcessTxnResult): void {
  const zxid = header.zxid;
  const time = header.time;
  switch (header.type) {
    case OpCode.create:
    case OpCode.create2: {
      const t = txn as CreateTxn;
      rc.path = t.path;
      const stat = header.type === OpCode.create2 ? new Stat() : null;
      const owner = t.ephemeral ? header.clientId : 0n;
      tree.createNode(t.path!, t.data, t.acl, owner, t.parentCVersion, zxid, time, stat);
      rc.stat = stat;
      return;
    }
    case OpCode.createTTL: {
      const t = txn as CreateTTLTxn;
      rc.path = t.path;
      const stat = new Stat();
      tree.createNode(t.path!, t.data, t.acl, ttlToEphemeralOwner(t.ttl), t.parentCVersion, zxid, time, stat);
      rc.stat = stat;
      return;
    }
    case OpCode.createContainer: {
      const t = txn as CreateContainerTxn;
      rc.path = t.path;
      const stat = new Stat();
      tree.createNode(t.path!, t.data, t.acl, CONTAINER_EPHEMERAL_OWNER, t.parentCVersion, zxid, time, stat);
      rc.stat = stat;
      return;
    }
    case OpCode.delete:
    case OpCode.deleteContainer: {
      const t = txn as DeleteTxn;
      rc.path = t.path;
      tree.deleteNode(t.path!, zxid);
      return;
    }
    case OpCode.reconfig:
    case OpCode.setData: {
      const t = txn as SetDataTxn;
      rc.path = t.path;
      rc.stat = tree.setData(t.path!, t.data, t.version, zxid, time);
      return;
    }
    case OpCode.setACL: {
      const t = txn as SetACLTxn;
      rc.path = t.path;
      rc.stat = tree.setACL(t.path!, t.acl, t.version);
      return;
    }
    case OpCode.closeSession: {
      const list = txn === null ? null : (txn as CloseSessionTxn).paths2Delete;
      const paths = list === null ? null : list.filter((p): p is string => p !== null);
      tree.killSession(header.clientId, zxid, paths);
      return;
    }
    case OpCode.error:
      rc.err = (txn as ErrorTxn).err;
      return;
    case OpCode.check:
      rc.path = (txn as CheckVersionTxn).path;
      return;
    case OpCode.multi:
      applyMulti(tree, header, txn as MultiTxn, rc);
      return;
    default:
      // createSession and anything else change nothing in the tree.
      return;
  }
}

/**
 * Prep's records that applying a multi on the server that prepped it takes as they are
 * (a PreppedTxn's), instead of decoding each op back out of its bytes: those whose decode
 * is the identity. Their strings are paths prep validated (no lone surrogates for UTF-8 to
 * replace), unlike a create's ACL ids.
 */
const REUSABLE: ReadonlyArray<RecordClass<any>> = [SetDataTxn, DeleteTxn, CheckVersionTxn, ErrorTxn];

function subTxnRecord(recordClass: RecordClass<any>, sub: Txn): JuteRecord {
  if (sub instanceof PreppedTxn && sub.record.constructor === recordClass && REUSABLE.includes(recordClass)) return sub.record;
  // Sub-txn bytes are never reused (copied out of the multi, encoded by prep, or a view of
  // a proposal's own bytes), so a value may stay a view of them.
  return decode(recordClass, sub.data ?? Buffer.alloc(0), { shareBuffers: true });
}

/**
 * A multi is all or nothing. A failed one was logged with the failing op as an error txn
 * (carrying its code) and every later op as error RUNTIMEINCONSISTENCY; here every earlier
 * op becomes error 0 (OK), so nothing is applied and each op reports its part.
 */
function applyMulti(tree: DataTree, header: TxnHeader, multi: MultiTxn, rc: ProcessTxnResult): void {
  const txns = multi.txns ?? [];
  rc.multiResult = [];
  const failed = txns.some((t) => t.type === OpCode.error);
  let postFailed = false;
  for (let i = 0; i < txns.length; i++) {
    const sub = txns[i];
    const recordClass = SUB_TXN_RECORDS.get(sub.type);
    if (recordClass === undefined) throw new InvalidSubTxnError(sub.type);
    if (sub.type === OpCode.error) postFailed = true;
    let type = sub.type;
    let record: JuteRecord = subTxnRecord(recordClass, sub);
    if (failed && type !== OpCode.error) {
      type = OpCode.error;
      record = new ErrorTxn({ err: postFailed ? Code.RUNTIMEINCONSISTENCY : Code.OK });
    }
    const subHdr = new TxnHeader({
      clientId: header.clientId,
      cxid: header.cxid,
      zxid: header.zxid,
      time: header.time,
      type,
    });
    const subRc = applyTxn(tree, subHdr, record, true);
    rc.multiResult.push(subRc);
    if (subRc.err !== 0 && rc.err === 0) rc.err = subRc.err;
  }
}

/**
 * DataTree.killSession: deletes the paths the closeSession txn names, then any other
 * ephemeral the session still had here (that should not happen: it is logged).
 */
export function killSession(
  tree: DataTree,
  session: bigint,
  zxid: bigint,
  paths2DeleteInTxn: readonly string[] | null,
): void {
  const local = tree.ephemerals.takeSession(session);
  if (paths2DeleteInTxn !== null) deleteNodes(tree, session, zxid, paths2DeleteInTxn);
  if (local === undefined) return;
  if (paths2DeleteInTxn !== null) {
    for (const p of paths2DeleteInTxn) local.delete(p);
    if (local.size > 0) {
      tree.log.warn(
        `Unexpected extra paths under session ${[...local].join(', ')} which are not in txn 0x${hex(zxid)}`,
      );
    }
  }
  deleteNodes(tree, session, zxid, local);
}

function deleteNodes(tree: DataTree, session: bigint, zxid: bigint, paths: Iterable<string>): void {
  for (const path of [...paths]) {
    try {
      tree.deleteNode(path, zxid);
    } catch (e) {
      if (!(e instanceof KeeperException) || e.code !== Code.NONODE) throw e;
      tree.log.warn(`Ignoring NoNodeException for path ${path} while removing ephemeral for dead session 0x${hex(session)}`);
    }
  }
}

function hex(v: bigint): string {
  return BigInt.asUintN(64, v).toString(16);
}
