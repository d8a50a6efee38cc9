import {
  BinaryInputArchive,
  BinaryOutputArchive,
  decode,
  encode,
  encodeFrame,
  GetDataResponse,
  JuteTypeError,
  MultiTxn,
  ReplyHeader,
  RequestHeader,
  Stat,
  Txn,
} from '../../lib/jute';
import type { JuteRecord } from '../../lib/jute';

// encode/encodeFrame share one scratch archive; these pin down that sharing never leaks.

const header = new ReplyHeader({ xid: 7, zxid: 0x1234_5678_9abcn, err: 0 });
const headerHex = '00000007000012345678' + '9abc' + '00000000';

test('encode returns an independent copy each time', () => {
  const a = encode(header);
  const b = encode(new RequestHeader({ xid: 1, type: 2 }));
  expect(a.toString('hex')).toBe(headerHex);
  expect(b.toString('hex')).toBe('0000000100000002');
  a.fill(0);
  expect(encode(header).toString('hex')).toBe(headerHex);
});

test('encodeFrame prefixes the body length', () => {
  const f = encodeFrame(header, new RequestHeader({ xid: 1, type: 2 }));
  expect(f.toString('hex')).toBe('00000018' + headerHex + '0000000100000002');
});

test('a failed encode leaves nothing behind for the next one', () => {
  const bad = new GetDataResponse({ data: Buffer.alloc(100, 1), stat: null as unknown as Stat });
  expect(() => encode(header, bad)).toThrow(JuteTypeError);
  expect(encode(header).toString('hex')).toBe(headerHex);
  expect(() => encodeFrame(bad)).toThrow(JuteTypeError);
  expect(encodeFrame(header).toString('hex')).toBe('00000010' + headerHex);
});

test('a serialize that calls encode itself gets correct bytes at both levels', () => {
  // A hand-written record (like MultiOperationRecord) may encode its parts as it goes.
  const inner = new Txn({ type: 1, data: Buffer.from('abc') });
  const nesting: JuteRecord = {
    serialize(oa: BinaryOutputArchive) {
      oa.writeInt(99);
      oa.writeBuffer(encode(inner));
      oa.writeInt(100);
    },
    toJSON: () => ({}),
  };
  const out = encodeFrame(header, nesting);
  const ia = new BinaryInputArchive(out, undefined, 4);
  expect(ReplyHeader.deserialize(ia)).toStrictEqual(header);
  expect(ia.readInt()).toBe(99);
  expect(decode(Txn, ia.readBuffer()!, { exact: true })).toStrictEqual(inner);
  expect(ia.readInt()).toBe(100);
  expect(ia.remaining).toBe(0);
  expect(out.readInt32BE(0)).toBe(out.length - 4);
});

test('a huge message is encoded whole and later small ones are unaffected', () => {
  const big = new GetDataResponse({ data: Buffer.alloc(512 * 1024, 0xee), stat: new Stat({ version: 3 }) });
  const bytes = encodeFrame(big);
  expect(bytes.length).toBe(4 + 4 + 512 * 1024 + 68);
  expect(decode(GetDataResponse, bytes.subarray(4), { exact: true })).toStrictEqual(big);
  expect(encode(header).toString('hex')).toBe(headerHex);
  const multi = new MultiTxn({ txns: [new Txn({ type: 2, data: Buffer.from([1]) })] });
  expect(decode(MultiTxn, encode(multi), { exact: true })).toStrictEqual(multi);
});

test.each([
  [-(1n << 63n), '8000000000000000'],
  [(1n << 63n) - 1n, '7fffffffffffffff'],
  [-1n, 'ffffffffffffffff'],
  [0x0102030405060708n, '0102030405060708'],
  [-0x0102030405060708n, 'fefdfcfbfaf9f8f8'],
])('long %p is written big-endian as %s and read back', (v, hex) => {
  const oa = new BinaryOutputArchive(1);
  oa.writeLong(v);
  expect(oa.toBuffer().toString('hex')).toBe(hex);
  expect(new BinaryInputArchive(Buffer.from(hex, 'hex')).readLong()).toBe(v);
});

test.each([1n << 63n, -(1n << 63n) - 1n, 1n << 64n])('long %p outside int64 is a JuteTypeError', (v) => {
  expect(() => new BinaryOutputArchive().writeLong(v, 'X.f')).toThrow(JuteTypeError);
});

describe('BinaryInputArchive.shareBuffers', () => {
  const framed = (field: Buffer, padding: number): Buffer => {
    const oa = new BinaryOutputArchive();
    oa.writeBuffer(field);
    oa.writeBuffer(Buffer.alloc(padding, 9));
    return oa.toBuffer();
  };

  it('reads a field that is at least half of the input as a view of it, else as a copy', () => {
    const input = framed(Buffer.from('0123456789'), 2); // 10 of 20 bytes: a view
    const ia = new BinaryInputArchive(input);
    ia.shareBuffers = true;
    const field = ia.readBuffer()!;
    expect(field.toString()).toBe('0123456789');
    expect(field.buffer).toBe(input.buffer);
    expect(field.byteOffset).toBe(input.byteOffset + 4);
    // The small trailing field is copied: keeping it must not keep the input alive.
    const small = ia.readBuffer()!;
    expect(small).toEqual(Buffer.alloc(2, 9));
    expect(small.buffer === input.buffer && small.byteOffset >= input.byteOffset && small.byteOffset < input.byteOffset + input.length).toBe(false);
  });

  it('copies every field unless asked, and a shared read leaves the same bytes', () => {
    const input = framed(Buffer.from('abcdefghijkl'), 1);
    const copy = new BinaryInputArchive(input).readBuffer()!;
    const shared = decode(Txn, encode(new Txn({ type: 5, data: Buffer.from('abcdefghijkl') })), { shareBuffers: true }).data!;
    expect(copy.buffer === input.buffer && copy.byteOffset >= input.byteOffset && copy.byteOffset < input.byteOffset + input.length).toBe(false);
    expect(shared.toString()).toBe('abcdefghijkl');
    input.fill(0);
    expect(copy.toString()).toBe('abcdefghijkl');
  });
});
