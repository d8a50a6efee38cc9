import { TTL_MAX_VALUE } from '../data/ephemeral-type';
import { ACL, Id } from '../jute/records/data';
import { Code } from '../protocol/keeper-exception';
import { CreateMode, Ids, isTTLMode } from '../protocol/zoo-defs';
import { IllegalArgumentError, createKeeperException } from './errors';

/** What a znode's data may be given as: bytes, a string (UTF-8), or null for none. */
export type Data = Buffer | Uint8Array | string | null;

/** An ACL entry as a jute record or a plain object. */
export type ACLLike = ACL | { perms: number; id: { scheme: string | null; id: string | null } };

export function toData(data: Data | undefined): Buffer | null {
  if (data === undefined || data === null) return null;
  if (Buffer.isBuffer(data)) return data;
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  throw new IllegalArgumentError(`data must be a Buffer, Uint8Array, string or null, got ${typeof data}`);
}

/** ZooKeeper.validateACL: null, empty, or a null entry is InvalidACL before anything is sent. */
export function toAcl(acl: readonly ACLLike[] | undefined): ACL[] {
  if (acl === undefined) return Ids.OPEN_ACL_UNSAFE();
  if (!Array.isArray(acl) || acl.length === 0) throw createKeeperException(Code.INVALIDACL);
  return acl.map((a) => {
    if (a instanceof ACL) return a;
    if (a === null || typeof a !== 'object' || typeof a.id !== 'object' || a.id === null) {
      throw createKeeperException(Code.INVALIDACL);
    }
    return new ACL({ perms: a.perms, id: new Id({ scheme: a.id.scheme, id: a.id.id }) });
  });
}

export function checkVersion(version: number, what = 'version'): number {
  if (!Number.isInteger(version) || version < -0x80000000 || version > 0x7fffffff) {
    throw new IllegalArgumentError(`${what} must be a 32-bit integer, got ${String(version)}`);
  }
  return version;
}

const MODES = new Set<number>(Object.values(CreateMode));

export function checkCreateMode(mode: number): CreateMode {
  if (!MODES.has(mode)) throw new IllegalArgumentError(`unknown CreateMode ${String(mode)}`);
  return mode as CreateMode;
}

/** EphemeralType.validateTTL: a TTL mode needs 0 < ttl ≤ 2^40-1; other modes take none. */
export function checkTTL(mode: CreateMode, ttl: number | bigint | undefined): bigint {
  const t = ttl === undefined ? -1n : BigInt(ttl);
  if (isTTLMode(mode)) {
    if (t > TTL_MAX_VALUE || t <= 0n) {
      throw new IllegalArgumentError(`ttl must be positive and cannot be larger than: ${TTL_MAX_VALUE}`);
    }
  } else if (t >= 0n) {
    throw new IllegalArgumentError(`ttl not valid for mode: ${modeName(mode)}`);
  }
  return t;
}

export function modeName(mode: number): string {
  return Object.entries(CreateMode).find(([, v]) => v === mode)?.[0] ?? String(mode);
}
