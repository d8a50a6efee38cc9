import { validatePath } from '../data/path-utils';
import type { BinaryOutputArchive } from '../jute/binary-output-archive';
import type { ACL } from '../jute/records/data';
import {
  CheckVersionRequest,
  CreateRequest,
  CreateTTLRequest,
  DeleteRequest,
  GetChildrenRequest,
  GetDataRequest,
  MultiHeader,
  SetDataRequest,
} from '../jute/records/proto';
import { OpCode } from '../protocol/op-code';
import { CreateMode, isSequentialMode, isTTLMode } from '../protocol/zoo-defs';
import { type ACLLike, type Data, checkCreateMode, checkTTL, checkVersion, toAcl, toData } from './arguments';
import { IllegalArgumentError } from './errors';
import { prependChroot } from './set-watches';

export interface CreateOptions {
  /** Default: OPEN_ACL_UNSAFE (world:anyone, all permissions). */
  acl?: readonly ACLLike[];
  /** Default: PERSISTENT. */
  mode?: CreateMode;
  /** Milliseconds; required by the *_WITH_TTL modes, refused by the others. */
  ttl?: number | bigint;
}

/** Op.OpKind: a multi is all writes (a transaction) or all reads. */
export type OpKind = 'transaction' | 'read';

/**
 * Op: one operation of a multi. Build with the factories (`Op.create(...)`, `Op.check(...)`);
 * each is validated when built, as Java validates before sending.
 */
export type Op =
  | { readonly kind: 'create'; readonly type: number; readonly path: string; readonly data: Buffer | null; readonly acl: ACL[]; readonly mode: CreateMode; readonly ttl: bigint }
  | { readonly kind: 'delete'; readonly type: number; readonly path: string; readonly version: number }
  | { readonly kind: 'setData'; readonly type: number; readonly path: string; readonly data: Buffer | null; readonly version: number }
  | { readonly kind: 'check'; readonly type: number; readonly path: string; readonly version: number }
  | { readonly kind: 'getChildren'; readonly type: number; readonly path: string }
  | { readonly kind: 'getData'; readonly type: number; readonly path: string };

/** The opcode Java's Op.Create picks for a mode. */
export function createOpcode(mode: CreateMode): number {
  if (isTTLMode(mode)) return OpCode.createTTL;
  return mode === CreateMode.CONTAINER ? OpCode.createContainer : OpCode.create;
}

export const Op = {
  create(path: string, data?: Data, opts: CreateOptions = {}): Op {
    const mode = checkCreateMode(opts.mode ?? CreateMode.PERSISTENT);
    validatePath(path, isSequentialMode(mode));
    const ttl = checkTTL(mode, opts.ttl);
    return { kind: 'create', type: createOpcode(mode), path, data: toData(data), acl: toAcl(opts.acl), mode, ttl };
  },
  delete(path: string, version = -1): Op {
    validatePath(path);
    return { kind: 'delete', type: OpCode.delete, path, version: checkVersion(version) };
  },
  setData(path: string, data: Data, version = -1): Op {
    validatePath(path);
    return { kind: 'setData', type: OpCode.setData, path, data: toData(data), version: checkVersion(version) };
  },
  check(path: string, version: number): Op {
    validatePath(path);
    return { kind: 'check', type: OpCode.check, path, version: checkVersion(version) };
  },
  getChildren(path: string): Op {
    validatePath(path);
    return { kind: 'getChildren', type: OpCode.getChildren, path };
  },
  getData(path: string): Op {
    validatePath(path);
    return { kind: 'getData', type: OpCode.getData, path };
  },
};

export function opKind(op: Op): OpKind {
  return op.kind === 'getChildren' || op.kind === 'getData' ? 'read' : 'transaction';
}

/** The kind shared by all ops; mixing reads and writes is refused as in Java. */
export function opsKind(ops: readonly Op[]): OpKind | null {
  let kind: OpKind | null = null;
  for (const op of ops) {
    const k = opKind(op);
    if (kind === null) kind = k;
    else if (k !== kind) {
      throw new IllegalArgumentError('Mixing read and write operations (transactions) is not allowed in a multi request.');
    }
  }
  return kind;
}

/** MultiOperationRecord: [MultiHeader(type, false, -1) request]… MultiHeader(-1, true, -1). */
export class MultiOperationRecord {
  constructor(
    readonly ops: readonly Op[],
    readonly chrootPath: string | null,
  ) {}

  serialize(oa: BinaryOutputArchive): void {
    for (const op of this.ops) {
      new MultiHeader({ type: op.type, done: false, err: -1 }).serialize(oa);
      const path = prependChroot(this.chrootPath, op.path);
      switch (op.kind) {
        case 'create':
          if (op.type === OpCode.createTTL) {
            new CreateTTLRequest({ path, data: op.data, acl: op.acl, flags: op.mode, ttl: op.ttl }).serialize(oa);
          } else {
            new CreateRequest({ path, data: op.data, acl: op.acl, flags: op.mode }).serialize(oa);
          }
          break;
        case 'delete':
          new DeleteRequest({ path, version: op.version }).serialize(oa);
          break;
        case 'setData':
          new SetDataRequest({ path, data: op.data, version: op.version }).serialize(oa);
          break;
        case 'check':
          new CheckVersionRequest({ path, version: op.version }).serialize(oa);
          break;
        case 'getChildren':
          new GetChildrenRequest({ path, watch: false }).serialize(oa);
          break;
        case 'getData':
          new GetDataRequest({ path, watch: false }).serialize(oa);
          break;
      }
    }
    new MultiHeader({ type: -1, done: true, err: -1 }).serialize(oa);
  }
}
