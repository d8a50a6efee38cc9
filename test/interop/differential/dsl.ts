import {
  type ACL,
  AddWatchRequest,
  AuthPacket,
  CheckVersionRequest,
  CheckWatchesRequest,
  CreateRequest,
  CreateTTLRequest,
  DeleteRequest,
  ExistsRequest,
  GetACLRequest,
  GetAllChildrenNumberRequest,
  GetChildren2Request,
  GetChildrenRequest,
  GetDataRequest,
  GetEphemeralsRequest,
  ReconfigRequest,
  RemoveWatchesRequest,
  SetACLRequest,
  SetDataRequest,
  SetWatches,
  SetWatches2,
  SyncRequest,
} from '../../../lib/jute';
import { OpCode, Xid } from '../../../lib/protocol';
import { OPEN_ACL, type MultiOp } from '../../support/raw-ops';
import type { Recorder } from '../../support/transcript';

/** The client protocol as one method per request, each recorded by the Recorder. */
export class Dsl {
  constructor(readonly r: Recorder) {}

  create(s: string, path: string, data: string | null = '', o: { flags?: number; acl?: ACL[] | null; op?: number } = {}) {
    const req = new CreateRequest({
      path,
      data: data === null ? null : Buffer.from(data),
      acl: o.acl === undefined ? OPEN_ACL() : o.acl,
      flags: o.flags ?? 0,
    });
    return this.r.op(s, o.op ?? OpCode.create, req);
  }

  create2(s: string, path: string, data = '', o: { flags?: number; acl?: ACL[] } = {}) {
    return this.create(s, path, data, { ...o, op: OpCode.create2 });
  }

  createContainer(s: string, path: string, data = '', flags = 4) {
    return this.create(s, path, data, { flags, op: OpCode.createContainer });
  }

  createTTL(s: string, path: string, ttl: bigint, o: { flags?: number; data?: string; op?: number } = {}) {
    const req = new CreateTTLRequest({ path, data: Buffer.from(o.data ?? ''), acl: OPEN_ACL(), flags: o.flags ?? 5, ttl });
    return this.r.op(s, o.op ?? OpCode.createTTL, req);
  }

  delete(s: string, path: string, version = -1) {
    return this.r.op(s, OpCode.delete, new DeleteRequest({ path, version }));
  }

  exists(s: string, path: string, watch = false) {
    return this.r.op(s, OpCode.exists, new ExistsRequest({ path, watch }));
  }

  getData(s: string, path: string, watch = false) {
    return this.r.op(s, OpCode.getData, new GetDataRequest({ path, watch }));
  }

  setData(s: string, path: string, data: string | null, version = -1) {
    return this.r.op(s, OpCode.setData, new SetDataRequest({ path, data: data === null ? null : Buffer.from(data), version }));
  }

  getChildren(s: string, path: string, watch = false) {
    return this.r.op(s, OpCode.getChildren, new GetChildrenRequest({ path, watch }));
  }

  getChildren2(s: string, path: string, watch = false) {
    return this.r.op(s, OpCode.getChildren2, new GetChildren2Request({ path, watch }));
  }

  getACL(s: string, path: string) {
    return this.r.op(s, OpCode.getACL, new GetACLRequest({ path }));
  }

  setACL(s: string, path: string, acl: ACL[] | null, version = -1) {
    return this.r.op(s, OpCode.setACL, new SetACLRequest({ path, acl, version }));
  }

  sync(s: string, path: string) {
    return this.r.op(s, OpCode.sync, new SyncRequest({ path }));
  }

  check(s: string, path: string, version: number) {
    return this.r.op(s, OpCode.check, new CheckVersionRequest({ path, version }));
  }

  ping(s: string) {
    return this.r.op(s, OpCode.ping, null, { xid: Xid.ping });
  }

  addAuth(s: string, scheme: string, auth: string) {
    const req = new AuthPacket({ type: 0, scheme, auth: Buffer.from(auth) });
    return this.r.op(s, OpCode.auth, req, { xid: Xid.auth });
  }

  addWatch(s: string, path: string, mode: number) {
    return this.r.op(s, OpCode.addWatch, new AddWatchRequest({ path, mode }));
  }

  checkWatches(s: string, path: string, type: number) {
    return this.r.op(s, OpCode.checkWatches, new CheckWatchesRequest({ path, type }));
  }

  removeWatches(s: string, path: string, type: number) {
    return this.r.op(s, OpCode.removeWatches, new RemoveWatchesRequest({ path, type }));
  }

  getEphemerals(s: string, prefixPath: string) {
    return this.r.op(s, OpCode.getEphemerals, new GetEphemeralsRequest({ prefixPath }));
  }

  getAllChildrenNumber(s: string, path: string) {
    return this.r.op(s, OpCode.getAllChildrenNumber, new GetAllChildrenNumberRequest({ path }));
  }

  whoAmI(s: string) {
    return this.r.op(s, OpCode.whoAmI, null);
  }

  reconfig(s: string, joining: string | null, leaving: string | null, members: string | null, curConfigId = -1n) {
    const req = new ReconfigRequest({ joiningServers: joining, leavingServers: leaving, newMembers: members, curConfigId });
    return this.r.op(s, OpCode.reconfig, req);
  }

  /** SetWatches as a client sends it after reconnecting (xid -8), relative to its last zxid. */
  setWatches(s: string, w: { data?: string[]; exist?: string[]; child?: string[] }) {
    const c = this.r.client(s);
    const req = new SetWatches({
      relativeZxid: c.lastZxid,
      dataWatches: w.data ?? [],
      existWatches: w.exist ?? [],
      childWatches: w.child ?? [],
    });
    return this.r.op(s, OpCode.setWatches, req, { xid: Xid.setWatches, show: { ...w, relativeZxid: 'last seen' } });
  }

  setWatches2(s: string, w: { data?: string[]; exist?: string[]; child?: string[]; persistent?: string[]; recursive?: string[] }) {
    const c = this.r.client(s);
    const req = new SetWatches2({
      relativeZxid: c.lastZxid,
      dataWatches: w.data ?? [],
      existWatches: w.exist ?? [],
      childWatches: w.child ?? [],
      persistentWatches: w.persistent ?? [],
      persistentRecursiveWatches: w.recursive ?? [],
    });
    return this.r.op(s, OpCode.setWatches2, req, { xid: Xid.setWatches, show: { ...w, relativeZxid: 'last seen' } });
  }

  multi(s: string, ops: MultiOp[]) {
    return this.r.multi(s, ops);
  }

  multiRead(s: string, ops: MultiOp[]) {
    return this.r.multi(s, ops, true);
  }
}
