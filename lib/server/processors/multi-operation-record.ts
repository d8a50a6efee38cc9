import { BinaryInputArchive } from '../../jute/binary-input-archive';
import { BinaryOutputArchive } from '../../jute/binary-output-archive';
import { DEFAULT_MAX_BUFFER } from '../../jute/limits';
import {
  CheckVersionRequest,
  CreateRequest,
  CreateTTLRequest,
  DeleteRequest,
  GetChildrenRequest,
  GetDataRequest,
  MultiHeader,
  SetDataRequest,
} from '../../jute/records/proto';
import { CreateMode, isTTLMode } from '../../protocol/zoo-defs';
import { OpCode } from '../../protocol/op-code';

export type OpKind = 'transaction' | 'read';

/**
 * One op of a multi, as Java's Op sees it after MultiOperationRecord.deserialize: `type`
 * is the op's own opcode, which for creates comes from the flags (CONTAINER →
 * createContainer, a TTL mode → createTTL, else create — a create2 header becomes create),
 * and `request` is the record prep handles. Reads carry watch=false: a multiRead never
 * sets watches.
 */
export type Op =
  | { readonly kind: 'transaction'; readonly type: CreateOpcode; readonly path: string | null; readonly request: CreateRequest | CreateTTLRequest }
  | { readonly kind: 'transaction'; readonly type: typeof OpCode.delete; readonly path: string | null; readonly request: DeleteRequest }
  | { readonly kind: 'transaction'; readonly type: typeof OpCode.setData; readonly path: string | null; readonly request: SetDataRequest }
  | { readonly kind: 'transaction'; readonly type: typeof OpCode.check; readonly path: string | null; readonly request: CheckVersionRequest }
  | { readonly kind: 'read'; readonly type: typeof OpCode.getChildren; readonly path: string | null; readonly request: GetChildrenRequest }
  | { readonly kind: 'read'; readonly type: typeof OpCode.getData; readonly path: string | null; readonly request: GetDataRequest };

/**
 * A multi body that MultiOperationRecord.deserialize rejects: an unknown op type, or read
 * and write ops mixed. (A truncated body throws the jute error instead.) Both become
 * MarshallingError, as Java's IOException does.
 */
export class MultiOperationError extends Error {
  override name = 'MultiOperationError';
}

export type CreateOpcode = typeof OpCode.create | typeof OpCode.createContainer | typeof OpCode.createTTL;

/** Op.Create.getOpcode: the opcode a create op runs as, from its flags. */
export function createOpcodeForFlags(flags: number): CreateOpcode {
  if (isTTLMode(flags)) return OpCode.createTTL;
  return flags === CreateMode.CONTAINER ? OpCode.createContainer : OpCode.create;
}

function readOp(type: number, ia: BinaryInputArchive): Op {
  switch (type) {
    case OpCode.create:
    case OpCode.create2:
    case OpCode.createContainer: {
      const r = CreateRequest.deserialize(ia);
      return { kind: 'transaction', type: createOpcodeForFlags(r.flags), path: r.path, request: r };
    }
    case OpCode.createTTL: {
      const r = CreateTTLRequest.deserialize(ia);
      // Op.create(…, ttl) keeps the ttl only for a TTL mode; otherwise it is a plain create.
      const request = isTTLMode(r.flags) ? r : new CreateRequest({ path: r.path, data: r.data, acl: r.acl, flags: r.flags });
      return { kind: 'transaction', type: createOpcodeForFlags(r.flags), path: r.path, request };
    }
    case OpCode.delete: {
      const r = DeleteRequest.deserialize(ia);
      return { kind: 'transaction', type: OpCode.delete, path: r.path, request: r };
    }
    case OpCode.setData: {
      const r = SetDataRequest.deserialize(ia);
      return { kind: 'transaction', type: OpCode.setData, path: r.path, request: r };
    }
    case OpCode.check: {
      const r = CheckVersionRequest.deserialize(ia);
      return { kind: 'transaction', type: OpCode.check, path: r.path, request: r };
    }
    case OpCode.getChildren: {
      const r = GetChildrenRequest.deserialize(ia);
      return { kind: 'read', type: OpCode.getChildren, path: r.path, request: new GetChildrenRequest({ path: r.path, watch: false }) };
    }
    case OpCode.getData: {
      const r = GetDataRequest.deserialize(ia);
      return { kind: 'read', type: OpCode.getData, path: r.path, request: new GetDataRequest({ path: r.path, watch: false }) };
    }
    default:
      throw new MultiOperationError(`Invalid type of op: ${type}`);
  }
}

/**
 * MultiOperationRecord.deserialize: MultiHeader + op record pairs until a header with
 * done=true. Every op must be of one kind.
 */
export function decodeMultiOperationRecord(body: Buffer, maxBuffer = DEFAULT_MAX_BUFFER): Op[] {
  const ia = new BinaryInputArchive(body, maxBuffer);
  const ops: Op[] = [];
  let h = MultiHeader.deserialize(ia);
  while (!h.done) {
    const op = readOp(h.type, ia);
    if (ops.length > 0 && ops[0].kind !== op.kind) throw new MultiOperationError('Mixing different kind of ops');
    ops.push(op);
    h = MultiHeader.deserialize(ia);
  }
  return ops;
}

/** MultiOperationRecord.serialize, for clients and tests: each op under its own header type. */
export function encodeMultiOperationRecord(ops: ReadonlyArray<{ type: number; request: { serialize(oa: BinaryOutputArchive): void } }>): Buffer {
  const oa = new BinaryOutputArchive();
  for (const op of ops) {
    new MultiHeader({ type: op.type, done: false, err: -1 }).serialize(oa);
    op.request.serialize(oa);
  }
  new MultiHeader({ type: -1, done: true, err: -1 }).serialize(oa);
  return Buffer.from(oa.toBuffer());
}
