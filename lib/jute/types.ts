import type { BinaryInputArchive } from './binary-input-archive';
import type { BinaryOutputArchive } from './binary-output-archive';

/** The primitive jute types, named as in zookeeper.jute. */
export type JutePrimitive = 'byte' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'ustring' | 'buffer';

export interface JuteVector<E extends JuteType = JuteType> {
  readonly kind: 'vector';
  readonly of: E;
}

export interface JuteMap<K extends JuteType = JuteType, V extends JuteType = JuteType> {
  readonly kind: 'map';
  readonly key: K;
  readonly value: V;
}

/** A nested record is named by its class. */
export type JuteType = JutePrimitive | JuteVector | JuteMap | RecordClass<any>;

export type JuteFields = Readonly<Record<string, JuteType>>;

/**
 * The TypeScript value of a jute type. A jute `long` is a bigint: zxids and session ids
 * use all 64 bits (a session id carries the server id in its top byte), and a JS number
 * loses exactness above 2^53. Strings, buffers, vectors and maps may be null on the wire
 * (length -1), so their types say so.
 */
export type JuteValue<T> = T extends 'byte' | 'int' | 'float' | 'double'
  ? number
  : T extends 'long'
    ? bigint
    : T extends 'boolean'
      ? boolean
      : T extends 'ustring'
        ? string | null
        : T extends 'buffer'
          ? Buffer | null
          : T extends JuteVector<infer E>
            ? JuteValue<E>[] | null
            : T extends JuteMap<infer K, infer V>
              ? Map<JuteValue<K>, JuteValue<V>> | null
              : T extends new (...args: any[]) => infer I
                ? I
                : never;

export type JuteValues<F extends JuteFields> = { -readonly [K in keyof F]: JuteValue<F[K]> };

export interface JuteRecord {
  serialize(oa: BinaryOutputArchive): void;
  toJSON(): Record<string, unknown>;
}

export interface RecordClass<I = JuteRecord> {
  new (init?: Partial<I>): I;
  /** Java's generated class name, e.g. "Stat". */
  readonly recordName: string;
  /** The jute module, e.g. "org.apache.zookeeper.data". */
  readonly module: string;
  readonly fields: ReadonlyArray<{ readonly name: string; readonly type: JuteType }>;
  /** Java jute's signature() string, e.g. "LStat(lllliiiliil)". */
  readonly signature: string;
  /** Fewest bytes an encoding can take; bounds vector counts before allocating. */
  readonly minSize: number;
  deserialize(this: new () => I, ia: BinaryInputArchive): I;
}

export const T = {
  byte: 'byte',
  boolean: 'boolean',
  int: 'int',
  long: 'long',
  float: 'float',
  double: 'double',
  ustring: 'ustring',
  buffer: 'buffer',
  vector: <E extends JuteType>(of: E): JuteVector<E> => ({ kind: 'vector', of }),
  map: <K extends JuteType, V extends JuteType>(key: K, value: V): JuteMap<K, V> => ({ kind: 'map', key, value }),
} as const;
