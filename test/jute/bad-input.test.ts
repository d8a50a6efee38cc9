import {
  ACL,
  ConnectRequest,
  CreateRequest,
  DEFAULT_MAX_BUFFER,
  decode,
  encode,
  encodeFrame,
  ExistsRequest,
  FrameDecoder,
  GetChildrenResponse,
  GetDataRequest,
  GetDataResponse,
  Id,
  JuteError,
  JuteLengthError,
  JuteTruncatedError,
  JuteTypeError,
  MultiTxn,
  QuorumPacket,
  ReplyHeader,
  RequestHeader,
  SetWatches,
  Stat,
  Txn,
  WhoAmIResponse,
} from '../../lib/jute';
import type { JuteRecord, RecordClass } from '../../lib/jute';
import { goldenRecord } from './golden-fixtures';

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n, 0);
  return b;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

/** Runs fn while recording every Buffer.allocUnsafe size, so tests can bound allocations. */
function allocSizes(fn: () => void): number[] {
  const sizes: number[] = [];
  const real = Buffer.allocUnsafe;
  const spy = jest.spyOn(Buffer, 'allocUnsafe').mockImplementation((n: number) => {
    sizes.push(n);
    return real(n);
  });
  try {
    fn();
  } finally {
    spy.mockRestore();
  }
  return sizes;
}

const emptyStat = encode(new Stat());

describe('length prefixes over jute.maxbuffer', () => {
  test('a frame above the default limit is a JuteLengthError naming jute.maxbuffer', () => {
    const fd = new FrameDecoder();
    const e = thrown(() => fd.push(int32(DEFAULT_MAX_BUFFER + 1))) as JuteLengthError;
    expect(e).toBeInstanceOf(JuteLengthError);
    expect(e.limit).toBe(0xfffff);
    expect(e.length).toBe(DEFAULT_MAX_BUFFER + 1);
    expect(e.message).toContain('jute.maxbuffer=1048575');
  });

  test('a frame exactly at the limit is accepted and awaited', () => {
    const fd = new FrameDecoder();
    expect(fd.push(int32(DEFAULT_MAX_BUFFER))).toEqual([]);
    expect(fd.pendingBytes).toBe(4);
  });

  test('the frame limit is configurable', () => {
    const ok = new FrameDecoder(100);
    const body = Buffer.alloc(100, 7);
    expect(ok.push(Buffer.concat([int32(100), body]))).toEqual([body]);
    const e = thrown(() => new FrameDecoder(100).push(int32(101))) as JuteLengthError;
    expect(e).toBeInstanceOf(JuteLengthError);
    expect(e.limit).toBe(100);
    expect(e.message).toContain('jute.maxbuffer=100');
  });

  test('a buffer or string length over the decode limit is a JuteLengthError', () => {
    const data = Buffer.concat([int32(17), Buffer.alloc(17), emptyStat]);
    expect(decode(GetDataResponse, data).data).toHaveLength(17);
    const e = thrown(() => decode(GetDataResponse, data, { maxBuffer: 16 })) as JuteLengthError;
    expect(e).toBeInstanceOf(JuteLengthError);
    expect(e.what).toBe('buffer');
    expect(e.limit).toBe(16);
    const passwd = Buffer.concat([int32(0x7fffffff), Buffer.alloc(4)]);
    const pe = thrown(() => decode(ConnectRequest, Buffer.concat([int32(0), Buffer.alloc(8), int32(0), Buffer.alloc(8), passwd])));
    expect(pe).toBeInstanceOf(JuteLengthError);
    expect((pe as Error).message).toContain('jute.maxbuffer');
  });
});

describe('negative lengths', () => {
  test.each([-2, -1, -0x80000000])('a frame length of %d is rejected', (n) => {
    const e = thrown(() => new FrameDecoder().push(int32(n))) as JuteLengthError;
    expect(e).toBeInstanceOf(JuteLengthError);
    expect(e.message).toContain('negative');
  });

  test('a buffer length below -1 is rejected; -1 is null', () => {
    expect(decode(GetDataResponse, Buffer.concat([int32(-1), emptyStat])).data).toBeNull();
    const e = thrown(() => decode(GetDataResponse, Buffer.concat([int32(-2), emptyStat])));
    expect(e).toBeInstanceOf(JuteLengthError);
    expect((e as JuteLengthError).what).toBe('buffer');
  });

  test('a ustring length below -1 is rejected; -1 is null', () => {
    const req = (n: number) => Buffer.concat([int32(n), Buffer.from([0])]); // GetDataRequest: path, watch
    expect(decode(GetDataRequest, req(-1)).path).toBeNull();
    const e = thrown(() => decode(GetDataRequest, req(-5)));
    expect(e).toBeInstanceOf(JuteLengthError);
    expect((e as JuteLengthError).what).toBe('ustring');
  });

  test.each([-2, -100, -0x80000000])('a vector count of %d is rejected; -1 is null', (n) => {
    expect(decode(GetChildrenResponse, int32(-1)).children).toBeNull();
    expect(thrown(() => decode(GetChildrenResponse, int32(n)))).toBeInstanceOf(JuteLengthError);
    expect(thrown(() => decode(MultiTxn, int32(n)))).toBeInstanceOf(JuteLengthError);
  });
});

describe('truncation at every byte offset', () => {
  const subjects: [string, JuteRecord][] = [
    ['ConnectRequest', goldenRecord('ConnectRequest')],
    [
      'CreateRequest with ACLs',
      new CreateRequest({
        path: '/app/lock-0000000001',
        data: Buffer.from('payload'),
        acl: [
          new ACL({ perms: 31, id: new Id({ scheme: 'world', id: 'anyone' }) }),
          new ACL({ perms: 1, id: new Id({ scheme: 'digest', id: 'u:hash' }) }),
        ],
        flags: 3,
      }),
    ],
    ['GetDataResponse', goldenRecord('GetDataResponse')],
    ['MultiTxn', goldenRecord('MultiTxn')],
    ['QuorumPacket', goldenRecord('QuorumPacket')],
  ];

  test.each(subjects)('%s: every proper prefix is a JuteTruncatedError, with no large allocation', (_, rec) => {
    const cls = rec.constructor as RecordClass<any>;
    const full = encode(rec);
    expect(decode(cls, full, { exact: true })).toStrictEqual(rec);
    for (let cut = 0; cut < full.length; cut++) {
      const prefix = Buffer.from(full.subarray(0, cut)); // a copy: no bytes beyond the cut
      let err: unknown;
      const sizes = allocSizes(() => {
        err = thrown(() => decode(cls, prefix));
      });
      expect(err).toBeInstanceOf(JuteTruncatedError);
      const t = err as JuteTruncatedError;
      expect(t.offset).toBeLessThanOrEqual(cut);
      expect(t.available).toBeLessThan(t.needed);
      expect(Math.max(0, ...sizes)).toBeLessThanOrEqual(cut);
    }
  });

  test('a record followed by extra bytes decodes, and `exact` rejects the extra', () => {
    // The 3.8 client writes its read-only flag after ConnectRequest; decoding must allow that.
    const bytes = Buffer.concat([encode(goldenRecord('ConnectRequest')), Buffer.from([1])]);
    expect(decode(ConnectRequest, bytes)).toStrictEqual(goldenRecord('ConnectRequest'));
    expect(thrown(() => decode(ConnectRequest, bytes, { exact: true }))).toBeInstanceOf(JuteError);
  });
});

describe('counts and lengths larger than the bytes left', () => {
  test('a vector count of 0x7fffffff in a 12-byte buffer fails before allocating', () => {
    const bytes = Buffer.concat([int32(0x7fffffff), Buffer.alloc(8)]);
    for (const cls of [GetChildrenResponse, MultiTxn, WhoAmIResponse, SetWatches] as RecordClass<any>[]) {
      const input = cls === SetWatches ? Buffer.concat([Buffer.alloc(8), bytes]) : bytes;
      let err: unknown;
      const sizes = allocSizes(() => {
        err = thrown(() => decode(cls, input));
      });
      expect(err).toBeInstanceOf(JuteTruncatedError);
      expect((err as Error).message).toContain('2147483647 elements');
      expect(sizes).toEqual([]);
    }
  });

  test('a vector count is checked against the smallest encoding of its element', () => {
    // Each Txn takes at least 8 bytes (type + data length): 3 of them cannot fit in 16.
    const two = encode(new MultiTxn({ txns: [new Txn({ type: 1, data: null }), new Txn({ type: 2, data: null })] }));
    expect(two.length).toBe(4 + 16);
    const three = Buffer.from(two);
    three.writeInt32BE(3, 0);
    const e = thrown(() => decode(MultiTxn, three)) as JuteTruncatedError;
    expect(e).toBeInstanceOf(JuteTruncatedError);
    expect(e.needed).toBe(24);
    expect(e.available).toBe(16);
  });

  test('a buffer length within jute.maxbuffer but past the end fails before allocating', () => {
    const bytes = Buffer.concat([int32(0xffff), Buffer.alloc(10)]);
    let err: unknown;
    const sizes = allocSizes(() => {
      err = thrown(() => decode(GetDataResponse, bytes));
    });
    expect(err).toBeInstanceOf(JuteTruncatedError);
    expect(sizes).toEqual([]);
  });
});

describe('wrong JavaScript types at encode', () => {
  const cases: [string, () => JuteRecord, string][] = [
    ['a string in an int field', () => new RequestHeader({ xid: '1' as any, type: 4 }), 'RequestHeader.xid'],
    ['a fraction in an int field', () => new RequestHeader({ xid: 1.5, type: 4 }), 'RequestHeader.xid'],
    ['an int above 2^31-1', () => new RequestHeader({ xid: 1, type: 2 ** 31 }), 'RequestHeader.type'],
    ['an int below -2^31', () => new RequestHeader({ xid: -(2 ** 31) - 1, type: 4 }), 'RequestHeader.xid'],
    ['a number in a long field', () => new ReplyHeader({ xid: 1, zxid: 5 as any, err: 0 }), 'ReplyHeader.zxid'],
    ['a long above 2^63-1', () => new ReplyHeader({ xid: 1, zxid: 1n << 63n, err: 0 }), 'ReplyHeader.zxid'],
    ['a string in a buffer field', () => new GetDataResponse({ data: 'abc' as any, stat: new Stat() }), 'GetDataResponse.data'],
    ['a number in a ustring field', () => new CreateRequest({ path: 7 as any }), 'CreateRequest.path'],
    ['a number in a boolean field', () => new ExistsRequest({ path: '/a', watch: 1 as any }), 'ExistsRequest.watch'],
    ['a missing nested record', () => new GetDataResponse({ data: null, stat: null as any }), 'GetDataResponse.stat'],
    ['a plain object for a nested record', () => new GetDataResponse({ data: null, stat: { czxid: 1n } as any }), 'GetDataResponse.stat'],
    ['a non-array in a vector field', () => new CreateRequest({ path: '/a', acl: 'world' as any }), 'CreateRequest.acl'],
    ['a null element in a vector of records', () => new CreateRequest({ path: '/a', acl: [null as any] }), 'CreateRequest.acl[]'],
    ['a number in a vector of strings', () => new GetChildrenResponse({ children: ['a', 2 as any] }), 'GetChildrenResponse.children[]'],
    ['a bad field inside a nested record', () => new ACL({ perms: 1, id: new Id({ scheme: 5 as any, id: 'x' }) }), 'Id.scheme'],
  ];

  test.each(cases)('%s is a JuteTypeError naming the field', (_, make, field) => {
    const e = thrown(() => encode(make())) as JuteTypeError;
    expect(e).toBeInstanceOf(JuteTypeError);
    expect(e.field).toBe(field);
    expect(e.message).toContain(field);
    expect(thrown(() => encodeFrame(make()))).toBeInstanceOf(JuteTypeError);
  });
});

/** A small deterministic PRNG so chunkings are varied but reproducible. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('FrameDecoder', () => {
  const records: JuteRecord[] = [
    new RequestHeader({ xid: 1, type: 4 }),
    goldenRecord('GetDataResponse'),
    new GetChildrenResponse({ children: [] }),
    goldenRecord('MultiTxn'),
    goldenRecord('CreateRequest'),
    new QuorumPacket({ type: 2, zxid: 0x100000001n, data: Buffer.alloc(3000, 0xab), authinfo: null }),
  ];
  const frames = records.map((r) => encodeFrame(r));
  const stream = Buffer.concat([...frames, int32(0)]); // and one empty frame
  const bodies = [...records.map((r) => encode(r)), Buffer.alloc(0)];

  function feed(chunks: Buffer[], fd = new FrameDecoder()): Buffer[] {
    const out = chunks.flatMap((c) => fd.push(c));
    fd.end();
    return out;
  }

  test('encodeFrame writes the body length then the body', () => {
    frames.forEach((f, i) => {
      expect(f.readInt32BE(0)).toBe(f.length - 4);
      expect(f.subarray(4)).toEqual(bodies[i]);
    });
  });

  test('the whole stream at once yields every frame', () => {
    const out = feed([stream]);
    expect(out).toEqual(bodies);
    expect(decode(GetDataResponse, out[1], { exact: true })).toStrictEqual(records[1]);
  });

  test('byte-by-byte feeding yields the same frames', () => {
    const chunks = [...Array(stream.length).keys()].map((i) => stream.subarray(i, i + 1));
    expect(feed(chunks)).toEqual(bodies);
  });

  test.each([1, 2, 3, 4, 5, 6, 7, 8])('random chunking (seed %d) yields the same frames', (seed) => {
    const rnd = lcg(seed);
    const chunks: Buffer[] = [];
    for (let at = 0; at < stream.length; ) {
      const n = Math.floor(rnd() * (rnd() < 0.5 ? 8 : 2000)); // zero-length chunks too
      chunks.push(stream.subarray(at, at + n));
      at += n;
    }
    expect(feed(chunks)).toEqual(bodies);
  });

  test('a 256 KiB frame dribbled one byte at a time is decoded in linear time', () => {
    const size = 256 * 1024;
    const frame = Buffer.concat([int32(size), Buffer.alloc(size, 1)]);
    const fd = new FrameDecoder();
    const started = process.hrtime.bigint();
    const out: Buffer[] = [];
    for (let i = 0; i < frame.length; i++) out.push(...fd.push(frame.subarray(i, i + 1)));
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    expect(out).toHaveLength(1);
    expect(out[0].equals(frame.subarray(4))).toBe(true);
    expect(ms).toBeLessThan(5000); // quadratic rescanning took minutes here
  });

  test('end() with a partial length prefix is a truncation', () => {
    const fd = new FrameDecoder();
    fd.push(Buffer.from([0, 0]));
    const e = thrown(() => fd.end()) as JuteTruncatedError;
    expect(e).toBeInstanceOf(JuteTruncatedError);
    expect(e.needed).toBe(4);
    expect(e.available).toBe(2);
  });

  test('end() with a partial body is a truncation', () => {
    const fd = new FrameDecoder();
    expect(fd.push(frames[1].subarray(0, 10))).toEqual([]);
    expect(fd.pendingBytes).toBe(10);
    const e = thrown(() => fd.end()) as JuteTruncatedError;
    expect(e).toBeInstanceOf(JuteTruncatedError);
    expect(e.needed).toBe(frames[1].length);
    expect(e.available).toBe(10);
  });

  test('end() at a frame boundary is fine', () => {
    const fd = new FrameDecoder();
    expect(fd.push(frames[0])).toHaveLength(1);
    expect(fd.pendingBytes).toBe(0);
    expect(() => fd.end()).not.toThrow();
  });

  test('after a bad length the decoder stays failed', () => {
    const fd = new FrameDecoder();
    const first = thrown(() => fd.push(Buffer.concat([frames[0], int32(-7)])));
    expect(first).toBeInstanceOf(JuteLengthError);
    expect(thrown(() => fd.push(frames[0]))).toBe(first);
  });
});
