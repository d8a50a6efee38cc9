import type { FourLetterWordContext, MonitorMetrics, SummaryValues } from './context';
import { ZK_NOT_SERVING } from './four-letter-commands';
import { javaDouble, summaryAvg } from './java-format';
import { COUNTER_SETS, COUNTERS, DOUBLE_GAUGES, GAUGE_SETS, GAUGES, PERCENTILE_SUMMARIES, SUMMARIES, SUMMARY_SETS } from './mntr-keys';

const EMPTY: SummaryValues = { count: 0, total: 0, min: 0, max: 0 };

/**
 * MonitorCommand: `zk_<key>\t<value>` lines — version and state first
 * (ZooKeeperServer.dumpMonitorValues), then the metrics provider's dump: gauges, gauge
 * sets, counters, counter sets, summaries, percentile summaries, summary sets.
 */
export function mntr(ctx: FourLetterWordContext): string {
  if (!ctx.isRunning()) return `${ZK_NOT_SERVING}\n`;
  const lines: string[] = [];
  const put = (key: string, value: string): void => void lines.push(`zk_${key}\t${value}`);
  const st = ctx.stats();
  put('version', ctx.version());
  put('server_state', st.getServerState());

  const m: MonitorMetrics = ctx.metrics();
  const gauges = baseGauges(ctx);
  for (const [k, v] of m.gauges ?? []) gauges.set(k, v);
  for (const name of GAUGES) {
    const v = gauges.get(name) ?? 0;
    put(name, DOUBLE_GAUGES.has(name) ? javaDouble(v) : String(Math.trunc(v)));
  }
  // Gauges only some roles register (a quorum leader's learners, synced_followers …).
  const standard = new Set<string>(GAUGES);
  for (const [name, v] of m.gauges ?? []) if (!standard.has(name)) put(name, String(Math.trunc(v)));
  for (const set of GAUGE_SETS) for (const [ns, v] of m.gaugeSets?.get(set) ?? []) put(`${ns}_${set}`, String(v));
  for (const name of COUNTERS) put(name, String(m.counters?.get(name) ?? 0));
  for (const set of COUNTER_SETS) for (const [ns, v] of m.counterSets?.get(set) ?? []) put(`${ns}_${set}`, String(v));
  for (const name of SUMMARIES) summaryLines(put, name, m.summaries?.get(name) ?? EMPTY, false);
  for (const name of PERCENTILE_SUMMARIES) summaryLines(put, name, m.summaries?.get(name) ?? EMPTY, true);
  for (const set of SUMMARY_SETS) {
    for (const [ns, v] of m.summarySets?.get(set) ?? []) summaryLines(put, `${ns}_${set}`, v, false);
  }
  return `${lines.join('\n')}\n`;
}

/** The gauges that follow from the rest of the context; a server's own gauges override them. */
function baseGauges(ctx: FourLetterWordContext): Map<string, number> {
  const st = ctx.stats();
  let sessions = 0;
  for (const ids of ctx.sessionExpiryMap().values()) sessions += ids.length;
  let ephemerals = 0;
  for (const paths of ctx.ephemerals().values()) ephemerals += paths.size;
  return new Map<string, number>([
    ['ephemerals_count', ephemerals],
    ['num_alive_connections', st.getNumAliveClientConnections()],
    ['avg_latency', Math.round(st.getAvgLatency() * 10_000) / 10_000],
    ['outstanding_requests', st.getOutstandingRequests()],
    ['znode_count', ctx.nodeCount()],
    ['global_sessions', sessions],
    ['last_client_response_size', st.getLastClientResponseSize()],
    ['packets_sent', st.getPacketsSent()],
    ['packets_received', st.getPacketsReceived()],
    ['max_client_response_size', st.getMaxClientResponseSize()],
    ['watch_count', ctx.watchesSummary().totalWatches],
    ['auth_failed_count', st.getAuthFailedCount()],
    ['min_latency', st.getMinLatency()],
    ['max_file_descriptor_count', -1],
    ['open_file_descriptor_count', -1],
    ['uptime', st.getUptime()],
    ['max_latency', st.getMaxLatency()],
    ['min_client_response_size', st.getMinClientResponseSize()],
  ]);
}

/** AvgMinMaxCounter.values (and AvgMinMaxPercentileCounter's four percentiles). */
function summaryLines(put: (k: string, v: string) => void, name: string, v: SummaryValues, percentiles: boolean): void {
  put(`avg_${name}`, javaDouble(summaryAvg(v.total, v.count)));
  put(`min_${name}`, String(v.count === 0 ? 0 : v.min));
  put(`max_${name}`, String(v.count === 0 ? 0 : v.max));
  put(`cnt_${name}`, String(v.count));
  put(`sum_${name}`, String(v.total));
  if (percentiles) {
    const p = v.percentiles ?? { p50: 0, p95: 0, p99: 0, p999: 0 };
    put(`p50_${name}`, String(Math.round(p.p50)));
    put(`p95_${name}`, String(Math.round(p.p95)));
    put(`p99_${name}`, String(Math.round(p.p99)));
    put(`p999_${name}`, String(Math.round(p.p999)));
  }
}
