import { parseProperties, type PropertyEntry } from '../config/properties';
import { parseServerLine } from '../config/quorum-servers';

/** Java's String.hashCode over UTF-16 code units. */
function javaHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * The order java.util.Properties (a ConcurrentHashMap since Java 9) iterates its entries:
 * by bucket of the spread hash in a 16-slot table, insertion order within a bucket. That
 * table holds up to 11 entries before it grows; past that, file order is kept.
 */
function propertiesOrder(entries: PropertyEntry[]): PropertyEntry[] {
  if (entries.length > 11) return entries;
  const bucket = (k: string) => {
    const h = javaHash(k);
    return ((h ^ (h >>> 16)) & 0x7fffffff) & 15;
  };
  return entries
    .map((e, i) => ({ e, i, b: bucket(e.key) }))
    .sort((x, y) => x.b - y.b || x.i - y.i)
    .map((x) => x.e);
}

/**
 * ConfigUtils.getClientConfigStr, what `config -c` prints: the config's version, a space,
 * and the client address (host:port) of every server.N that has one, comma-separated.
 * A server line that does not parse is skipped (Java prints its stack trace and skips it).
 */
export function clientConfigString(configData: string): string {
  let entries: PropertyEntry[];
  try {
    entries = propertiesOrder(parseProperties(configData));
  } catch {
    return '';
  }
  let version = '';
  const addrs: string[] = [];
  for (const { key: rawKey, value: rawValue } of entries) {
    const key = rawKey.trim();
    const value = rawValue.trim();
    if (key === 'version') version = value;
    if (!key.startsWith('server.')) continue;
    try {
      const spec = parseServerLine('server.0', value);
      addrs.push(spec.clientPort !== undefined ? `${spec.clientHost}:${spec.clientPort}` : '');
    } catch {
      continue;
    }
  }
  return `${version} ${addrs.join(',')}`;
}
