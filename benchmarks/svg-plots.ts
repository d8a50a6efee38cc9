/**
 * Hand-rolled SVG: a grouped bar chart of throughput per workload, and latency CDFs with
 * a "nines" percentile axis (so p99 and p99.9 get as much room as the median) over a
 * log latency axis. No dependencies; the files open in any browser or Markdown viewer.
 */

const COLORS = ['#d95f02', '#1b9e77', '#7570b3', '#e7298a', '#66a61e'];
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, sans-serif"';

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

export function colorOf(seriesIndex: number): string {
  return COLORS[seriesIndex % COLORS.length];
}

function legend(series: string[], x: number, y: number): string {
  return series
    .map(
      (s, i) =>
        `<rect x="${x}" y="${y + i * 18}" width="12" height="12" fill="${colorOf(i)}"/>` +
        `<text x="${x + 18}" y="${y + i * 18 + 10}" font-size="12" ${FONT}>${escapeXml(s)}</text>`,
    )
    .join('');
}

function niceCeil(v: number): number {
  if (v <= 0) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function fmtNum(v: number): string {
  if (v >= 1000) return `${Math.round(v / 100) / 10}k`.replace('.0k', 'k');
  return v >= 10 ? String(Math.round(v)) : String(Math.round(v * 10) / 10);
}

/** Horizontal grouped bars: one group per workload, one bar per target. */
export function throughputChart(title: string, workloads: string[], series: string[], value: (w: string, s: string) => number | null): string {
  const barH = 14;
  const groupH = series.length * barH + 12;
  const left = 130;
  const plotW = 520;
  const top = 40;
  const height = top + workloads.length * groupH + 40;
  const width = left + plotW + 170;
  const max = niceCeil(Math.max(1, ...workloads.flatMap((w) => series.map((s) => value(w, s) ?? 0))));
  const x = (v: number): number => left + (v / max) * plotW;
  const parts: string[] = [];
  parts.push(`<text x="${left}" y="22" font-size="15" font-weight="600" ${FONT}>${escapeXml(title)}</text>`);
  for (let t = 0; t <= 4; t++) {
    const v = (max * t) / 4;
    parts.push(`<line x1="${x(v)}" y1="${top - 4}" x2="${x(v)}" y2="${height - 36}" stroke="#ddd"/>`);
    parts.push(`<text x="${x(v)}" y="${height - 20}" font-size="11" text-anchor="middle" ${FONT}>${fmtNum(v)}</text>`);
  }
  parts.push(`<text x="${left + plotW / 2}" y="${height - 4}" font-size="11" text-anchor="middle" ${FONT}>operations per second</text>`);
  workloads.forEach((w, gi) => {
    const gy = top + gi * groupH;
    parts.push(`<text x="${left - 8}" y="${gy + (series.length * barH) / 2 + 4}" font-size="12" text-anchor="end" ${FONT}>${escapeXml(w)}</text>`);
    series.forEach((s, si) => {
      const v = value(w, s);
      const y = gy + si * barH;
      if (v === null) {
        parts.push(`<text x="${left + 4}" y="${y + barH - 3}" font-size="10" fill="#888" ${FONT}>no data</text>`);
        return;
      }
      parts.push(`<rect x="${left}" y="${y}" width="${Math.max(1, x(v) - left)}" height="${barH - 2}" fill="${colorOf(si)}"/>`);
      parts.push(`<text x="${x(v) + 4}" y="${y + barH - 4}" font-size="10" ${FONT}>${fmtNum(v)}</text>`);
    });
  });
  parts.push(legend(series, left + plotW + 40, top));
  return svg(width, height, parts);
}

const NINES_TICKS: Array<[number, string]> = [
  [0, '0%'],
  [1, '90%'],
  [2, '99%'],
  [3, '99.9%'],
  [4, '99.99%'],
  [4.5, 'max'],
];

/** The nines of a percentile: 90 → 1, 99 → 2, 99.9 → 3 (capped at 4.5 for the max). */
export function nines(percentile: number): number {
  const rest = 1 - percentile / 100;
  return rest <= 0 ? 4.5 : Math.min(4.5, -Math.log10(rest));
}

/** Latency CDFs, one line per target: x = latency (log scale), y = percentile (nines). */
export function latencyCdf(title: string, series: Array<{ name: string; points: Array<[number, number]> }>): string {
  const left = 70;
  const top = 40;
  const plotW = 560;
  const plotH = 300;
  const width = left + plotW + 170;
  const height = top + plotH + 50;
  const all = series.flatMap((s) => s.points.map((p) => p[1])).filter((v) => v > 0);
  const lo = Math.pow(10, Math.floor(Math.log10(Math.max(0.001, Math.min(...(all.length ? all : [0.01]))))));
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(lo * 10, ...(all.length ? all : [1])))));
  const x = (ms: number): number => left + ((Math.log10(Math.max(lo, ms)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * plotW;
  const y = (pct: number): number => top + plotH - (nines(pct) / 4.5) * plotH;
  const parts: string[] = [];
  parts.push(`<text x="${left}" y="22" font-size="15" font-weight="600" ${FONT}>${escapeXml(title)}</text>`);
  for (let e = Math.log10(lo); e <= Math.log10(hi) + 1e-9; e++) {
    const v = Math.pow(10, e);
    parts.push(`<line x1="${x(v)}" y1="${top}" x2="${x(v)}" y2="${top + plotH}" stroke="#ddd"/>`);
    parts.push(`<text x="${x(v)}" y="${top + plotH + 16}" font-size="11" text-anchor="middle" ${FONT}>${fmtMsTick(v)}</text>`);
  }
  for (const [n, label] of NINES_TICKS) {
    const yy = top + plotH - (n / 4.5) * plotH;
    parts.push(`<line x1="${left}" y1="${yy}" x2="${left + plotW}" y2="${yy}" stroke="#ddd"/>`);
    parts.push(`<text x="${left - 6}" y="${yy + 4}" font-size="11" text-anchor="end" ${FONT}>${label}</text>`);
  }
  parts.push(`<text x="${left + plotW / 2}" y="${height - 8}" font-size="11" text-anchor="middle" ${FONT}>latency (ms, log scale)</text>`);
  series.forEach((s, i) => {
    if (s.points.length === 0) return;
    const d = s.points.map(([p, ms], k) => `${k === 0 ? 'M' : 'L'}${x(ms).toFixed(1)},${y(p).toFixed(1)}`).join(' ');
    parts.push(`<path d="${d}" fill="none" stroke="${colorOf(i)}" stroke-width="2"/>`);
  });
  parts.push(legend(series.map((s) => s.name), left + plotW + 20, top));
  return svg(width, height, parts);
}

function fmtMsTick(v: number): string {
  return v >= 1 ? `${v}` : `${Number(v.toPrecision(1))}`;
}

function svg(width: number, height: number, parts: string[]): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<rect width="100%" height="100%" fill="white"/>${parts.join('')}</svg>\n`
  );
}
