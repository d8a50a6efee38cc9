import * as path from 'path';
import { readFileSync } from 'fs';
import { RECORD_CATALOG } from '../../lib/jute';
import type { JuteRecord, JuteType, RecordClass } from '../../lib/jute';

/** One vector of records.json (see golden/README.md for the format). */
export interface GoldenVector {
  module: string;
  name: string;
  case: 'typical' | 'edge' | 'edge-empty' | 'empty';
  signature: string;
  fields: [string, string][];
  hex: string;
  value: Record<string, unknown>;
}

export interface GoldenString {
  name: string;
  value: string | null;
  hex: string;
  standardUtf8Hex?: string | null;
  sameAsStandardUtf8?: boolean;
  decoded: string | null;
  roundTrips: boolean;
  decodedFromStandardUtf8?: string | null;
}

const dir = path.join(__dirname, 'golden');

export const GOLDEN: GoldenVector[] = JSON.parse(readFileSync(path.join(dir, 'records.json'), 'utf8'));
export const GOLDEN_STRINGS: GoldenString[] = JSON.parse(readFileSync(path.join(dir, 'strings.json'), 'utf8'));

export function catalogKey(v: { module: string; name: string }): string {
  return `${v.module}.${v.name}`;
}

export function classOf(v: GoldenVector): RecordClass<any> {
  const cls = RECORD_CATALOG.get(catalogKey(v));
  if (!cls) throw new Error(`no TS record for ${catalogKey(v)}`);
  return cls;
}

export function goldenVector(name: string, kase: GoldenVector['case'] = 'typical'): GoldenVector {
  const v = GOLDEN.find((g) => g.name === name && g.case === kase);
  if (!v) throw new Error(`no golden ${kase} vector for ${name}`);
  return v;
}

/** The jute type name Java's generator prints for a TS field type, e.g. "vector<org.apache.zookeeper.data.ACL>". */
export function javaTypeName(t: JuteType): string {
  if (typeof t === 'string') return t;
  if (typeof t === 'function') return `${t.module}.${t.recordName}`;
  if (t.kind === 'vector') return `vector<${javaTypeName(t.of)}>`;
  return `map<${javaTypeName(t.key)},${javaTypeName(t.value)}>`;
}

/** Builds the TS value of a fixture's JSON value, guided by the TS field type. */
export function fromJSON(t: JuteType, v: unknown): unknown {
  if (typeof t === 'string') {
    switch (t) {
      case 'long':
        return BigInt(v as string);
      case 'buffer':
        return v === null ? null : Buffer.from(v as string, 'hex');
      default:
        return v; // int, byte, boolean, float, double, ustring (null stays null)
    }
  }
  if (typeof t === 'function') return recordFromJSON(t, v as Record<string, unknown>);
  if (v === null) return null;
  if (t.kind === 'vector') return (v as unknown[]).map((e) => fromJSON(t.of, e));
  return new Map((v as [unknown, unknown][]).map(([k, e]) => [fromJSON(t.key, k), fromJSON(t.value, e)]));
}

export function recordFromJSON<R>(cls: RecordClass<R>, v: Record<string, unknown>): R {
  const init: Record<string, unknown> = {};
  for (const f of cls.fields) {
    if (!(f.name in v)) throw new Error(`fixture ${cls.recordName} lacks field ${f.name}`);
    init[f.name] = fromJSON(f.type, v[f.name]);
  }
  return new cls(init as Partial<R>);
}

export function goldenRecord(name: string, kase: GoldenVector['case'] = 'typical'): JuteRecord {
  const v = goldenVector(name, kase);
  return recordFromJSON(classOf(v), v.value) as JuteRecord;
}
