import { ConfigError } from './config-error';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * Java's Integer.parseInt: an optional sign and decimal digits, nothing else (no blanks,
 * no "1e3", no "0x"), within 32 bits. Errors name the key and the value.
 */
export function parseIntValue(key: string, value: string, file?: string): number {
  if (!/^[+-]?\d+$/.test(value)) throw ConfigError.badValue(key, value, 'is not a number', file);
  const n = Number(value);
  if (n < INT32_MIN || n > INT32_MAX) throw ConfigError.badValue(key, value, 'is out of range for a 32-bit integer', file);
  return n;
}

/** Java's Long.parseLong, kept as a number when it is a safe integer (ids, weights). */
export function parseLongValue(key: string, value: string, file?: string): number {
  if (!/^[+-]?\d+$/.test(value)) throw ConfigError.badValue(key, value, 'is not a number', file);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw ConfigError.badValue(key, value, 'is out of range', file);
  return n;
}

/**
 * Java's Integer.decode, which Integer.getInteger uses for system properties such as
 * jute.maxbuffer: decimal, 0x / # hex, or a leading 0 for octal.
 */
export function parseDecodedInt(key: string, value: string, file?: string): number {
  const m = /^([+-]?)(0[xX]|#|0(?=\d))?([0-9a-fA-F]+)$/.exec(value);
  const radix = !m ? 0 : m[2] === undefined ? 10 : m[2] === '0' ? 8 : 16;
  const digits = m?.[3] ?? '';
  const valid = radix === 10 ? /^\d+$/.test(digits) : radix === 8 ? /^[0-7]+$/.test(digits) : radix === 16;
  if (!m || !valid) throw ConfigError.badValue(key, value, 'is not a number', file);
  const n = (m[1] === '-' ? -1 : 1) * parseInt(digits, radix);
  if (n < INT32_MIN || n > INT32_MAX) throw ConfigError.badValue(key, value, 'is out of range for a 32-bit integer', file);
  return n;
}

export function parsePositiveInt(key: string, value: string, file?: string): number {
  const n = parseIntValue(key, value, file);
  if (n <= 0) throw ConfigError.badValue(key, value, 'must be greater than 0', file);
  return n;
}

export function parseNonNegativeInt(key: string, value: string, file?: string): number {
  const n = parseIntValue(key, value, file);
  if (n < 0) throw ConfigError.badValue(key, value, 'must not be negative', file);
  return n;
}

/** QuorumPeerConfig.parseBoolean: "true" or "false" in any case, nothing else. */
export function parseBooleanValue(key: string, value: string, file?: string): boolean {
  if (value.toLowerCase() === 'true') return true;
  if (value.toLowerCase() === 'false') return false;
  throw ConfigError.badValue(key, value, "is not a boolean (choose 'true' or 'false')", file);
}

/** A TCP port; 0 only where `allowZero` (the client port: "pick a free one"). */
export function parsePort(key: string, value: string, opts: { allowZero?: boolean; file?: string } = {}): number {
  const n = parseIntValue(key, value, opts.file);
  const min = opts.allowZero ? 0 : 1;
  if (n < min || n > 65535) throw ConfigError.badValue(key, value, `is out of range (${min}-65535)`, opts.file);
  return n;
}
