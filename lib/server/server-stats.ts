import type { Clock } from '../core/clock';

/** What ServerStats reads from the server it describes (Java's ServerStats.Provider). */
export interface ServerStatsProvider {
  getOutstandingRequests(): number;
  getLastProcessedZxid(): bigint;
  /** "standalone", "leader", "follower", "observer", "read-only". */
  getState(): string;
  getNumAliveConnections(): number;
  getDataDirSize(): number;
  getLogDirSize(): number;
}

/** Java's AvgMinMaxCounter for request latency, in milliseconds. */
export class AvgMinMaxCounter {
  private total = 0;
  private count = 0;
  private min = Number.MAX_SAFE_INTEGER;
  private max = 0;

  addDataPoint(value: number): void {
    this.total += value;
    this.count++;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  getMin(): number {
    return this.count === 0 ? 0 : this.min;
  }
  getMax(): number {
    return this.max;
  }
  /** A double, as Java's (srvr prints it as e.g. 0.4545). */
  getAvg(): number {
    return this.count === 0 ? 0 : this.total / this.count;
  }
  getCount(): number {
    return this.count;
  }
  getTotal(): number {
    return this.total;
  }
  reset(): void {
    this.total = 0;
    this.count = 0;
    this.min = Number.MAX_SAFE_INTEGER;
    this.max = 0;
  }
  resetMax(): void {
    this.max = this.getMin();
  }
}

/** Samples AvgMinMaxPercentileCounter keeps (its ResettableUniformReservoir's DEFAULT_SIZE). */
const RESERVOIR_SIZE = 4096;

/**
 * Java's AvgMinMaxPercentileCounter: the counter plus a uniform reservoir of 4096 samples
 * (Vitter's algorithm R, as its ResettableUniformReservoir) whose quantiles `mntr` prints
 * as p50 / p95 / p99 / p999. The replacement slots come from a fixed-seed xorshift, so
 * the same requests give the same figures.
 */
export class AvgMinMaxPercentileCounter extends AvgMinMaxCounter {
  private samples = new Float64Array(RESERVOIR_SIZE);
  private seen = 0;
  private rnd = 0x2545f491;

  override addDataPoint(value: number): void {
    super.addDataPoint(value);
    const c = ++this.seen;
    if (c <= RESERVOIR_SIZE) {
      this.samples[c - 1] = value;
      return;
    }
    const r = this.nextRandom() % c;
    if (r < RESERVOIR_SIZE) this.samples[r] = value;
  }

  private nextRandom(): number {
    let x = this.rnd;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rnd = x >>> 0;
    return this.rnd;
  }

  /** Dropwizard's UniformSnapshot.getValue over the sorted samples. */
  percentiles(): { p50: number; p95: number; p99: number; p999: number } {
    const n = Math.min(this.seen, RESERVOIR_SIZE);
    const sorted = this.samples.slice(0, n).sort();
    const at = (q: number): number => {
      if (n === 0) return 0;
      const pos = q * (n + 1);
      const i = Math.floor(pos);
      if (i < 1) return sorted[0];
      if (i >= n) return sorted[n - 1];
      return sorted[i - 1] + (pos - i) * (sorted[i] - sorted[i - 1]);
    };
    return { p50: at(0.5), p95: at(0.95), p99: at(0.99), p999: at(0.999) };
  }

  override reset(): void {
    super.reset();
    this.seen = 0;
    this.samples = new Float64Array(RESERVOIR_SIZE);
  }
}

/**
 * ZooKeeper's ServerStats: the counters behind `srvr`, `stat`, `mntr` and `srst`.
 * Latency is measured from a request's createTime to its reply, on the injected clock.
 */
export class ServerStats {
  private packetsSent = 0;
  private packetsReceived = 0;
  private fsyncThresholdExceedCount = 0;
  private authFailedCount = 0;
  private lastClientResponseSize = -1;
  private minClientResponseSize = -1;
  private maxClientResponseSize = -1;
  readonly requestLatency = new AvgMinMaxCounter();
  readonly updateLatency = new AvgMinMaxPercentileCounter();
  readonly readLatency = new AvgMinMaxPercentileCounter();
  private readonly startTime: number;

  constructor(
    private readonly provider: ServerStatsProvider,
    private readonly clock: Clock,
  ) {
    this.startTime = clock.now();
  }

  getMinLatency(): number {
    return this.requestLatency.getMin();
  }
  getAvgLatency(): number {
    return this.requestLatency.getAvg();
  }
  getMaxLatency(): number {
    return this.requestLatency.getMax();
  }
  getOutstandingRequests(): number {
    return this.provider.getOutstandingRequests();
  }
  getLastProcessedZxid(): bigint {
    return this.provider.getLastProcessedZxid();
  }
  getDataDirSize(): number {
    return this.provider.getDataDirSize();
  }
  getLogDirSize(): number {
    return this.provider.getLogDirSize();
  }
  getPacketsReceived(): number {
    return this.packetsReceived;
  }
  getPacketsSent(): number {
    return this.packetsSent;
  }
  getServerState(): string {
    return this.provider.getState();
  }
  getNumAliveClientConnections(): number {
    return this.provider.getNumAliveConnections();
  }
  getUptime(): number {
    return this.clock.now() - this.startTime;
  }
  getFsyncThresholdExceedCount(): number {
    return this.fsyncThresholdExceedCount;
  }
  getAuthFailedCount(): number {
    return this.authFailedCount;
  }
  getLastClientResponseSize(): number {
    return this.lastClientResponseSize;
  }
  getMinClientResponseSize(): number {
    return this.minClientResponseSize;
  }
  getMaxClientResponseSize(): number {
    return this.maxClientResponseSize;
  }

  /** `isTxn` splits update from read latency, as Java's UPDATE_LATENCY / READ_LATENCY. */
  updateLatencyFor(createTime: number, isTxn: boolean, now = this.clock.now()): void {
    const latency = now - createTime;
    if (latency < 0) return;
    this.requestLatency.addDataPoint(latency);
    (isTxn ? this.updateLatency : this.readLatency).addDataPoint(latency);
  }

  incrementPacketsReceived(): void {
    this.packetsReceived++;
  }
  incrementPacketsSent(): void {
    this.packetsSent++;
  }
  incrementFsyncThresholdExceedCount(): void {
    this.fsyncThresholdExceedCount++;
  }
  incrementAuthFailedCount(): void {
    this.authFailedCount++;
  }
  updateClientResponseSize(size: number): void {
    this.lastClientResponseSize = size;
    if (this.minClientResponseSize === -1 || size < this.minClientResponseSize) this.minClientResponseSize = size;
    if (size > this.maxClientResponseSize) this.maxClientResponseSize = size;
  }

  resetLatency(): void {
    this.requestLatency.reset();
    this.updateLatency.reset();
    this.readLatency.reset();
  }
  resetMaxLatency(): void {
    this.requestLatency.resetMax();
  }
  resetRequestCounters(): void {
    this.packetsReceived = 0;
    this.packetsSent = 0;
  }
  resetFsyncThresholdExceedCount(): void {
    this.fsyncThresholdExceedCount = 0;
  }
  resetAuthFailedCount(): void {
    this.authFailedCount = 0;
  }
  /** What `srst` does. */
  reset(): void {
    this.resetLatency();
    this.resetRequestCounters();
    this.lastClientResponseSize = this.minClientResponseSize = this.maxClientResponseSize = -1;
  }

  /** ServerStats.toString, which `srvr` / `stat` print. */
  toString(): string {
    return (
      `Latency min/avg/max: ${this.getMinLatency()}/${javaDouble(this.getAvgLatency())}/${this.getMaxLatency()}\n` +
      `Received: ${this.getPacketsReceived()}\n` +
      `Sent: ${this.getPacketsSent()}\n` +
      `Connections: ${this.getNumAliveClientConnections()}\n` +
      `Outstanding: ${this.getOutstandingRequests()}\n` +
      `Zxid: 0x${this.getLastProcessedZxid().toString(16)}\n` +
      `Mode: ${this.getServerState()}\n`
    );
  }
}

/** Java's Double.toString for the values stats produce: integers keep a ".0". */
export function javaDouble(v: number): string {
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}
