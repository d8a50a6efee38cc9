import { EphemeralType, ephemeralTypeOf } from '../../data/ephemeral-type';
import type { ACL } from '../../jute/records/data';
import {
  CheckVersionRequest,
  CreateRequest,
  CreateTTLRequest,
  DeleteRequest,
  SetACLRequest,
  SetDataRequest,
} from '../../jute/records/proto';
import { CheckVersionTxn, CloseSessionTxn, CreateSessionTxn, DeleteTxn, SetACLTxn, SetDataTxn, TxnHeader } from '../../jute/records/txn';
import { Code, KeeperException } from '../../protocol/keeper-exception';
import { OpCode } from '../../protocol/op-code';
import { Perms } from '../../protocol/zoo-defs';
import type { Request } from '../request';
import { checkACL, fixupACL } from './acl-check';
import { ChangeRecord } from './change-record';
import { DigestOp, type PrepChanges } from './prep-changes';
import { prepCreate } from './prep-create';
import { MarshallingError, required } from './prep-errors';
import { getParentPathAndValidate, validatePathOrBadArguments } from './prep-paths';
import type { ProcessorContext } from './processor-context';
import { txnTime } from './txn-time';

/** The request record of an op: decoded lazily so that, as in Java, session checks come first. */
export type RecordSource<R> = () => R;

/** PrepRequestProcessor.checkAndIncVersion: -1 matches any version. */
export function checkAndIncVersion(currentVersion: number, expectedVersion: number, path: string): number {
  if (expectedVersion !== -1 && expectedVersion !== currentVersion) throw new KeeperException(Code.BADVERSION, path);
  return (currentVersion + 1) | 0;
}

/**
 * PrepRequestProcessor.pRequest2Txn: sets request.hdr (if not yet set) and request.txn
 * for one write op, validating it against the tree and outstanding changes and adding
 * change records. Throws KeeperException for the client's error; anything else is a
 * marshalling failure.
 */
export function pRequest2Txn(
  ctx: ProcessorContext,
  changes: PrepChanges,
  type: number,
  zxid: bigint,
  request: Request,
  record: RecordSource<unknown>,
): void {
  if (request.hdr === null) {
    request.hdr = new TxnHeader({
      clientId: request.sessionId,
      cxid: request.cxid,
      zxid,
      time: txnTime(ctx.clock),
      type,
    });
  }
  const hdr = request.hdr;
  const owner = ctx.ownerOf(request);
  const sessions = ctx.sessionTracker;
  const providers = ctx.authProviders;
  const skipACL = ctx.config.skipACL;

  switch (type) {
    case OpCode.create:
    case OpCode.create2:
    case OpCode.createTTL:
    case OpCode.createContainer:
      prepCreate(ctx, changes, type, request, record() as CreateRequest | CreateTTLRequest);
      break;

    case OpCode.deleteContainer: {
      // The container manager names the node by its bare path bytes.
      const path = request.body.toString('utf8');
      const parentPath = getParentPathAndValidate(ctx.dataTree, path);
      const nodeRecord = changes.getRecordForPath(path);
      if (nodeRecord.childCount > 0) throw new KeeperException(Code.NOTEMPTY, path);
      if (ephemeralTypeOf(nodeRecord.stat!.ephemeralOwner, ctx.config.extendedTypesEnabled) === EphemeralType.NORMAL) {
        throw new KeeperException(Code.BADVERSION, path);
      }
      const parentRecord = changes.getRecordForPath(parentPath);
      request.txn = new DeleteTxn({ path });
      prepDelete(changes, request, path, parentPath, parentRecord);
      break;
    }

    case OpCode.delete: {
      sessions.checkSession(request.sessionId, owner);
      const req = record() as DeleteRequest;
      const path = required(req.path, 'path');
      const parentPath = getParentPathAndValidate(ctx.dataTree, path);
      const parentRecord = changes.getRecordForPath(parentPath);
      checkACL(providers, parentRecord.acl, Perms.DELETE, request.authInfo, skipACL);
      const nodeRecord = changes.getRecordForPath(path);
      checkAndIncVersion(nodeRecord.stat!.version, req.version, path);
      if (nodeRecord.childCount > 0) throw new KeeperException(Code.NOTEMPTY, path);
      request.txn = new DeleteTxn({ path });
      prepDelete(changes, request, path, parentPath, parentRecord);
      break;
    }

    case OpCode.setData: {
      sessions.checkSession(request.sessionId, owner);
      const req = record() as SetDataRequest;
      const path = req.path;
      validatePathOrBadArguments(path);
      const nodeRecord = changes.getRecordForPath(path!);
      checkACL(providers, nodeRecord.acl, Perms.WRITE, request.authInfo, skipACL);
      ctx.dataTree.checkQuota(path!, nodeRecord.data, req.data, OpCode.setData);
      const newVersion = checkAndIncVersion(nodeRecord.stat!.version, req.version, path!);
      request.txn = new SetDataTxn({ path, data: req.data, version: newVersion });
      const updated = nodeRecord.duplicate(hdr.zxid);
      updated.stat!.version = newVersion;
      updated.stat!.mtime = hdr.time;
      updated.stat!.mzxid = zxid;
      updated.data = req.data;
      updated.digest = changes.precalculateUpdate(nodeRecord, updated.data, updated.stat!);
      changes.setTxnDigest(request, updated.digest);
      changes.add(updated);
      break;
    }

    case OpCode.reconfig:
      if (!ctx.config.reconfigEnabled) throw new KeeperException(Code.RECONFIGDISABLED);
      sessions.checkSession(request.sessionId, owner);
      // A standalone server cannot reconfigure (Java: the server is no LeaderZooKeeperServer).
      throw new KeeperException(Code.UNIMPLEMENTED);

    case OpCode.setACL: {
      sessions.checkSession(request.sessionId, owner);
      const req = record() as SetACLRequest;
      const path = req.path;
      validatePathOrBadArguments(path);
      const listACL: ACL[] = fixupACL(providers, path, request.authInfo, req.acl);
      const nodeRecord = changes.getRecordForPath(path!);
      checkACL(providers, nodeRecord.acl, Perms.ADMIN, request.authInfo, skipACL);
      const newVersion = checkAndIncVersion(nodeRecord.stat!.aversion, req.version, path!);
      request.txn = new SetACLTxn({ path, acl: listACL, version: newVersion });
      // As in Java the record keeps the old ACL: later prepped requests check against it.
      const updated = nodeRecord.duplicate(hdr.zxid);
      updated.stat!.aversion = newVersion;
      updated.digest = changes.precalculateUpdate(nodeRecord, updated.data, updated.stat!);
      changes.setTxnDigest(request, updated.digest);
      changes.add(updated);
      break;
    }

    case OpCode.createSession: {
      if (request.body.length < 4) throw new MarshallingError('createSession without a timeout');
      const timeOut = request.body.readInt32BE(0);
      request.txn = new CreateSessionTxn({ timeOut });
      sessions.trackSession(request.sessionId, timeOut);
      sessions.setOwner(request.sessionId, owner);
      break;
    }

    case OpCode.closeSession: {
      // No checkSession: expiry submits this without being the owner.
      const es = ctx.dataTree.getEphemerals(request.sessionId);
      for (const c of changes.outstanding) {
        if (c.stat === null) es.delete(c.path);
        else if (c.stat.ephemeralOwner === request.sessionId) es.add(c.path);
      }
      for (const path2Delete of es) {
        if (changes.digestEnabled) {
          const parentPath = getParentPathAndValidate(ctx.dataTree, path2Delete);
          const parentRecord = changes.getRecordForPath(parentPath);
          const parent = parentRecord.duplicate(hdr.zxid);
          parent.stat!.pzxid = hdr.zxid;
          parent.digest = changes.precalculateUpdate(parentRecord, parent.data, parent.stat!);
          changes.add(parent);
        }
        const node = new ChangeRecord(hdr.zxid, path2Delete, null, 0, null);
        node.digest = changes.precalculate(DigestOp.REMOVE, path2Delete);
        changes.add(node);
      }
      if (ctx.config.closeSessionTxnEnabled ?? true) request.txn = new CloseSessionTxn({ paths2Delete: [...es] });
      sessions.setSessionClosing(request.sessionId);
      break;
    }

    case OpCode.check: {
      sessions.checkSession(request.sessionId, owner);
      const req = record() as CheckVersionRequest;
      const path = req.path;
      validatePathOrBadArguments(path);
      const nodeRecord = changes.getRecordForPath(path!);
      checkACL(providers, nodeRecord.acl, Perms.READ, request.authInfo, skipACL);
      request.txn = new CheckVersionTxn({ path, version: checkAndIncVersion(nodeRecord.stat!.version, req.version, path!) });
      break;
    }

    default:
      // Java logs "unknown type" and leaves txn as it was (a read op in a multi; the
      // multi then fails to serialize it).
      ctx.logger?.warn(`unknown type ${type}`);
      break;
  }

  if (request.digest === null && changes.digestEnabled) changes.setCurrentTxnDigest(request);
}

/** The change records of a delete: the parent loses a child, the node is gone. */
function prepDelete(changes: PrepChanges, request: Request, path: string, parentPath: string, parentRecord: ChangeRecord): void {
  const zxid = request.hdr!.zxid;
  const parent = parentRecord.duplicate(zxid);
  parent.childCount--;
  parent.stat!.pzxid = zxid;
  parent.digest = changes.precalculateUpdate(parentRecord, parent.data, parent.stat!);
  changes.add(parent);
  const node = new ChangeRecord(zxid, path, null, -1, null);
  node.digest = changes.precalculate(DigestOp.REMOVE, path);
  changes.setTxnDigest(request, node.digest);
  changes.add(node);
}
