import * as hdr from 'hdr-histogram-js';

/**
 * Latencies are recorded in microseconds in an HDR histogram (3 significant digits), sent
 * between processes compressed, merged, and summarized in milliseconds.
 */
export type Histogram = hdr.Histogram;

export function newHistogram(): Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
}

/** Records a latency given in milliseconds. */
export function recordMs(h: Histogram, ms: number): void {
  h.recordValue(Math.min(3_600_000_000, Math.max(1, Math.round(ms * 1000))));
}

export function encodeHistogram(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

export function decodeHistogram(s: string): Histogram {
  return hdr.decodeFromCompressedBase64(s);
}

export function mergeHistograms(parts: Histogram[]): Histogram {
  const h = newHistogram();
  for (const p of parts) h.add(p);
  return h;
}

export interface LatencySummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

const ms = (us: number): number => Math.round(us) / 1000;

export function summarize(h: Histogram): LatencySummary {
  if (h.totalCount === 0) return { count: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0 };
  return {
    count: h.totalCount,
    meanMs: ms(h.mean),
    p50Ms: ms(h.getValueAtPercentile(50)),
    p90Ms: ms(h.getValueAtPercentile(90)),
    p99Ms: ms(h.getValueAtPercentile(99)),
    p999Ms: ms(h.getValueAtPercentile(99.9)),
    maxMs: ms(h.maxValue),
  };
}

/** Percentiles on a "nines" scale (0 … 99.99 and the max), for CDF plots: [percentile, ms]. */
export function percentileSpectrum(h: Histogram): Array<[number, number]> {
  if (h.totalCount === 0) return [];
  const points: Array<[number, number]> = [];
  for (let nines = 0; nines <= 4; nines += 0.125) {
    const p = 100 * (1 - Math.pow(10, -nines));
    points.push([p, ms(h.getValueAtPercentile(p))]);
  }
  points.push([100, ms(h.maxValue)]);
  return points;
}
