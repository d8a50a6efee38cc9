import {
  ACL,
  CheckVersionRequest,
  Create2Response,
  CreateRequest,
  CreateResponse,
  CreateTTLRequest,
  DeleteRequest,
  ErrorResponse,
  ExistsResponse,
  GetACLResponse,
  GetAllChildrenNumberResponse,
  GetChildren2Response,
  GetChildrenRequest,
  GetChildrenResponse,
  GetDataRequest,
  GetDataResponse,
  GetEphemeralsResponse,
  Id,
  MultiHeader,
  SetACLResponse,
  SetDataRequest,
  SetDataResponse,
  SyncResponse,
  WhoAmIResponse,
  decode,
  encode,
  type JuteRecord,
  type RecordClass,
} from '../../lib/jute';
import { BinaryInputArchive } from '../../lib/jute/binary-input-archive';
import { OpCode, Perms } from '../../lib/protocol';

/** The record each opcode answers with when err is 0 (null: header only). */
export const RESPONSE_OF: Record<number, RecordClass<any> | null> = {
  [OpCode.create]: CreateResponse,
  [OpCode.create2]: Create2Response,
  [OpCode.createContainer]: Create2Response,
  [OpCode.createTTL]: Create2Response,
  [OpCode.delete]: null,
  [OpCode.exists]: ExistsResponse,
  [OpCode.getData]: GetDataResponse,
  [OpCode.setData]: SetDataResponse,
  [OpCode.getACL]: GetACLResponse,
  [OpCode.setACL]: SetACLResponse,
  [OpCode.getChildren]: GetChildrenResponse,
  [OpCode.getChildren2]: GetChildren2Response,
  [OpCode.sync]: SyncResponse,
  [OpCode.check]: SetDataResponse,
  [OpCode.reconfig]: GetDataResponse,
  [OpCode.addWatch]: ErrorResponse,
  [OpCode.getEphemerals]: GetEphemeralsResponse,
  [OpCode.getAllChildrenNumber]: GetAllChildrenNumberResponse,
  [OpCode.whoAmI]: WhoAmIResponse,
};

export const OPEN_ACL = (): ACL[] => [new ACL({ perms: Perms.ALL, id: new Id({ scheme: 'world', id: 'anyone' }) })];

export function acl(perms: number, scheme: string, id: string): ACL {
  return new ACL({ perms, id: new Id({ scheme, id }) });
}

/** One operation of a multi / multiRead, with the opcode that goes in its MultiHeader. */
export type MultiOp =
  | { op: 'create'; path: string; data?: string; acl?: ACL[]; flags?: number; ttl?: bigint; type?: number }
  | { op: 'delete'; path: string; version?: number }
  | { op: 'setData'; path: string; data?: string; version?: number }
  | { op: 'check'; path: string; version: number }
  | { op: 'getChildren'; path: string }
  | { op: 'getData'; path: string };

function createOpcode(flags: number): number {
  if (flags === 4) return OpCode.createContainer;
  if (flags === 5 || flags === 6) return OpCode.createTTL;
  return OpCode.create2;
}

function opRecord(o: MultiOp): [number, JuteRecord] {
  switch (o.op) {
    case 'create': {
      const flags = o.flags ?? 0;
      const type = o.type ?? createOpcode(flags);
      const base = { path: o.path, data: Buffer.from(o.data ?? ''), acl: o.acl ?? OPEN_ACL(), flags };
      if (type === OpCode.createTTL) return [type, new CreateTTLRequest({ ...base, ttl: o.ttl ?? 0n })];
      return [type, new CreateRequest(base)];
    }
    case 'delete':
      return [OpCode.delete, new DeleteRequest({ path: o.path, version: o.version ?? -1 })];
    case 'setData':
      return [OpCode.setData, new SetDataRequest({ path: o.path, data: Buffer.from(o.data ?? ''), version: o.version ?? -1 })];
    case 'check':
      return [OpCode.check, new CheckVersionRequest({ path: o.path, version: o.version })];
    case 'getChildren':
      return [OpCode.getChildren, new GetChildrenRequest({ path: o.path, watch: false })];
    case 'getData':
      return [OpCode.getData, new GetDataRequest({ path: o.path, watch: false })];
  }
}

/** MultiOperationRecord's bytes: (MultiHeader op)* then MultiHeader{-1, done, -1}. */
export function encodeMulti(ops: MultiOp[]): Buffer {
  const parts: Buffer[] = [];
  for (const o of ops) {
    const [type, rec] = opRecord(o);
    parts.push(encode(new MultiHeader({ type, done: false, err: -1 }), rec));
  }
  parts.push(encode(new MultiHeader({ type: -1, done: true, err: -1 })));
  return Buffer.concat(parts);
}

export interface MultiResult {
  type: number;
  err: number;
  record: JuteRecord | null;
}

const MULTI_RESULT_OF: Record<number, RecordClass<any> | null> = {
  [OpCode.create]: CreateResponse,
  [OpCode.create2]: Create2Response,
  [OpCode.createTTL]: Create2Response,
  [OpCode.createContainer]: Create2Response,
  [OpCode.delete]: null,
  [OpCode.check]: null,
  [OpCode.setData]: SetDataResponse,
  [OpCode.getChildren]: GetChildrenResponse,
  [OpCode.getData]: GetDataResponse,
  [OpCode.error]: ErrorResponse,
};

/** MultiResponse: (MultiHeader result)* until a header with done set. */
export function decodeMultiResponse(body: Buffer): { results: MultiResult[]; trailing: number } {
  const ia = new BinaryInputArchive(body);
  const results: MultiResult[] = [];
  for (;;) {
    const h = MultiHeader.deserialize(ia);
    if (h.done) break;
    const cls = MULTI_RESULT_OF[h.type];
    if (cls === undefined) throw new Error(`unexpected result type ${h.type} in MultiResponse`);
    results.push({ type: h.type, err: h.err, record: cls ? cls.deserialize(ia) : null });
  }
  return { results, trailing: ia.remaining };
}

/** Decodes a reply body as `op`'s response; null when the body is empty. */
export function decodeResponse(op: number, body: Buffer): JuteRecord | null {
  if (body.length === 0) return null;
  if (op === OpCode.multi || op === OpCode.multiRead) {
    return { toJSON: () => ({ results: decodeMultiResponse(body).results }) } as unknown as JuteRecord;
  }
  const cls = RESPONSE_OF[op];
  if (!cls) return null;
  return decode(cls, body) as JuteRecord;
}
