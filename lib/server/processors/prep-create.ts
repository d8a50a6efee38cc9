import { createStat } from '../../data/data-node';
import {
  CONTAINER_EPHEMERAL_OWNER,
  EphemeralType,
  InvalidEphemeralTypeError,
  ephemeralTypeOf,
  ttlToEphemeralOwner,
  validateTTL,
} from '../../data/ephemeral-type';
import { CreateRequest, CreateTTLRequest } from '../../jute/records/proto';
import { CreateContainerTxn, CreateTTLTxn, CreateTxn } from '../../jute/records/txn';
import { Code, KeeperException } from '../../protocol/keeper-exception';
import { CreateMode, Perms, isEphemeralMode, isSequentialMode, isTTLMode } from '../../protocol/zoo-defs';
import { OpCode } from '../../protocol/op-code';
import type { Request } from '../request';
import { checkACL, fixupACL } from './acl-check';
import { ChangeRecord } from './change-record';
import { DigestOp, type PrepChanges } from './prep-changes';
import { MarshallingError, required } from './prep-errors';
import type { ProcessorContext } from './processor-context';
import { validatePathOrBadArguments } from './prep-paths';

/** CreateMode.fromFlag(int): an unknown flag is BadArguments. */
export function createModeFromFlag(flags: number): number {
  if (!Number.isInteger(flags) || flags < CreateMode.PERSISTENT || flags > CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL) {
    throw new KeeperException(Code.BADARGUMENTS);
  }
  return flags;
}

/** String.format("%010d", n): ten digits, a minus sign taking one of them. */
export function sequenceSuffix(n: number): string {
  return n < 0 ? '-' + String(-n).padStart(9, '0') : String(n).padStart(10, '0');
}

/**
 * PrepRequestProcessor.pRequest2TxnCreate for create, create2, createContainer and
 * createTTL: the CreateTxn flavour for the opcode, and change records for the new node
 * and its parent (whose cversion also names a sequential node).
 */
export function prepCreate(
  ctx: ProcessorContext,
  changes: PrepChanges,
  type: number,
  request: Request,
  record: CreateRequest | CreateTTLRequest,
): void {
  const hdr = request.hdr!;
  let ttl = -1n;
  if (type === OpCode.createTTL) {
    // Java casts to CreateTTLRequest: a TTL create op inside a multi that came with a
    // plain create header fails with ClassCastException, i.e. MarshallingError.
    if (!(record instanceof CreateTTLRequest)) throw new MarshallingError('createTTL without a CreateTTLRequest');
    ttl = record.ttl;
  }
  const { flags, data, acl } = record;
  let path = record.path;
  const createMode = createModeFromFlag(flags);
  validateCreateRequest(ctx, path, createMode, request, ttl);
  path = required(path, 'path');
  const parentPath = validatePathForCreate(path);

  const listACL = fixupACL(ctx.authProviders, path, request.authInfo, acl);
  const parentRecord = changes.getRecordForPath(parentPath);
  checkACL(ctx.authProviders, parentRecord.acl, Perms.CREATE, request.authInfo, ctx.config.skipACL);
  const parentStat = parentRecord.stat!;
  if (isSequentialMode(createMode)) path = path + sequenceSuffix(parentStat.cversion);
  validatePathOrBadArguments(path);
  if (changes.exists(path)) throw new KeeperException(Code.NODEEXISTS, path);
  if (ephemeralTypeOf(parentStat.ephemeralOwner, ctx.config.extendedTypesEnabled) === EphemeralType.NORMAL) {
    throw new KeeperException(Code.NOCHILDRENFOREPHEMERALS, path);
  }
  const newCversion = (parentStat.cversion + 1) | 0;
  ctx.dataTree.checkQuota(path, null, data, OpCode.create);
  if (type === OpCode.createContainer) {
    request.txn = new CreateContainerTxn({ path, data, acl: listACL, parentCVersion: newCversion });
  } else if (type === OpCode.createTTL) {
    request.txn = new CreateTTLTxn({ path, data, acl: listACL, parentCVersion: newCversion, ttl });
  } else {
    request.txn = new CreateTxn({ path, data, acl: listACL, ephemeral: isEphemeralMode(createMode), parentCVersion: newCversion });
  }

  let ephemeralOwner = 0n;
  if (createMode === CreateMode.CONTAINER) ephemeralOwner = CONTAINER_EPHEMERAL_OWNER;
  else if (isTTLMode(createMode)) ephemeralOwner = ttlToEphemeralOwner(ttl);
  else if (isEphemeralMode(createMode)) ephemeralOwner = request.sessionId;
  const s = createStat(hdr.zxid, hdr.time, ephemeralOwner);

  const parent = parentRecord.duplicate(hdr.zxid);
  parent.childCount++;
  parent.stat!.cversion = newCversion;
  parent.stat!.pzxid = hdr.zxid;
  parent.digest = changes.precalculateUpdate(parentRecord, parent.data, parent.stat!);
  changes.add(parent);
  const node = new ChangeRecord(hdr.zxid, path, s, 0, listACL, data);
  node.digest = changes.precalculate(DigestOp.ADD, path, node.data, s);
  changes.setTxnDigest(request, node.digest);
  changes.add(node);
}

/** validateCreateRequest: TTLs need extended types; then the session must be live. */
function validateCreateRequest(ctx: ProcessorContext, path: string | null, createMode: number, request: Request, ttl: bigint): void {
  if (isTTLMode(createMode) && !ctx.config.extendedTypesEnabled) throw new KeeperException(Code.UNIMPLEMENTED);
  try {
    validateTTL(createMode, ttl);
  } catch (e) {
    if (e instanceof InvalidEphemeralTypeError) throw new KeeperException(Code.BADARGUMENTS, path ?? undefined);
    throw e;
  }
  const owner = ctx.ownerOf(request);
  if (isEphemeralMode(createMode)) ctx.sessionTracker.checkGlobalSession(request.sessionId, owner);
  else ctx.sessionTracker.checkSession(request.sessionId, owner);
}

/** validatePathForCreate: a '/' somewhere and no NUL; returns the parent ("" for the root). */
function validatePathForCreate(path: string): string {
  const lastSlash = path.lastIndexOf('/');
  if (lastSlash === -1 || path.includes('\0')) throw new KeeperException(Code.BADARGUMENTS, path);
  return path.substring(0, lastSlash);
}
