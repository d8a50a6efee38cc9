import type { DataTree } from '../../data/data-tree';
import { encodedChildNames } from '../../data/data-node';
import type { BinaryOutputArchive } from '../../jute/binary-output-archive';
import type { PreEncodedRecord } from '../../jute/codec';
import { ACL, ClientInfo, Id, Stat } from '../../jute/records/data';
import {
  AddWatchRequest,
  CheckWatchesRequest,
  ErrorResponse,
  ExistsRequest,
  ExistsResponse,
  GetACLRequest,
  GetACLResponse,
  GetAllChildrenNumberRequest,
  GetAllChildrenNumberResponse,
  GetChildren2Request,
  GetChildren2Response,
  GetChildrenRequest,
  GetChildrenResponse,
  GetDataRequest,
  GetDataResponse,
  GetEphemeralsRequest,
  GetEphemeralsResponse,
  RemoveWatchesRequest,
  SetWatches,
  SetWatches2,
  SyncRequest,
  SyncResponse,
  WhoAmIResponse,
} from '../../jute/records/proto';
import type { JuteRecord } from '../../jute/types';
import { Code, KeeperException } from '../../protocol/keeper-exception';
import { OpCode } from '../../protocol/op-code';
import { Perms } from '../../protocol/zoo-defs';
import type { ProviderRegistry } from '../auth/provider-registry';
import type { Request } from '../request';
import type { ServerCnxn } from '../server-cnxn';
import { checkACL } from './acl-check';
import { decodeMultiOperationRecord } from './multi-operation-record';
import { MultiResponse, type OpResult } from './multi-response';
import { MarshallingError, noNulls, required } from './prep-errors';
import { readRecord as decode } from './request-body';

/** What the read handlers need: the tree, ACL providers, skipACL. */
export interface ReadContext {
  readonly tree: DataTree;
  readonly providers: ProviderRegistry;
  readonly skipACL?: boolean;
}

/**
 * Where a handler puts a response it has started building: Java sends it along with
 * the MarshallingError if the handler then fails.
 */
export interface PartialResponse {
  rsp: JuteRecord | null;
}

/** A read's answer: the record, and the path for per-path metrics. */
export interface ReadResult {
  readonly rsp: JuteRecord | null;
  readonly path: string | null;
  /** The four-letter name `cons` shows as the connection's last op. */
  readonly lastOp: string;
}

function nodeOrNoNode(rc: ReadContext, path: string | null) {
  const n = rc.tree.getNode(required(path, 'path'));
  if (n === undefined) throw new KeeperException(Code.NONODE);
  return n;
}

function check(rc: ReadContext, path: string | null, perm: number, authInfo: readonly Id[]): void {
  const n = nodeOrNoNode(rc, path);
  checkACL(rc.providers, rc.tree.getACLOfNode(n), perm, authInfo, rc.skipACL);
}

/** handleGetDataRequest: NoNode, then READ, then data + stat (and a data watch if asked). */
export function handleGetData(rc: ReadContext, req: GetDataRequest, cnxn: ServerCnxn, authInfo: readonly Id[]): GetDataResponse {
  check(rc, req.path, Perms.READ, authInfo);
  const stat = new Stat();
  const data = rc.tree.getData(req.path!, stat, req.watch ? cnxn : null);
  return new GetDataResponse({ data, stat });
}

/**
 * A GetChildrenResponse over a node's shared, frozen name list: it serializes as the
 * node's cached encoding, which a connection can also send as it is (PreEncodedRecord).
 */
export class SharedGetChildrenResponse extends GetChildrenResponse implements PreEncodedRecord {
  override serialize(oa: BinaryOutputArchive): void {
    const bytes = this.preEncoded();
    if (bytes === null) super.serialize(oa);
    else oa.writeRaw(bytes);
  }

  preEncoded(): Buffer | null {
    return this.children !== null && Object.isFrozen(this.children) ? encodedChildNames(this.children) : null;
  }
}

/** GetChildren2Response likewise: the cached names, then the stat. */
export class SharedGetChildren2Response extends GetChildren2Response {
  override serialize(oa: BinaryOutputArchive): void {
    if (this.children === null || !Object.isFrozen(this.children) || this.stat === null) {
      super.serialize(oa);
      return;
    }
    oa.writeRaw(encodedChildNames(this.children));
    this.stat.serialize(oa);
  }
}

/** handleGetChildrenRequest: NoNode, then READ, then the names (and a child watch if asked). */
export function handleGetChildren(rc: ReadContext, req: GetChildrenRequest, cnxn: ServerCnxn, authInfo: readonly Id[]): GetChildrenResponse {
  check(rc, req.path, Perms.READ, authInfo);
  // The list is the node's own (frozen): nothing downstream changes a response's children.
  const children = rc.tree.getChildNames(req.path!, null, req.watch ? cnxn : null) as string[];
  return new SharedGetChildrenResponse({ children });
}

/** String.trim(): Java strips code units <= ' ' only. */
function javaTrim(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) <= 0x20) a++;
  while (b > a && s.charCodeAt(b - 1) <= 0x20) b--;
  return s.slice(a, b);
}

/** getACL without ADMIN shows digest ids as "user:x" (ZOOKEEPER-1392). */
function redactDigests(acl: ACL[]): ACL[] {
  return acl.map((a) =>
    a.id.scheme === 'digest' && a.id.id !== null
      ? new ACL({ perms: a.perms, id: new Id({ scheme: a.id.scheme, id: a.id.id.replace(/:.*/g, ':x') }) })
      : a,
  );
}

/** AuthUtil.getClientInfos: each id as (scheme, the provider's user name or ""). */
export function clientInfos(providers: ProviderRegistry, authInfo: readonly Id[]): ClientInfo[] {
  return authInfo.map((id) => {
    const ap = providers.get(id.scheme);
    const user = ap && id.id !== null ? ap.getUserName(id.id) : null;
    return new ClientInfo({ authScheme: id.scheme, user: user ?? '' });
  });
}

function multiRead(rc: ReadContext, request: Request, cnxn: ServerCnxn, partial: PartialResponse): MultiResponse {
  const ops = decodeMultiOperationRecord(request.body);
  // Java's rsp is assigned before the loop, so a failure part-way still sends what it has.
  const rsp = new MultiResponse();
  partial.rsp = rsp;
  for (const op of ops) {
    let result: OpResult;
    try {
      if (op.type === OpCode.getChildren) {
        result = { type: OpCode.getChildren, children: handleGetChildren(rc, op.request, cnxn, request.authInfo).children };
      } else if (op.type === OpCode.getData) {
        const gdr = handleGetData(rc, op.request, cnxn, request.authInfo);
        result = { type: OpCode.getData, data: gdr.data, stat: gdr.stat };
      } else {
        throw new MarshallingError('Invalid type of readOp');
      }
    } catch (e) {
      if (!(e instanceof KeeperException)) throw e;
      result = { type: OpCode.error, err: e.code };
    }
    rsp.add(result);
  }
  return rsp;
}

/**
 * The read half of FinalRequestProcessor: answers every opcode that does not change the
 * tree, or returns null for an opcode it does not handle. KeeperExceptions are the
 * client's error; anything else is a marshalling failure.
 */
export function handleRead(rc: ReadContext, request: Request, cnxn: ServerCnxn, partial: PartialResponse): ReadResult | null {
  const body = request.body;
  const authInfo = request.authInfo;
  const tree = rc.tree;
  switch (request.type) {
    case OpCode.sync: {
      const req = decode(SyncRequest, body);
      return { rsp: new SyncResponse({ path: req.path }), path: req.path, lastOp: 'SYNC' };
    }
    case OpCode.exists: {
      // No ACL check: existence is not protected (Java's TODO says as much).
      const req = decode(ExistsRequest, body);
      const path = required(req.path, 'path');
      if (path.includes('\0')) throw new KeeperException(Code.BADARGUMENTS);
      return { rsp: new ExistsResponse({ stat: tree.statNode(path, req.watch ? cnxn : null) }), path, lastOp: 'EXIS' };
    }
    case OpCode.getData: {
      const req = decode(GetDataRequest, body);
      return { rsp: handleGetData(rc, req, cnxn, authInfo), path: req.path, lastOp: 'GETD' };
    }
    case OpCode.setWatches: {
      const sw = decode(SetWatches, body);
      tree.setWatches(sw.relativeZxid, noNulls(sw.dataWatches, 'dataWatches'), noNulls(sw.existWatches, 'existWatches'), noNulls(sw.childWatches, 'childWatches'), [], [], cnxn);
      return { rsp: null, path: null, lastOp: 'SETW' };
    }
    case OpCode.setWatches2: {
      const sw = decode(SetWatches2, body);
      tree.setWatches(
        sw.relativeZxid,
        noNulls(sw.dataWatches, 'dataWatches'),
        noNulls(sw.existWatches, 'existWatches'),
        noNulls(sw.childWatches, 'childWatches'),
        noNulls(sw.persistentWatches, 'persistentWatches'),
        noNulls(sw.persistentRecursiveWatches, 'persistentRecursiveWatches'),
        cnxn,
      );
      return { rsp: null, path: null, lastOp: 'STW2' };
    }
    case OpCode.addWatch: {
      const req = decode(AddWatchRequest, body);
      tree.addWatch(required(req.path, 'path'), cnxn, req.mode);
      return { rsp: new ErrorResponse({ err: 0 }), path: null, lastOp: 'ADDW' };
    }
    case OpCode.getACL: {
      const req = decode(GetACLRequest, body);
      const n = nodeOrNoNode(rc, req.path);
      const nodeAcl = tree.getACLOfNode(n);
      // READ or ADMIN lets you see the ACL; without ADMIN digest hashes are hidden.
      checkACL(rc.providers, nodeAcl, Perms.READ | Perms.ADMIN, authInfo, rc.skipACL);
      const stat = new Stat();
      const acl = tree.getACL(req.path!, stat);
      let shown = acl;
      try {
        checkACL(rc.providers, nodeAcl, Perms.ADMIN, authInfo, rc.skipACL);
      } catch (e) {
        if (!(e instanceof KeeperException) || e.code !== Code.NOAUTH) throw e;
        shown = redactDigests(acl);
      }
      return { rsp: new GetACLResponse({ acl: shown, stat }), path: req.path, lastOp: 'GETA' };
    }
    case OpCode.getChildren: {
      const req = decode(GetChildrenRequest, body);
      return { rsp: handleGetChildren(rc, req, cnxn, authInfo), path: req.path, lastOp: 'GETC' };
    }
    case OpCode.getAllChildrenNumber: {
      const req = decode(GetAllChildrenNumberRequest, body);
      check(rc, req.path, Perms.READ, authInfo);
      return { rsp: new GetAllChildrenNumberResponse({ totalNumber: tree.getAllChildrenNumber(req.path!) }), path: req.path, lastOp: 'GETACN' };
    }
    case OpCode.getChildren2: {
      const req = decode(GetChildren2Request, body);
      check(rc, req.path, Perms.READ, authInfo);
      const stat = new Stat();
      const children = tree.getChildNames(req.path!, stat, req.watch ? cnxn : null) as string[];
      return { rsp: new SharedGetChildren2Response({ children, stat }), path: req.path, lastOp: 'GETC' };
    }
    case OpCode.checkWatches: {
      const req = decode(CheckWatchesRequest, body);
      if (!tree.containsWatcher(required(req.path, 'path'), req.type, cnxn)) throw new KeeperException(Code.NOWATCHER, req.path!);
      return { rsp: null, path: req.path, lastOp: 'CHKW' };
    }
    case OpCode.removeWatches: {
      const req = decode(RemoveWatchesRequest, body);
      if (!tree.removeWatch(required(req.path, 'path'), req.type, cnxn)) throw new KeeperException(Code.NOWATCHER, req.path!);
      return { rsp: null, path: req.path, lastOp: 'REMW' };
    }
    case OpCode.whoAmI:
      return { rsp: new WhoAmIResponse({ clientInfo: clientInfos(rc.providers, authInfo) }), path: null, lastOp: 'HOMI' };
    case OpCode.getEphemerals: {
      const req = decode(GetEphemeralsRequest, body);
      const prefix = req.prefixPath;
      const all = tree.getEphemerals(request.sessionId);
      const ephemerals =
        prefix === null || javaTrim(prefix) === '' || javaTrim(prefix) === '/' ? [...all] : [...all].filter((p) => p.startsWith(prefix));
      return { rsp: new GetEphemeralsResponse({ ephemerals }), path: null, lastOp: 'GETE' };
    }
    case OpCode.multiRead:
      return { rsp: multiRead(rc, request, cnxn, partial), path: null, lastOp: 'MLTR' };
    default:
      return null;
  }
}
