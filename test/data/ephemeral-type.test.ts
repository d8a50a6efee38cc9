import { CreateMode } from '../../lib/protocol';
import {
  CONTAINER_EPHEMERAL_OWNER,
  EphemeralType,
  ephemeralTypeOf,
  getTTL,
  InvalidEphemeralTypeError,
  TTL_MAX_VALUE,
  ttlToEphemeralOwner,
  validateServerId,
  validateTTL,
} from '../../lib/data/ephemeral-type';

describe('EphemeralType', () => {
  it('reads void, normal and container owners with or without extended types', () => {
    for (const ext of [false, true]) {
      expect(ephemeralTypeOf(0n, ext)).toBe(EphemeralType.VOID);
      expect(ephemeralTypeOf(0x100000001n, ext)).toBe(EphemeralType.NORMAL);
      expect(ephemeralTypeOf(CONTAINER_EPHEMERAL_OWNER, ext)).toBe(EphemeralType.CONTAINER);
    }
    expect(CONTAINER_EPHEMERAL_OWNER).toBe(-9223372036854775808n);
  });

  it('encodes a TTL in the owner as 0xFF0000 + ttl, a negative long', () => {
    const owner = ttlToEphemeralOwner(1000n);
    expect(BigInt.asUintN(64, owner)).toBe(0xff000000000003e8n);
    expect(owner < 0n).toBe(true);
    expect(getTTL(owner)).toBe(1000n);
    expect(ephemeralTypeOf(owner, true)).toBe(EphemeralType.TTL);
    // Without extended types the same long is just a session id.
    expect(ephemeralTypeOf(owner, false)).toBe(EphemeralType.NORMAL);
  });

  it('refuses TTLs out of range and unknown extended feature bits', () => {
    expect(TTL_MAX_VALUE).toBe((1n << 40n) - 1n);
    expect(() => ttlToEphemeralOwner(0n)).toThrow(InvalidEphemeralTypeError);
    expect(() => ttlToEphemeralOwner(TTL_MAX_VALUE + 1n)).toThrow(
      'ttl must be positive and cannot be larger than: 1099511627775',
    );
    expect(getTTL(ttlToEphemeralOwner(TTL_MAX_VALUE))).toBe(TTL_MAX_VALUE);
    expect(() => ephemeralTypeOf(BigInt.asIntN(64, 0xff00010000000001n), true)).toThrow(
      'Invalid ephemeralOwner. [ff00010000000001]',
    );
  });

  it('validates a ttl against the create mode', () => {
    expect(() => validateTTL(CreateMode.PERSISTENT_WITH_TTL, 10n)).not.toThrow();
    expect(() => validateTTL(CreateMode.PERSISTENT_WITH_TTL, -1n)).toThrow(InvalidEphemeralTypeError);
    expect(() => validateTTL(CreateMode.PERSISTENT, -1n)).not.toThrow();
    expect(() => validateTTL(CreateMode.PERSISTENT, 0n)).toThrow('ttl not valid for mode: PERSISTENT');
  });

  it('limits server ids only when extended types are enabled', () => {
    expect(() => validateServerId(255n, false)).not.toThrow();
    expect(() => validateServerId(254n, true)).not.toThrow();
    expect(() => validateServerId(255n, true)).toThrow('Cannot be larger than 254');
  });
});
