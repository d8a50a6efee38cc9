/**
 * How Java prints the values four-letter words show, so answers match ZooKeeper's
 * character for character where tools parse them.
 */

/** Long.toHexString: the two's-complement bits of a signed 64-bit value, no padding. */
export function javaLongHex(v: bigint): string {
  return BigInt.asUintN(64, v).toString(16);
}

/** Double.toString for the finite values stats produce: integers keep ".0". */
export function javaDouble(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e7) return v.toFixed(1);
  if (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e7) return String(v);
  // Java switches to "computerized scientific notation" outside [1e-3, 1e7).
  const [mant, exp] = v.toExponential().split('e');
  return `${mant.includes('.') ? mant : `${mant}.0`}E${Number(exp)}`;
}

/** AvgMinMaxCounter.getAvg: total / count rounded HALF_UP to 4 decimals, 0 when empty. */
export function summaryAvg(total: number, count: number): number {
  if (count <= 0) return 0;
  return Math.round((total / count) * 10_000) / 10_000;
}

/** Inet6Address.getHostAddress: eight groups, no "::" compression, no leading zeros. */
export function javaIPv6(addr: string): string {
  const [body, scope] = addr.split('%');
  let s = body;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (v4) {
    const n = v4.slice(1).map(Number);
    s = `${s.slice(0, v4.index)}${((n[0] << 8) | n[1]).toString(16)}:${((n[2] << 8) | n[3]).toString(16)}`;
  }
  const cut = s.indexOf('::');
  const head = (cut < 0 ? s : s.slice(0, cut)).split(':').filter((g) => g !== '');
  const rest = cut < 0 ? [] : s.slice(cut + 2).split(':').filter((g) => g !== '');
  const groups = cut < 0 ? head : [...head, ...Array<string>(8 - head.length - rest.length).fill('0'), ...rest];
  return groups.map((g) => parseInt(g, 16).toString(16)).join(':') + (scope ? `%${scope}` : '');
}

/**
 * InetSocketAddress.toString for a connected socket: "/host:port". IPv4-mapped IPv6
 * addresses (what a dual-stack listener reports) print as IPv4, as Java does.
 */
export function javaSocketAddress(host: string, port: number): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(host);
  if (mapped) return `/${mapped[1]}:${port}`;
  return `/${host.includes(':') ? javaIPv6(host) : host}:${port}`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * java.util.Date.toString: "EEE MMM dd HH:mm:ss zzz yyyy" in the local time zone. Java
 * names zones by abbreviation (CET); Intl gives "GMT+1" where it has none — the one place
 * this can differ.
 */
export function javaDate(ms: number): string {
  const d = new Date(ms);
  const zone =
    new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ??
    'UTC';
  return (
    `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${zone} ${d.getFullYear()}`
  );
}
