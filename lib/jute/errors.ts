/**
 * Typed failures of jute decoding/encoding. Every way a buffer can be bad maps to one of
 * these, so a caller (the connection, the log reader) can log a precise reason and drop
 * only what was bad.
 */
export class JuteError extends Error {
  override name = 'JuteError';
}

/** The buffer ended before the value at `offset` was complete. */
export class JuteTruncatedError extends JuteError {
  override name = 'JuteTruncatedError';
  constructor(
    readonly what: string,
    readonly offset: number,
    readonly needed: number,
    readonly available: number,
  ) {
    super(`truncated ${what} at offset ${offset}: needs ${needed} bytes, ${available} left`);
  }
}

/** A length prefix (frame, buffer, string or vector) that is negative or over the limit. */
export class JuteLengthError extends JuteError {
  override name = 'JuteLengthError';
  constructor(
    readonly what: string,
    readonly length: number,
    readonly limit: number,
    readonly limitName = 'jute.maxbuffer',
  ) {
    super(
      length < 0
        ? `unreasonable ${what} length ${length}: negative`
        : `unreasonable ${what} length ${length}: exceeds ${limitName}=${limit}`,
    );
  }
}

/** A value whose JavaScript type or range does not fit the jute type of its field. */
export class JuteTypeError extends JuteError {
  override name = 'JuteTypeError';
  constructor(
    readonly field: string,
    readonly expected: string,
    readonly actual: unknown,
  ) {
    super(`field ${field}: expected ${expected}, got ${describe(actual)}`);
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'bigint') return `bigint ${v}`;
  if (typeof v === 'number') return `number ${v}`;
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  if (Buffer.isBuffer(v)) return `Buffer(${v.length})`;
  return typeof v === 'object' ? (v.constructor?.name ?? 'object') : typeof v;
}
