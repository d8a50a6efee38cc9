import fc from 'fast-check';
import { decode, encode, encodeFrame, FrameDecoder, JuteError, RECORD_CATALOG } from '../../lib/jute';
import type { JuteRecord, JuteType, RecordClass } from '../../lib/jute';

// Modest run counts keep 72 records × 3 properties within a few seconds; set
// JUTE_PROPERTY_RUNS=2000 for a longer bug hunt.
const RUNS = Number(process.env.JUTE_PROPERTY_RUNS ?? 60);

const INT32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const INT64 = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
// 'binary' draws from all of Unicode (2-, 3- and 4-byte UTF-8), never a lone surrogate.
const USTRING = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 8 }));
const BUFFER = fc.uint8Array({ maxLength: 48 }).map((a) => Buffer.from(a));

function nullable<T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | null> {
  return fc.option(a, { nil: null, freq: 4 });
}

/** The arbitrary for a jute field type, derived from the record definitions themselves. */
function arbitraryOf(t: JuteType, depth = 0): fc.Arbitrary<unknown> {
  if (typeof t === 'string') {
    switch (t) {
      case 'byte':
        return fc.integer({ min: -128, max: 127 });
      case 'boolean':
        return fc.boolean();
      case 'int':
        return INT32;
      case 'long':
        return INT64;
      case 'float':
        return fc.float({ noNaN: true });
      case 'double':
        return fc.double({ noNaN: true });
      case 'ustring':
        return nullable(USTRING);
      case 'buffer':
        return nullable(BUFFER);
    }
  }
  if (typeof t === 'function') return recordArbitrary(t, depth + 1);
  const maxLength = depth > 1 ? 1 : 3;
  if (t.kind === 'vector') return nullable(fc.array(arbitraryOf(t.of, depth + 1), { maxLength }));
  return nullable(
    fc.array(fc.tuple(arbitraryOf(t.key, depth + 1), arbitraryOf(t.value, depth + 1)), { maxLength }).map((e) => new Map(e)),
  );
}

const recordArbs = new Map<RecordClass<any>, fc.Arbitrary<JuteRecord>>();
function recordArbitrary(cls: RecordClass<any>, depth = 0): fc.Arbitrary<JuteRecord> {
  let a = recordArbs.get(cls);
  if (!a) {
    const shape: Record<string, fc.Arbitrary<unknown>> = {};
    for (const f of cls.fields) shape[f.name] = arbitraryOf(f.type, depth);
    a = fc.record(shape).map((init) => new cls(init) as JuteRecord);
    recordArbs.set(cls, a);
  }
  return a;
}

const catalog = [...RECORD_CATALOG.entries()].map(([key, cls]) => [key.replace(/^org\.apache\.zookeeper\./, ''), cls] as const);

function expectJuteErrorOrValue(cls: RecordClass<any>, bytes: Buffer): void {
  try {
    const r = decode(cls, bytes);
    expect(r).toBeInstanceOf(cls);
  } catch (e) {
    if (!(e instanceof JuteError)) throw e;
  }
}

describe('every catalog record', () => {
  test.each(catalog)('%s: encode → decode → encode is byte-identical and value-identical', (_, cls) => {
    fc.assert(
      fc.property(recordArbitrary(cls), (v) => {
        const bytes = encode(v);
        const back = decode(cls, bytes, { exact: true });
        expect(encode(back).equals(bytes)).toBe(true);
        expect(back).toStrictEqual(v);
      }),
      { numRuns: RUNS },
    );
  });

  test.each(catalog)('%s: random bytes decode or throw a JuteError', (_, cls) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 96 }), (a) => expectJuteErrorOrValue(cls, Buffer.from(a))),
      { numRuns: RUNS },
    );
  });

  // Random bytes mostly fail at the first length prefix; corrupting a valid encoding
  // reaches the deeper fields, counts and nested records.
  const INTERESTING = fc.constantFrom(-1, -2, 0, 1, 0x7fffffff, -0x80000000, 0xfffff, 0x100000, 3);
  const corruption = fc.oneof(
    fc.record({ kind: fc.constant('byte' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('int' as const), at: fc.nat(), value: INTERESTING }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), value: fc.constant(0) }),
  );

  test.each(catalog)('%s: corrupted encodings decode or throw a JuteError', (_, cls) => {
    fc.assert(
      fc.property(recordArbitrary(cls), fc.array(corruption, { minLength: 1, maxLength: 3 }), (v, edits) => {
        let bytes = Buffer.from(encode(v));
        for (const e of edits) {
          if (bytes.length === 0) break;
          const at = e.at % bytes.length;
          if (e.kind === 'byte') bytes[at] = e.value;
          else if (e.kind === 'cut') bytes = bytes.subarray(0, at);
          else if (at + 4 <= bytes.length) bytes.writeInt32BE(e.value, at);
        }
        expectJuteErrorOrValue(cls, bytes);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('FrameDecoder over arbitrary chunkings', () => {
  const anyRecord = fc.constantFrom(...RECORD_CATALOG.values()).chain((cls) => recordArbitrary(cls));

  test('concatenated frames split anywhere come back as the same bodies', () => {
    const input = fc
      .array(anyRecord, { minLength: 1, maxLength: 6 })
      .chain((records) => {
        const stream = Buffer.concat(records.map((r) => encodeFrame(r)));
        return fc.tuple(
          fc.constant(records),
          fc.constant(stream),
          fc.uniqueArray(fc.integer({ min: 0, max: stream.length }), { maxLength: 12 }),
        );
      });
    fc.assert(
      fc.property(input, ([records, stream, cuts]) => {
        const points = [0, ...cuts.sort((a, b) => a - b), stream.length];
        const fd = new FrameDecoder();
        const bodies: Buffer[] = [];
        for (let i = 1; i < points.length; i++) bodies.push(...fd.push(stream.subarray(points[i - 1], points[i])));
        fd.end();
        expect(bodies.map((b) => b.toString('hex'))).toEqual(records.map((r) => encode(r).toString('hex')));
        bodies.forEach((b, i) => {
          const cls = records[i].constructor as RecordClass<any>;
          expect(decode(cls, b, { exact: true })).toStrictEqual(records[i]);
        });
      }),
      { numRuns: 150 },
    );
  });

  test('a stream cut short anywhere inside a frame fails end() with a JuteError', () => {
    const input = anyRecord.chain((r) => {
      const frame = encodeFrame(r);
      return fc.tuple(fc.constant(frame), fc.integer({ min: 1, max: frame.length - 1 }));
    });
    fc.assert(
      fc.property(input, ([frame, cut]) => {
        const fd = new FrameDecoder();
        expect(fd.push(frame.subarray(0, cut))).toEqual([]);
        expect(() => fd.end()).toThrow(JuteError);
      }),
      { numRuns: 100 },
    );
  });
});
