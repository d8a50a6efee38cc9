import { NumberFormatException } from './cli-exceptions';

export { toCSVString } from '../jute/to-string-output-archive';

/**
 * The bits of the Java runtime whose exact behaviour shows in zkCli's output or decides
 * what it accepts: Date.toString, Integer.parseInt / Long.parseLong / Integer.decode, and
 * (from lib/jute) the CSV text jute records print themselves as.
 */

const INT_MIN = -(2n ** 31n);
const INT_MAX = 2n ** 31n - 1n;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

function parseIntegral(s: string, radix: number, min: bigint, max: bigint): bigint {
  const digits = radix === 16 ? '[0-9a-fA-F]' : radix === 8 ? '[0-7]' : '[0-9]';
  if (!new RegExp(`^[+-]?${digits}+$`).test(s)) throw new NumberFormatException(s);
  const neg = s.startsWith('-');
  const body = s.replace(/^[+-]/, '');
  const prefix = radix === 16 ? '0x' : radix === 8 ? '0o' : '';
  const v = (neg ? -1n : 1n) * BigInt(prefix + body);
  if (v < min || v > max) throw new NumberFormatException(s);
  return v;
}

/** Integer.parseInt(s). */
export function parseJavaInt(s: string): number {
  return Number(parseIntegral(s, 10, INT_MIN, INT_MAX));
}

/** Long.parseLong(s, radix) for radix 10 or 16. */
export function parseJavaLong(s: string, radix: 10 | 16 = 10): bigint {
  return parseIntegral(s, radix, LONG_MIN, LONG_MAX);
}

/** Integer.decode(s): decimal, 0x / 0X / # hexadecimal, or 0-prefixed octal. */
export function decodeJavaInt(s: string): number {
  const m = /^([+-]?)(0[xX]|#|0(?=\d))?(.*)$/.exec(s)!;
  const [, sign, prefix, rest] = m;
  if (rest === '' || /^[+-]/.test(rest)) throw new NumberFormatException(s);
  const radix = prefix === undefined ? 10 : prefix === '0' ? 8 : 16;
  try {
    return Number(parseIntegral(sign + rest, radix, INT_MIN, INT_MAX));
  } catch {
    throw new NumberFormatException(s);
  }
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string, timeZone: string | undefined): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone ?? ''}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      weekday: 'short',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    formatters.set(key, f);
  }
  return f;
}

function partsOf(ms: number, locale: string, timeZone: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of formatter(locale, timeZone).formatToParts(new Date(ms))) out[p.type] = p.value;
  return out;
}

const pad = (v: string | number, n = 2) => String(v).padStart(n, '0');

/** Java names zones by abbreviation where it has one, else "GMT+05:30". */
function zoneName(ms: number, timeZone: string | undefined, usName: string): string {
  if (usName === 'UTC' || usName === 'GMT') return usName;
  if (!/^GMT[+-]/.test(usName)) return usName;
  const gb = partsOf(ms, 'en-GB', timeZone).timeZoneName;
  if (gb && !/^GMT[+-]/.test(gb) && gb !== 'GMT') return gb;
  const m = /^GMT([+-])(\d+)(?::(\d+))?$/.exec(usName);
  return m ? `GMT${m[1]}${pad(m[2])}:${pad(m[3] ?? '0')}` : usName;
}

/**
 * java.util.Date.toString(): "EEE MMM dd HH:mm:ss zzz yyyy" in the process's time zone
 * (TZ), e.g. "Fri Nov 27 06:50:39 UTC 2026". Zone abbreviations come from ICU, which
 * agrees with Java for UTC and most named zones.
 */
export function javaDateString(ms: number, timeZone?: string): string {
  const p = partsOf(ms, 'en-US', timeZone);
  const d = new Date(ms);
  // The weekday and month come from the zone's own calendar fields.
  const day = DAYS.indexOf(p.weekday);
  const weekday = day >= 0 ? DAYS[day] : DAYS[d.getUTCDay()];
  const month = MONTHS[Number(p.month) - 1];
  const year = Number(p.year);
  return `${weekday} ${month} ${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)} ${zoneName(ms, timeZone, p.timeZoneName)} ${year}`;
}
