import { ProcessTxnResult } from '../../data/data-tree-txn';
import { CreateSessionTxn, ErrorTxn } from '../../jute/records/txn';
import { CreateResponse, Create2Response, ReplyHeader, SetACLResponse, SetDataResponse } from '../../jute/records/proto';
import { Stat } from '../../jute/records/data';
import type { JuteRecord } from '../../jute/types';
import { Code, KeeperException } from '../../protocol/keeper-exception';
import { OpCode, Xid, opName } from '../../protocol/op-code';
import type { Request } from '../request';
import { handleRead, type PartialResponse, type ReadContext } from './final-reads';
import { MultiResponse, type OpResult } from './multi-response';
import { MarshallingError } from './prep-errors';
import type { ProcessorContext } from './processor-context';

/** Thrown inside reply building when the session moved: the connection is closed, no reply. */
class SessionMovedSignal extends Error {}

/**
 * ZooKeeper's FinalRequestProcessor as a plain synchronous stage: applies the request's
 * txn (if any) to the DataTree and the session tracker, drops its outstanding change
 * records, then answers the client — ReplyHeader(cxid, last processed zxid, err) and the
 * response record — through request.cnxn. Requests without a connection (expiry,
 * container deletes) are applied and not answered.
 */
export class FinalRequestProcessor {
  private readonly reads: ReadContext;

  constructor(private readonly ctx: ProcessorContext) {
    this.reads = {
      tree: ctx.dataTree,
      providers: ctx.authProviders,
      get skipACL() {
        return ctx.config.skipACL;
      },
    };
  }

  /** Applies and answers; returns the txn result (an empty one for reads). */
  processRequest(request: Request): ProcessTxnResult {
    const rc = this.applyRequest(request);
    const cnxn = request.cnxn;
    if (cnxn === null) return rc;

    const lastZxid = this.ctx.dataTree.lastProcessedZxid;
    let err: number = Code.OK;
    let rsp: JuteRecord | null = null;
    const partial: PartialResponse = { rsp: null };
    let lastOp = 'NA';
    try {
      if (request.hdr !== null && request.hdr.type === OpCode.error) {
        const code = request.err !== Code.OK ? request.err : (request.txn as ErrorTxn).err;
        throw new KeeperException(code);
      }
      if (request.err === Code.SESSIONMOVED) throw new KeeperException(Code.SESSIONMOVED);
      if (request.err !== Code.OK && request.type !== OpCode.multi) throw new KeeperException(request.err);

      switch (request.type) {
        case OpCode.ping:
          this.finished(request, 'PING', lastZxid, Code.OK);
          cnxn.sendResponse(new ReplyHeader({ xid: Xid.ping, zxid: lastZxid, err: 0 }), null);
          return rc;
        case OpCode.createSession:
          this.finished(request, 'SESS', lastZxid, Code.OK);
          this.ctx.finishSessionInit(cnxn, true);
          return rc;
        case OpCode.multi:
          lastOp = 'MULT';
          rsp = multiResponse(rc, partial);
          break;
        case OpCode.create:
          lastOp = 'CREA';
          rsp = new CreateResponse({ path: rc.path });
          err = rc.err;
          break;
        case OpCode.create2:
        case OpCode.createTTL:
        case OpCode.createContainer:
          lastOp = 'CREA';
          rsp = new Create2Response({ path: rc.path, stat: rc.stat ?? new Stat() });
          err = rc.err;
          break;
        case OpCode.delete:
        case OpCode.deleteContainer:
          lastOp = 'DELE';
          err = rc.err;
          break;
        case OpCode.setData:
          lastOp = 'SETD';
          rsp = new SetDataResponse({ stat: rc.stat ?? new Stat() });
          err = rc.err;
          break;
        case OpCode.reconfig:
          // Only a quorum server gets here (standalone prep always fails a reconfig).
          throw new MarshallingError('reconfig on a standalone server');
        case OpCode.setACL:
          lastOp = 'SETA';
          rsp = new SetACLResponse({ stat: rc.stat ?? new Stat() });
          err = rc.err;
          break;
        case OpCode.closeSession:
          lastOp = 'CLOS';
          err = rc.err;
          break;
        case OpCode.check:
          lastOp = 'CHEC';
          err = rc.err;
          if (rc.stat === null) {
            // Java answers a bare check with SetDataResponse(rc.stat), but a check txn
            // has no stat: serializing it throws and the client never gets a reply.
            this.finished(request, lastOp, lastZxid, err);
            return rc;
          }
          rsp = new SetDataResponse({ stat: rc.stat });
          break;
        default: {
          const read = handleRead(this.reads, request, cnxn, partial);
          if (read !== null) {
            rsp = read.rsp;
            lastOp = read.lastOp;
          }
        }
      }
    } catch (e) {
      if (e instanceof SessionMovedSignal || (e instanceof KeeperException && e.code === Code.SESSIONMOVED)) {
        // A connection-level error: the client must reconnect (ZOOKEEPER-710).
        cnxn.close('session moved');
        return rc;
      }
      if (e instanceof KeeperException) {
        err = e.code;
      } else {
        this.ctx.logger?.error(
          { err: e },
          `Failed to process request type ${opName(request.type)}; request buffer: 0x${request.body.toString('hex')}`,
        );
        err = Code.MARSHALLINGERROR;
        rsp = partial.rsp;
      }
    }

    this.finished(request, lastOp, lastZxid, err);
    cnxn.sendResponse(new ReplyHeader({ xid: request.cxid, zxid: lastZxid, err }), rsp);
    if (request.type === OpCode.closeSession) cnxn.close('close session');
    return rc;
  }

  /** ZooKeeperServer.processTxn(Request): session events, the tree, outstanding changes. */
  private applyRequest(request: Request): ProcessTxnResult {
    const ctx = this.ctx;
    const hdr = request.hdr;
    if (request.type === OpCode.createSession) {
      if (hdr !== null && request.txn instanceof CreateSessionTxn) {
        ctx.sessionTracker.commitSession(request.sessionId, request.txn.timeOut);
      }
    } else if (request.type === OpCode.closeSession) {
      ctx.sessionTracker.removeSession(request.sessionId);
    }

    let rc: ProcessTxnResult;
    if (hdr === null) {
      rc = new ProcessTxnResult();
    } else {
      rc = ctx.dataTree.processTxn(hdr, request.txn, request.digest);
      for (const stale of ctx.outstandingChanges.removeApplied(hdr.zxid)) {
        ctx.logger?.warn(`Zxid outstanding 0x${stale.zxid.toString(16)} is less than current 0x${hdr.zxid.toString(16)}`);
      }
    }

    // The client is gone (or the session expired): close whatever connection still has it.
    if (request.type === OpCode.closeSession && request.cnxn === null) ctx.closeSessionConnection?.(request.sessionId);
    return rc;
  }

  private finished(request: Request, lastOp: string, lastZxid: bigint, err: number): void {
    this.ctx.onRequestFinished?.({ request, lastOp, lastZxid, err, now: this.ctx.clock.now() });
  }
}

/** The multi's results from the DataTree's sub-results, as FinalRequestProcessor maps them. */
function multiResponse(rc: ProcessTxnResult, partial: PartialResponse): MultiResponse {
  const rsp = new MultiResponse();
  partial.rsp = rsp;
  if (rc.multiResult === null) throw new MarshallingError('multi without a txn result');
  for (const sub of rc.multiResult) {
    let r: OpResult;
    switch (sub.type) {
      case OpCode.check:
        r = { type: OpCode.check };
        break;
      case OpCode.create:
        r = { type: OpCode.create, path: sub.path };
        break;
      case OpCode.create2:
      case OpCode.createTTL:
      case OpCode.createContainer:
        r = { type: OpCode.create2, path: sub.path, stat: sub.stat ?? new Stat() };
        break;
      case OpCode.delete:
      case OpCode.deleteContainer:
        r = { type: OpCode.delete };
        break;
      case OpCode.setData:
        r = { type: OpCode.setData, stat: sub.stat ?? new Stat() };
        break;
      case OpCode.error:
        if (sub.err === Code.SESSIONMOVED) throw new SessionMovedSignal();
        r = { type: OpCode.error, err: sub.err };
        break;
      default:
        throw new MarshallingError(`Invalid type of op ${sub.type}`);
    }
    rsp.add(r);
  }
  return rsp;
}
