/** Quota data that Java's StatsTrack cannot parse (it would throw); the tree logs and skips it. */
export class InvalidStatsTrackError extends Error {
  override name = 'InvalidStatsTrackError';
}

const COUNT = 'count';
const COUNT_HARD_LIMIT = 'countHardLimit';
const BYTES = 'bytes';
const BYTE_HARD_LIMIT = 'byteHardLimit';
const PAIRS_SEPARATOR = /[,;]+/;
const LONG_MIN = -(1n << 63n);
const LONG_MAX = (1n << 63n) - 1n;

/** Java's String.split: trailing empty strings are dropped. */
function javaSplit(s: string, sep: RegExp | string): string[] {
  const parts = s.split(sep);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

function parseLong(s: string, whole: string): bigint {
  if (!/^[+-]?\d+$/.test(s)) throw new InvalidStatsTrackError(`For input string: "${s}" in "${whole}"`);
  const v = BigInt(s);
  if (v < LONG_MIN || v > LONG_MAX) throw new InvalidStatsTrackError(`For input string: "${s}" in "${whole}"`);
  return v;
}

/**
 * StatsTrack: the text kept in a quota's zookeeper_limits and zookeeper_stats nodes.
 * 3.8 writes "count=N,bytes=N" and, when more keys are set, an extra "=" (so pre-3.7
 * parsers ignore the rest) followed by ";key=value" pairs in sorted order, e.g.
 * "count=-1,bytes=-1=;byteHardLimit=-1;countHardLimit=10". A missing value reads -1.
 */
export class StatsTrack {
  private readonly stats = new Map<string, bigint>();

  constructor(stat?: string | Buffer | null) {
    const text = stat == null ? '' : typeof stat === 'string' ? stat : stat.toString('utf8');
    if (text.length === 0) return;
    for (const pair of javaSplit(text, PAIRS_SEPARATOR)) {
      const kv = javaSplit(pair, '=');
      if (kv.length < 2) throw new InvalidStatsTrackError(`Malformed quota pair "${pair}" in "${text}"`);
      this.stats.set(kv[0], kv[1] === '' ? -1n : parseLong(kv[1], text));
    }
  }

  get count(): bigint {
    return this.getValue(COUNT);
  }
  set count(v: bigint) {
    this.stats.set(COUNT, v);
  }
  get countHardLimit(): bigint {
    return this.getValue(COUNT_HARD_LIMIT);
  }
  set countHardLimit(v: bigint) {
    this.stats.set(COUNT_HARD_LIMIT, v);
  }
  get bytes(): bigint {
    return this.getValue(BYTES);
  }
  set bytes(v: bigint) {
    this.stats.set(BYTES, v);
  }
  get byteHardLimit(): bigint {
    return this.getValue(BYTE_HARD_LIMIT);
  }
  set byteHardLimit(v: bigint) {
    this.stats.set(BYTE_HARD_LIMIT, v);
  }

  /** Any key, -1 when absent. */
  getValue(key: string): bigint {
    return this.stats.get(key) ?? -1n;
  }

  toString(): string {
    let s = `${COUNT}=${this.count},${BYTES}=${this.bytes}`;
    const keys = [...this.stats.keys()].filter((k) => k !== COUNT && k !== BYTES).sort();
    if (keys.length > 0) {
      s += '=';
      for (const k of keys) s += `;${k}=${this.stats.get(k)}`;
    }
    return s;
  }

  getStatsBytes(): Buffer {
    return Buffer.from(this.toString(), 'utf8');
  }

  equals(o: StatsTrack): boolean {
    if (o.stats.size !== this.stats.size) return false;
    for (const [k, v] of this.stats) if (o.stats.get(k) !== v) return false;
    return true;
  }
}
