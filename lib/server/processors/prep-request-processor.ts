import {
  CheckVersionRequest,
  CreateRequest,
  CreateTTLRequest,
  DeleteRequest,
  ReconfigRequest,
  SetACLRequest,
  SetDataRequest,
} from '../../jute/records/proto';
import { ErrorTxn, MultiTxn, type Txn, TxnHeader } from '../../jute/records/txn';
import type { JuteRecord, RecordClass } from '../../jute/types';
import { PreppedTxn } from '../../data/prepped-txn';
import { Code, KeeperException } from '../../protocol/keeper-exception';
import { OpCode, opName } from '../../protocol/op-code';
import type { Request } from '../request';
import { decodeMultiOperationRecord, type Op } from './multi-operation-record';
import { PrepChanges } from './prep-changes';
import { MarshallingError } from './prep-errors';
import { pRequest2Txn } from './prep-txn';
import type { ProcessorContext } from './processor-context';
import { readRecord as decode } from './request-body';
import { txnTime } from './txn-time';

/** Ops that only need a live session here; FinalRequestProcessor answers them. */
const SESSION_CHECKED_READS: ReadonlySet<number> = new Set([
  OpCode.sync,
  OpCode.exists,
  OpCode.getData,
  OpCode.getACL,
  OpCode.getChildren,
  OpCode.getAllChildrenNumber,
  OpCode.getChildren2,
  OpCode.ping,
  OpCode.setWatches,
  OpCode.setWatches2,
  OpCode.checkWatches,
  OpCode.removeWatches,
  OpCode.getEphemerals,
  OpCode.multiRead,
  OpCode.addWatch,
  OpCode.whoAmI,
]);

const WRITE_RECORDS: ReadonlyMap<number, RecordClass<JuteRecord>> = new Map<number, RecordClass<any>>([
  [OpCode.create, CreateRequest],
  [OpCode.create2, CreateRequest],
  [OpCode.createContainer, CreateRequest],
  [OpCode.createTTL, CreateTTLRequest],
  [OpCode.delete, DeleteRequest],
  [OpCode.deleteContainer, DeleteRequest],
  [OpCode.setData, SetDataRequest],
  [OpCode.setACL, SetACLRequest],
  [OpCode.check, CheckVersionRequest],
]);

/** Request.isValid: the opcodes a server accepts from a client connection. */
export function isValidRequestType(type: number): boolean {
  return (
    WRITE_RECORDS.has(type) ||
    SESSION_CHECKED_READS.has(type) ||
    type === OpCode.multi ||
    type === OpCode.reconfig ||
    type === OpCode.createSession ||
    type === OpCode.closeSession
  );
}

/**
 * ZooKeeper's PrepRequestProcessor, as a plain synchronous stage: pRequest turns a write
 * request into a txn (request.hdr / request.txn / request.digest), consuming a zxid even
 * when it fails — a failure is an ErrorTxn with the code, and request.err says it too.
 * Reads only have their session checked. The server wraps this in the chain's operator.
 */
export class PrepRequestProcessor {
  readonly changes: PrepChanges;

  constructor(private readonly ctx: ProcessorContext) {
    this.changes = new PrepChanges(ctx.dataTree, ctx.outstandingChanges);
  }

  pRequest(request: Request): Request {
    request.hdr = null;
    request.txn = null;
    request.digest = null;
    this.pRequestHelper(request);
    request.zxid = this.ctx.getZxid();
    return request;
  }

  private pRequestHelper(request: Request): void {
    const ctx = this.ctx;
    try {
      const type = request.type;
      const recordClass = WRITE_RECORDS.get(type);
      if (recordClass !== undefined) {
        pRequest2Txn(ctx, this.changes, type, ctx.getNextZxid(), request, () => decode(recordClass, request.body));
      } else if (type === OpCode.reconfig) {
        // Java decodes the ReconfigRequest before allocating the txn.
        decode(ReconfigRequest, request.body);
        pRequest2Txn(ctx, this.changes, type, ctx.getNextZxid(), request, () => null);
      } else if (type === OpCode.multi) {
        this.prepMulti(request);
      } else if (type === OpCode.createSession || type === OpCode.closeSession) {
        pRequest2Txn(ctx, this.changes, type, ctx.getNextZxid(), request, () => null);
      } else if (SESSION_CHECKED_READS.has(type)) {
        ctx.sessionTracker.checkSession(request.sessionId, ctx.ownerOf(request));
      } else {
        ctx.logger?.warn(`unknown type ${type}`);
      }
    } catch (e) {
      if (e instanceof KeeperException) {
        if (request.hdr !== null) {
          request.hdr.type = OpCode.error;
          request.txn = new ErrorTxn({ err: e.code });
        }
        if (e.code > Code.APIERROR) {
          ctx.logger?.info(`Got user-level KeeperException when processing ${describe(request)} Error Path:${e.path ?? null} Error:${e.message}`);
        }
        request.err = e.code;
      } else {
        ctx.logger?.error({ err: e }, `Failed to process ${describe(request)}; request buffer: 0x${request.body.toString('hex')}`);
        if (request.hdr !== null) {
          request.hdr.type = OpCode.error;
          request.txn = new ErrorTxn({ err: Code.MARSHALLINGERROR });
        }
      }
    }
  }

  /**
   * A multi is one txn (all ops share a zxid) made of sub-txns. At the first failing op
   * its change records are rolled back; that op becomes ErrorTxn(code) and every later
   * one ErrorTxn(RUNTIMEINCONSISTENCY). Earlier ops keep their txn: DataTree turns them
   * into OK results without applying anything.
   */
  private prepMulti(request: Request): void {
    const ctx = this.ctx;
    let ops: Op[];
    try {
      ops = decodeMultiOperationRecord(request.body);
    } catch (e) {
      request.hdr = this.header(request, ctx.getNextZxid(), OpCode.multi);
      throw e instanceof KeeperException ? e : new MarshallingError(`bad multi: ${(e as Error).message}`);
    }
    const zxid = ctx.getNextZxid();
    // Java dereferences every op's path here (getPendingChanges), before the header exists.
    for (const op of ops) if (op.path === null) throw new MarshallingError('multi op without a path');
    request.hdr = this.header(request, zxid, request.type);

    const txns: Txn[] = [];
    let failed = false;
    for (const op of ops) {
      let type: number;
      let txn: JuteRecord;
      if (failed) {
        type = OpCode.error;
        txn = new ErrorTxn({ err: Code.RUNTIMEINCONSISTENCY });
      } else {
        try {
          pRequest2Txn(ctx, this.changes, op.type, zxid, request, () => op.request);
          type = op.type;
          // A read op leaves no txn behind: Java's NullPointerException serializing it.
          if (request.txn === null) throw new MarshallingError(`no txn for op type ${op.type}`);
          txn = request.txn;
        } catch (e) {
          if (!(e instanceof KeeperException)) {
            this.changes.rollback(zxid);
            throw e;
          }
          failed = true;
          type = OpCode.error;
          txn = new ErrorTxn({ err: e.code });
          if (e.code > Code.APIERROR) {
            ctx.logger?.info(
              `Got user-level KeeperException when processing ${describe(request)} aborting remaining multi ops. Error Path:${e.path ?? null} Error:${e.message}`,
            );
          }
          request.err = e.code;
          this.changes.rollback(zxid);
        }
      }
      txns.push(new PreppedTxn(type, txn));
    }
    request.txn = new MultiTxn({ txns });
    this.changes.setCurrentTxnDigest(request);
  }

  private header(request: Request, zxid: bigint, type: number): TxnHeader {
    return new TxnHeader({
      clientId: request.sessionId,
      cxid: request.cxid,
      zxid,
      time: txnTime(this.ctx.clock),
      type,
    });
  }
}

function describe(r: Request): string {
  return `sessionid:0x${BigInt.asUintN(64, r.sessionId).toString(16)} type:${opName(r.type)} cxid:0x${(r.cxid >>> 0).toString(16)}`;
}
