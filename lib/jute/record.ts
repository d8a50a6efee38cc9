import { BinaryInputArchive } from './binary-input-archive';
import { BinaryOutputArchive } from './binary-output-archive';
import { JuteTypeError } from './errors';
import type { JuteFields, JuteRecord, JuteType, JuteValues, RecordClass } from './types';

const WRITERS: Record<string, string> = {
  byte: 'writeByte', boolean: 'writeBool', int: 'writeInt', long: 'writeLong',
  float: 'writeFloat', double: 'writeDouble', ustring: 'writeString', buffer: 'writeBuffer',
};
const READERS: Record<string, string> = {
  byte: 'readByte', boolean: 'readBool', int: 'readInt', long: 'readLong',
  float: 'readFloat', double: 'readDouble', ustring: 'readString', buffer: 'readBuffer',
};
const MIN_SIZE: Record<string, number> = {
  byte: 1, boolean: 1, int: 4, long: 8, float: 4, double: 8, ustring: 4, buffer: 4,
};
const SIG: Record<string, string> = {
  byte: 'b', boolean: 'z', int: 'i', long: 'l', float: 'f', double: 'd', ustring: 's', buffer: 'B',
};

function isRecordClass(t: JuteType): t is RecordClass<any> {
  return typeof t === 'function';
}

function minSizeOf(t: JuteType): number {
  if (typeof t === 'string') return MIN_SIZE[t];
  if (isRecordClass(t)) return t.minSize;
  return 4; // vector or map: the count
}

function signatureOf(t: JuteType): string {
  if (typeof t === 'string') return SIG[t];
  if (isRecordClass(t)) return t.signature;
  if (t.kind === 'vector') return `[${signatureOf(t.of)}]`;
  return `{${signatureOf(t.key)}${signatureOf(t.value)}}`;
}

/**
 * Emits code in the style of jute's own generated Java: one straight-line serialize and
 * deserialize per record, so the hot records (headers, GetData, SetData, txns) cost no
 * per-field interpretation. Record classes referenced by a field are passed in as `refs`.
 */
class Emitter {
  readonly refs: unknown[] = [];
  private n = 0;

  private ref(v: unknown): string {
    this.refs.push(v);
    return `refs[${this.refs.length - 1}]`;
  }

  write(t: JuteType, expr: string, label: string): string {
    const l = JSON.stringify(label);
    if (typeof t === 'string') return `oa.${WRITERS[t]}(${expr}, ${l});`;
    const d = this.n++;
    if (isRecordClass(t)) {
      return `{ const r${d} = ${expr}; if (r${d} == null || typeof r${d}.serialize !== 'function') typeError(${l}, ${JSON.stringify(t.recordName)}, r${d}); r${d}.serialize(oa); }`;
    }
    if (t.kind === 'vector') {
      return `{ const v${d} = ${expr}; oa.startVector(v${d}, ${l}); if (v${d} != null) for (let i${d} = 0; i${d} < v${d}.length; i${d}++) { ${this.write(t.of, `v${d}[i${d}]`, label + '[]')} } }`;
    }
    return `{ const m${d} = ${expr}; oa.startMap(m${d}, ${l}); if (m${d} != null) for (const [k${d}, e${d}] of m${d}) { ${this.write(t.key, `k${d}`, label + '.key')} ${this.write(t.value, `e${d}`, label + '.value')} } }`;
  }

  read(t: JuteType, target: string): string {
    if (typeof t === 'string') return `${target} = ia.${READERS[t]}();`;
    const d = this.n++;
    if (isRecordClass(t)) return `${target} = ${this.ref(t)}.deserialize(ia);`;
    if (t.kind === 'vector') {
      return `{ const n${d} = ia.startVector(${minSizeOf(t.of)}); if (n${d} === -1) ${target} = null; else { const a${d} = new Array(n${d}); for (let i${d} = 0; i${d} < n${d}; i${d}++) { ${this.read(t.of, `a${d}[i${d}]`)} } ${target} = a${d}; } }`;
    }
    return `{ const n${d} = ia.startVector(${minSizeOf(t.key) + minSizeOf(t.value)}, 'map'); if (n${d} === -1) ${target} = null; else { const m${d} = new Map(); for (let i${d} = 0; i${d} < n${d}; i${d}++) { let k${d}, e${d}; ${this.read(t.key, `k${d}`)} ${this.read(t.value, `e${d}`)} m${d}.set(k${d}, e${d}); } ${target} = m${d}; } }`;
  }

  defaultOf(t: JuteType): string {
    if (t === 'long') return '0n';
    if (t === 'boolean') return 'false';
    if (t === 'byte' || t === 'int' || t === 'float' || t === 'double') return '0';
    if (typeof t !== 'string' && isRecordClass(t)) return `new ${this.ref(t)}()`;
    return 'null'; // ustring, buffer, vector, map: Java's defaults
  }
}

const NO_INIT = Symbol('jute.noInit');

function typeError(field: string, expected: string, actual: unknown): never {
  throw new JuteTypeError(field, expected, actual);
}

function toJSONValue(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (Buffer.isBuffer(v)) return v.toString('hex');
  if (Array.isArray(v)) return v.map(toJSONValue);
  if (v instanceof Map) return [...v].map(([k, e]) => [toJSONValue(k), toJSONValue(e)]);
  if (v && typeof v === 'object' && typeof (v as JuteRecord).toJSON === 'function') return (v as JuteRecord).toJSON();
  return v;
}

/**
 * Defines a jute record class from its field list, in jute order:
 *
 *     export class Stat extends record('org.apache.zookeeper.data', 'Stat', { czxid: T.long, … }) {}
 *
 * The field object's key order is the wire order (string keys keep insertion order).
 */
export function record<F extends JuteFields>(module: string, name: string, fields: F) {
  const entries = Object.entries(fields);
  const em = new Emitter();
  const init = entries
    .map(([f, t]) => `this.${f} = (o !== undefined && o.${f} !== undefined) ? o.${f} : ${em.defaultOf(t)};`)
    .join('\n');
  const ser = entries.map(([f, t]) => em.write(t, `this.${f}`, `${name}.${f}`)).join('\n');
  const de = entries.map(([f, t]) => em.read(t, `r.${f}`)).join('\n');
  // deserialize assigns every field itself (in the same order, so the same hidden class);
  // NO_INIT skips the defaults, which for a nested record would be a wasted allocation.
  const initFn = new Function('refs', 'NO_INIT', `return function init(o) {\nif (o === NO_INIT) return;\n${init}\n}`)(em.refs, NO_INIT);
  const serFn = new Function('refs', 'typeError', `return function serialize(oa) {\n${ser}\n}`)(em.refs, typeError);
  const deFn = new Function('refs', 'NO_INIT', `return function deserialize(ia) {\nconst r = new this(NO_INIT);\n${de}\nreturn r;\n}`)(em.refs, NO_INIT);

  const base = class {
    static readonly recordName = name;
    static readonly module = module;
    static readonly fields = entries.map(([n, type]) => ({ name: n, type }));
    static get signature(): string {
      return `L${name}(${entries.map(([, t]) => signatureOf(t)).join('')})`;
    }
    static get minSize(): number {
      return entries.reduce((s, [, t]) => s + minSizeOf(t), 0);
    }

    constructor(init?: Partial<JuteValues<F>>) {
      initFn.call(this, init);
    }

    static deserialize<R>(this: new () => R, ia: BinaryInputArchive): R {
      return deFn.call(this, ia);
    }

    serialize(oa: BinaryOutputArchive): void {
      serFn.call(this, oa);
    }

    toJSON(): Record<string, unknown> {
      const out: Record<string, unknown> = {};
      for (const [f] of entries) out[f] = toJSONValue((this as any)[f]);
      return out;
    }

    toString(): string {
      return `${name}${JSON.stringify(this.toJSON())}`;
    }
  };
  return base as unknown as {
    new (init?: Partial<JuteValues<F>>): JuteValues<F> & JuteRecord;
    readonly recordName: string;
    readonly module: string;
    readonly fields: ReadonlyArray<{ readonly name: string; readonly type: JuteType }>;
    readonly signature: string;
    readonly minSize: number;
    deserialize<R>(this: new () => R, ia: BinaryInputArchive): R;
  };
}
