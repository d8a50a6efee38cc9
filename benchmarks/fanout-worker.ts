import { EventType, OpCode } from '../lib/protocol';
import type { LoadSession } from './load-session';
import { getDataBody, payload, setDataBody } from './requests';
import { WindowMeter } from './window-meter';
import type { WorkerMessage } from './worker-protocol';
import { FANOUT_NODE } from './workloads';

/**
 * A worker's share of a watch fan-out round. On `arm` every watcher session sets a data
 * watch on the fan-out node; on `fire` (the writer's worker only) one setData triggers
 * them all. Times are process.hrtime (CLOCK_MONOTONIC, the same clock in every process on
 * the machine), so the parent can subtract the writer's send time from each watcher's
 * arrival time across processes.
 */
export class FanoutWorker {
  readonly meter = new WindowMeter();
  private armedCount = 0;
  private arrivals: bigint[] = [];
  private got: boolean[];
  private readonly armBody = getDataBody(FANOUT_NODE, true);
  private readonly fireBody: Buffer;

  constructor(
    private readonly watchers: LoadSession[],
    private readonly writer: LoadSession | null,
    payloadBytes: number,
    private readonly send: (m: WorkerMessage) => void,
  ) {
    this.fireBody = setDataBody(FANOUT_NODE, payload(payloadBytes));
    this.got = watchers.map(() => false);
    watchers.forEach((s, i) => {
      s.onReply = (err) => {
        if (err !== 0) {
          this.send({ type: 'error', message: `arming a watch failed with code ${err}` });
          return;
        }
        if (++this.armedCount === this.watchers.length) this.send({ type: 'armed' });
      };
      s.onEvent = (type, path, atNs) => {
        if (type !== EventType.NodeDataChanged || path !== FANOUT_NODE || this.got[i]) return;
        this.got[i] = true;
        this.arrivals.push(atNs);
        if (this.arrivals.length === this.watchers.length) {
          this.send({ type: 'delivered', times: this.arrivals.map(String) });
        }
      };
    });
    if (writer) {
      writer.onReply = (err) => {
        if (err !== 0) this.send({ type: 'error', message: `the fan-out setData failed with code ${err}` });
      };
    }
  }

  arm(): void {
    this.armedCount = 0;
    this.arrivals = [];
    this.got = this.watchers.map(() => false);
    if (this.watchers.length === 0) {
      this.send({ type: 'armed' });
      return;
    }
    for (const s of this.watchers) s.send(OpCode.getData, this.armBody);
  }

  fire(): void {
    if (!this.writer) throw new Error('fire sent to a worker without the writer session');
    const t0 = process.hrtime.bigint();
    this.writer.send(OpCode.setData, this.fireBody, 1);
    this.send({ type: 'fired', t0: String(t0) });
  }

  /** A failed session, if any, to abort the round with. */
  failure(): string | null {
    const s = [...this.watchers, ...(this.writer ? [this.writer] : [])].find((x) => x.failure);
    return s ? s.failure!.message : null;
  }
}
