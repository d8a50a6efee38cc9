import {
  configVersionOf,
  decodeNotification,
  encodeNotification,
  encodeNotificationV1,
  NotificationFormatError,
  type NotificationMessage,
} from '../../lib/quorum/election/notification';
import { ServerState } from '../../lib/quorum/vote';
import { golden } from './golden';

const sample: NotificationMessage = { state: ServerState.LOOKING, leader: 3n, zxid: 0x500000007n, electionEpoch: 7n, peerEpoch: 5n, config: 'version=0' };

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(NotificationFormatError);
    return (e as NotificationFormatError).code;
  }
  return undefined;
}

describe('election notifications on the wire', () => {
  it.each(golden.notifications.map((n, i) => [i, n] as const))('encode to the bytes of FastLeaderElection.buildMsg (#%d)', (_i, g) => {
    const m: NotificationMessage = {
      state: g.state,
      leader: BigInt(g.leader),
      zxid: BigInt(g.zxid),
      electionEpoch: BigInt(g.electionEpoch),
      peerEpoch: BigInt(g.peerEpoch),
      config: g.config,
    };
    expect(encodeNotification(m).toString('hex')).toBe(g.hex);
  });

  it.each(golden.notifications.map((n, i) => [i, n] as const))('decode what Java sent (#%d)', (_i, g) => {
    const n = decodeNotification(Buffer.from(g.hex, 'hex'), 7);
    expect(n).toEqual({
      state: g.state,
      leader: BigInt(g.leader),
      zxid: BigInt(g.zxid),
      electionEpoch: BigInt(g.electionEpoch),
      peerEpoch: BigInt(g.peerEpoch),
      sid: 7,
      version: 2,
      config: g.config,
    });
  });

  it('read the 40-byte format of 3.4 peers without a config, and as version 0 (Java skips its version int)', () => {
    const g = golden.notificationV1;
    const v1 = { state: g.state, leader: BigInt(g.leader), zxid: BigInt(g.zxid), electionEpoch: BigInt(g.electionEpoch), peerEpoch: BigInt(g.peerEpoch) };
    expect(encodeNotificationV1(v1).toString('hex')).toBe(g.hex);
    expect(decodeNotification(Buffer.from(g.hex, 'hex'), 2)).toEqual({ ...v1, sid: 2, version: 0, config: null });
  });

  it('ignore whatever stands in the version int of a 40-byte message', () => {
    const b = encodeNotificationV1(sample);
    b.writeInt32BE(0x7777, 36);
    expect(decodeNotification(b, 1)).toMatchObject({ version: 0, peerEpoch: 5n, config: null });
  });

  it('like 3.8, refuse the 36-byte format (peerEpoch, no version) as partial', () => {
    expect(codeOf(() => decodeNotification(encodeNotificationV1(sample).subarray(0, 36), 1))).toBe('truncated');
  });

  it('take the peer epoch from the zxid in the 28-byte format of 3.3 peers', () => {
    const b = encodeNotificationV1(sample).subarray(0, 28);
    expect(decodeNotification(b, 1)).toMatchObject({ leader: 3n, zxid: 0x500000007n, electionEpoch: 7n, peerEpoch: 5n, version: 0 });
  });

  it('ignore bytes past the config, as Java does', () => {
    const b = Buffer.concat([encodeNotification(sample), Buffer.from('trailing')]);
    expect(decodeNotification(b, 1).config).toBe('version=0');
  });

  it('round-trip every state', () => {
    for (const state of [ServerState.LOOKING, ServerState.FOLLOWING, ServerState.LEADING, ServerState.OBSERVING]) {
      expect(decodeNotification(encodeNotification({ ...sample, state }), 4)).toMatchObject({ state, sid: 4 });
    }
  });
});

describe('bad notifications get a typed error', () => {
  const good = encodeNotification(sample);

  it('a message under 28 bytes is short', () => {
    expect(codeOf(() => decodeNotification(Buffer.alloc(27), 1))).toBe('short');
    expect(codeOf(() => decodeNotification(Buffer.alloc(0), 1))).toBe('short');
  });

  it('a message ending inside peerEpoch, version or config is truncated', () => {
    expect(codeOf(() => decodeNotification(good.subarray(0, 33), 1))).toBe('truncated');
    expect(codeOf(() => decodeNotification(good.subarray(0, 38), 1))).toBe('truncated');
    expect(codeOf(() => decodeNotification(good.subarray(0, 42), 1))).toBe('truncated');
    expect(codeOf(() => decodeNotification(good.subarray(0, good.length - 1), 1))).toBe('truncated');
  });

  it('a negative or oversize config length is refused before allocating', () => {
    const neg = Buffer.from(good);
    neg.writeInt32BE(-1, 40);
    expect(codeOf(() => decodeNotification(neg, 1))).toBe('config-length');
    const huge = Buffer.from(good);
    huge.writeInt32BE(0x7fffffff, 40);
    expect(codeOf(() => decodeNotification(huge, 1))).toBe('config-length');
  });

  it('an unknown state is refused', () => {
    const b = Buffer.from(good);
    b.writeInt32BE(4, 0);
    expect(codeOf(() => decodeNotification(b, 1))).toBe('unknown-state');
    b.writeInt32BE(-1, 0);
    expect(codeOf(() => decodeNotification(b, 1))).toBe('unknown-state');
  });

  it('values that do not fit a long or a state cannot be encoded', () => {
    expect(codeOf(() => encodeNotification({ ...sample, zxid: 1n << 63n }))).toBe('out-of-range');
    expect(codeOf(() => encodeNotification({ ...sample, leader: -(1n << 63n) - 1n }))).toBe('out-of-range');
    expect(codeOf(() => encodeNotification({ ...sample, state: 9 as ServerState }))).toBe('unknown-state');
  });
});

describe('configVersionOf', () => {
  it('reads the hex version line of a configuration text', () => {
    expect(configVersionOf(golden.configStrings.maj5)).toBe(0x100000000n);
    expect(configVersionOf('server.1=a:1:2:participant\nversion=0')).toBe(0n);
    expect(configVersionOf('')).toBeNull();
    expect(configVersionOf(null)).toBeNull();
  });
});
