/**
 * A request prep or final cannot make sense of: a body that does not decode, a record
 * of the wrong shape, a null where Java would have thrown NullPointerException. Like any
 * non-KeeperException error in Java's processors, it becomes MarshallingError.
 */
export class MarshallingError extends Error {
  override name = 'MarshallingError';
}

/** Throws MarshallingError when a field Java would dereference is null. */
export function required<T>(v: T | null | undefined, what: string): T {
  if (v === null || v === undefined) throw new MarshallingError(`${what} is null`);
  return v;
}

/** A vector of strings in which Java would dereference every element. */
export function noNulls(v: readonly (string | null)[] | null, what: string): string[] | null {
  if (v === null) return null;
  for (const s of v) if (s === null) throw new MarshallingError(`${what} holds a null`);
  return v as string[];
}
