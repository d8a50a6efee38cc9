/**
 * Per-connection counters (ServerCnxn's packetsReceived / packetsSent / latency / last
 * operation), which `cons` prints and `crst` resets.
 */
export class CnxnStats {
  packetsReceived = 0;
  packetsSent = 0;
  private minLatency = Number.MAX_SAFE_INTEGER;
  private maxLatency = 0;
  private count = 0;
  private totalLatency = 0;
  lastOp = 'NA';
  lastCxid = -1;
  lastZxid = -1n;
  lastResponseTime = 0;
  lastLatency = 0;

  constructor(readonly established: number) {}

  /** Special xids (ping, auth) do not overwrite the last real cxid, as in Java. */
  updateStatsForResponse(cxid: number, zxid: bigint, op: string, start: number, end: number): void {
    if (cxid >= 0) this.lastCxid = cxid;
    this.lastZxid = zxid;
    this.lastOp = op;
    this.lastResponseTime = end;
    const elapsed = end - start;
    this.lastLatency = elapsed;
    if (elapsed < this.minLatency) this.minLatency = elapsed;
    if (elapsed > this.maxLatency) this.maxLatency = elapsed;
    this.count++;
    this.totalLatency += elapsed;
  }

  getMinLatency(): number {
    return this.minLatency === Number.MAX_SAFE_INTEGER ? 0 : this.minLatency;
  }
  getAvgLatency(): number {
    return this.count === 0 ? 0 : Math.floor(this.totalLatency / this.count);
  }
  getMaxLatency(): number {
    return this.maxLatency;
  }

  reset(): void {
    this.packetsReceived = 0;
    this.packetsSent = 0;
    this.minLatency = Number.MAX_SAFE_INTEGER;
    this.maxLatency = 0;
    this.lastOp = 'NA';
    this.lastCxid = -1;
    this.lastZxid = -1n;
    this.lastResponseTime = 0;
    this.lastLatency = 0;
    this.count = 0;
    this.totalLatency = 0;
  }
}
