import { isTTLMode } from '../protocol/zoo-defs';

/**
 * EphemeralType: what a znode's ephemeralOwner field encodes. Besides a session id (NORMAL)
 * or 0 (VOID), the owner can mark a container (Long.MIN_VALUE) or, when extended types
 * are enabled (zookeeper.extendedTypesEnabled), a TTL node: top byte 0xFF, two reserved
 * bytes 0x0000 (the TTL feature bits), and the ttl in milliseconds in the low 40 bits.
 */
export enum EphemeralType {
  VOID = 'VOID',
  NORMAL = 'NORMAL',
  CONTAINER = 'CONTAINER',
  TTL = 'TTL',
}

/** A ttl or server id that EphemeralType refuses; the server answers BadArguments. */
export class InvalidEphemeralTypeError extends Error {
  override name = 'InvalidEphemeralTypeError';
}

const U64 = (v: bigint): bigint => BigInt.asUintN(64, v);
const S64 = (v: bigint): bigint => BigInt.asIntN(64, v);

/** Long.MIN_VALUE. */
export const CONTAINER_EPHEMERAL_OWNER = -(1n << 63n);
/** With extended types, session ids carry the server id in their top byte; 0xff is taken. */
export const MAX_EXTENDED_SERVER_ID = 0xfen;

const EXTENDED_MASK = 0xff00000000000000n;
const EXTENDED_BIT_TTL = 0x0000n;
const RESERVED_BITS_MASK = 0x00ffff0000000000n;
const RESERVED_BITS_SHIFT = 40n;
const EXTENDED_FEATURE_VALUE_MASK = U64(~(EXTENDED_MASK | RESERVED_BITS_MASK));

/** The largest TTL (ms): 2^40 - 1, about 34 years. */
export const TTL_MAX_VALUE = EXTENDED_FEATURE_VALUE_MASK;

/**
 * EphemeralType.get. `extendedTypesEnabled` stands for Java's system property: without
 * it a TTL-looking owner is just a (NORMAL) session id.
 */
export function ephemeralTypeOf(ephemeralOwner: bigint, extendedTypesEnabled: boolean): EphemeralType {
  if (extendedTypesEnabled) {
    const u = U64(ephemeralOwner);
    if ((u & EXTENDED_MASK) === EXTENDED_MASK) {
      const featureBit = (u & RESERVED_BITS_MASK) >> RESERVED_BITS_SHIFT;
      if (featureBit !== EXTENDED_BIT_TTL) {
        throw new InvalidEphemeralTypeError(`Invalid ephemeralOwner. [${u.toString(16)}]`);
      }
      return EphemeralType.TTL;
    }
  }
  if (ephemeralOwner === CONTAINER_EPHEMERAL_OWNER) return EphemeralType.CONTAINER;
  return ephemeralOwner === 0n ? EphemeralType.VOID : EphemeralType.NORMAL;
}

/** EphemeralType.TTL.toEphemeralOwner: the owner that encodes a TTL node. */
export function ttlToEphemeralOwner(ttl: bigint): bigint {
  if (ttl > TTL_MAX_VALUE || ttl <= 0n) {
    throw new InvalidEphemeralTypeError(`ttl must be positive and cannot be larger than: ${TTL_MAX_VALUE}`);
  }
  return S64(EXTENDED_MASK | EXTENDED_BIT_TTL | ttl);
}

/** EphemeralType.TTL.getValue: the ttl (ms) inside a TTL node's owner. */
export function getTTL(ephemeralOwner: bigint): bigint {
  return U64(ephemeralOwner) & EXTENDED_FEATURE_VALUE_MASK;
}

/** EphemeralType.validateTTL: a TTL mode needs a ttl in range; other modes need ttl < 0. */
export function validateTTL(createMode: number, ttl: bigint): void {
  if (isTTLMode(createMode)) {
    ttlToEphemeralOwner(ttl);
  } else if (ttl >= 0n) {
    throw new InvalidEphemeralTypeError(`ttl not valid for mode: ${createModeName(createMode)}`);
  }
}

/** EphemeralType.validateServerId: with extended types a server id must fit below 0xff. */
export function validateServerId(serverId: bigint, extendedTypesEnabled: boolean): void {
  if (extendedTypesEnabled && serverId > MAX_EXTENDED_SERVER_ID) {
    throw new InvalidEphemeralTypeError(
      `extendedTypesEnabled is true but Server ID is too large. Cannot be larger than ${MAX_EXTENDED_SERVER_ID}`,
    );
  }
}

const MODE_NAMES = [
  'PERSISTENT',
  'EPHEMERAL',
  'PERSISTENT_SEQUENTIAL',
  'EPHEMERAL_SEQUENTIAL',
  'CONTAINER',
  'PERSISTENT_WITH_TTL',
  'PERSISTENT_SEQUENTIAL_WITH_TTL',
];

function createModeName(mode: number): string {
  return MODE_NAMES[mode] ?? String(mode);
}
