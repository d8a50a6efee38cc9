import type { Subscription } from 'rxjs';
import { after, type Clock } from '../core/clock';
import type { ClientSocketFactory } from './client-socket';
import type { HostAddress } from './connect-string-parser';
import type { HostProvider } from './host-provider';

/** Java's SendThread.pingRwServer timeout for one probe (socket soTimeout). */
const PROBE_TIMEOUT_MS = 1000;
const MIN_PING_RW_TIMEOUT = 100;
const MAX_PING_RW_TIMEOUT = 60000;

/**
 * pingRwServer: ask a server "isro" and report whether it answered "rw" (a server that can
 * take writes). A refused or silent server counts as no. Returns a cancel function.
 */
export function probeReadWrite(
  factory: ClientSocketFactory,
  clock: Clock,
  address: HostAddress,
  done: (isReadWrite: boolean) => void,
): () => void {
  const chunks: Buffer[] = [];
  let finished = false;
  let timer: Subscription | null = null;
  const finish = () => {
    if (finished) return;
    finished = true;
    timer?.unsubscribe();
    done(Buffer.concat(chunks).toString('utf8').split('\n')[0] === 'rw');
  };
  const socket = factory.connect(address.host, address.port, {
    onConnect: () => socket.write(Buffer.from('isro')),
    onData: (chunk) => chunks.push(chunk),
    onClose: () => finish(),
  });
  timer = after(clock, PROBE_TIMEOUT_MS, () => socket.destroy());
  return () => {
    finished = true;
    timer?.unsubscribe();
    socket.destroy();
  };
}

/**
 * While connected to a read-only server, the Java client probes the next server of its
 * list now and then (every 100 ms at first, backing off to 60 s) and moves to the first one
 * that answers "rw".
 */
export class ReadWriteSeeker {
  private pingRwTimeout = MIN_PING_RW_TIMEOUT;
  private lastPing = 0;
  private cancelProbe: (() => void) | null = null;

  constructor(
    private readonly factory: ClientSocketFactory,
    private readonly clock: Clock,
    private readonly hostProvider: HostProvider,
  ) {}

  /** A new connection: the next probe is due one interval from now. */
  reset(now: number): void {
    this.lastPing = now;
  }

  /** Starts a probe if one is due; returns the ms until the next is. */
  poll(now: number, found: (address: HostAddress) => void): number {
    const idle = now - this.lastPing;
    if (idle < this.pingRwTimeout) return this.pingRwTimeout - idle;
    this.lastPing = now;
    this.pingRwTimeout = Math.min(2 * this.pingRwTimeout, MAX_PING_RW_TIMEOUT);
    if (!this.cancelProbe) {
      const address = this.hostProvider.next(0).address;
      this.cancelProbe = probeReadWrite(this.factory, this.clock, address, (rw) => {
        this.cancelProbe = null;
        if (!rw) return;
        this.pingRwTimeout = MIN_PING_RW_TIMEOUT;
        found(address);
      });
    }
    return this.pingRwTimeout;
  }

  cancel(): void {
    this.cancelProbe?.();
    this.cancelProbe = null;
  }
}
