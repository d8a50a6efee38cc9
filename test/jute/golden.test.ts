import { BinaryInputArchive, BinaryOutputArchive, decode, encode, RECORD_CATALOG } from '../../lib/jute';
import type { JuteRecord } from '../../lib/jute';
import {
  catalogKey,
  classOf,
  GOLDEN,
  GOLDEN_STRINGS,
  javaTypeName,
  recordFromJSON,
} from './golden-fixtures';

// Vectors made by ZooKeeper 3.8.0's own Java jute (test/jute/golden/README.md).

const cases = GOLDEN.map((v) => [`${v.name} (${v.case})`, v] as const);

describe('golden vectors from Java jute 3.8.0', () => {
  test('there are vectors for at least 72 records × 3 cases', () => {
    expect(GOLDEN.length).toBeGreaterThanOrEqual(272);
  });

  test('the catalog and the fixtures name exactly the same 72 records', () => {
    const fixtureKeys = [...new Set(GOLDEN.map(catalogKey))].sort();
    const catalogKeys = [...RECORD_CATALOG.keys()].sort();
    expect(catalogKeys).toEqual(fixtureKeys);
    expect(catalogKeys).toHaveLength(72);
  });

  test.each([...RECORD_CATALOG.keys()])('%s has typical, edge and edge-empty vectors', (key) => {
    const kinds = GOLDEN.filter((v) => catalogKey(v) === key).map((v) => v.case);
    expect(kinds).toEqual(expect.arrayContaining(['typical', 'edge', 'edge-empty']));
  });

  test.each(cases)('%s: fields and signature match the Java class', (_, v) => {
    const cls = classOf(v);
    expect(cls.fields.map((f) => [f.name, javaTypeName(f.type)])).toEqual(v.fields);
    expect(cls.signature).toBe(v.signature);
  });

  test.each(cases)('%s: encodes to the Java bytes', (_, v) => {
    const value = recordFromJSON(classOf(v), v.value) as JuteRecord;
    expect(encode(value).toString('hex')).toBe(v.hex);
  });

  test.each(cases)('%s: decodes the Java bytes to the same value, consuming them all', (_, v) => {
    const cls = classOf(v);
    const bytes = Buffer.from(v.hex, 'hex');
    const ia = new BinaryInputArchive(bytes);
    const decoded = cls.deserialize(ia);
    expect(ia.remaining).toBe(0);
    expect(decoded).toBeInstanceOf(cls);
    // Deep equality over bigints, Buffer contents and nested record classes…
    expect(decoded).toStrictEqual(recordFromJSON(cls, v.value));
    // …and, independently of jest's equality, the canonical JSON form the fixture uses.
    expect(JSON.parse(JSON.stringify(decoded))).toEqual(v.value);
    // `exact` decoding agrees there is nothing left over.
    expect(() => decode(cls, bytes, { exact: true })).not.toThrow();
  });
});

describe('ustring encoding compared with Java jute (strings.json)', () => {
  function encodeString(s: string | null): string {
    const oa = new BinaryOutputArchive();
    oa.writeString(s);
    return oa.toBuffer().toString('hex');
  }
  function decodeString(hex: string): string | null {
    return new BinaryInputArchive(Buffer.from(hex, 'hex')).readString();
  }

  const javaSame = GOLDEN_STRINGS.filter((s) => s.value === null || s.sameAsStandardUtf8);
  test.each(javaSame.map((s) => [s.name, s] as const))('%s: same bytes as Java both ways', (_, s) => {
    expect(encodeString(s.value)).toBe(s.hex);
    expect(decodeString(s.hex)).toBe(s.decoded);
  });

  test('a non-BMP character is written as standard 4-byte UTF-8, which Java reads back intact', () => {
    const emoji = GOLDEN_STRINGS.find((s) => s.name === 'non-bmp-emoji')!;
    // Java itself writes CESU-8 (6 bytes) and cannot read that back; standard UTF-8 is the
    // form both Java's reader and ours decode to the original text.
    expect(encodeString(emoji.value)).toBe(emoji.standardUtf8Hex);
    expect(emoji.decodedFromStandardUtf8).toBe(emoji.value);
    expect(decodeString(emoji.standardUtf8Hex!)).toBe(emoji.value);
  });

  test("Java's CESU-8 surrogates decode without error to replacement characters, as in Java", () => {
    const emoji = GOLDEN_STRINGS.find((s) => s.name === 'non-bmp-emoji')!;
    const s = decodeString(emoji.hex)!;
    expect(s.startsWith('/')).toBe(true);
    expect([...s.slice(1)].every((c) => c === '\ufffd')).toBe(true);
  });
});
