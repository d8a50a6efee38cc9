import { connect, type Socket } from 'node:net';
import {
  ACL,
  ConnectRequest,
  CreateRequest,
  encodeFrame,
  FrameDecoder,
  Id,
  ReplyHeader,
  RequestHeader,
  SetDataRequest,
} from '../lib/jute';
import { BinaryInputArchive } from '../lib/jute/binary-input-archive';
import { OpCode, Perms } from '../lib/protocol';

const OPEN = [new ACL({ perms: Perms.ALL, id: new Id({ scheme: 'world', id: 'anyone' }) })];

/** One ZooKeeper session speaking raw jute: the least client work per request. */
class LoadSession {
  private readonly decoder = new FrameDecoder(64 << 20);
  private handshake: ((b: Buffer) => void) | null = null;
  private readonly sentAt: number[] = [];
  private xid = 1;
  closed = false;
  /** Called with (err, latency ns) for every reply, in order. */
  onReply: (err: number, ns: number) => void = () => undefined;

  private constructor(private readonly sock: Socket) {
    sock.setNoDelay(true);
    sock.on('data', (c) => {
      for (const f of this.decoder.push(c)) this.frame(f);
    });
    sock.on('close', () => (this.closed = true));
    sock.on('error', () => undefined);
  }

  static open(host: string, port: number, timeoutMs = 30_000): Promise<LoadSession> {
    return new Promise((resolve, reject) => {
      const sock = connect({ host, port });
      sock.once('error', reject);
      sock.once('connect', () => {
        const s = new LoadSession(sock);
        s.handshake = () => resolve(s);
        const req = new ConnectRequest({ protocolVersion: 0, lastZxidSeen: 0n, timeOut: timeoutMs, sessionId: 0n, passwd: Buffer.alloc(16) });
        sock.write(encodeFrame(req));
      });
    });
  }

  private frame(f: Buffer): void {
    if (this.handshake) {
      const h = this.handshake;
      this.handshake = null;
      h(f);
      return;
    }
    const hdr = ReplyHeader.deserialize(new BinaryInputArchive(f));
    if (hdr.xid < 0) return; // pings
    const t0 = this.sentAt.shift()!;
    this.onReply(hdr.err, Number(process.hrtime.bigint()) - t0);
  }

  send(type: number, body: CreateRequest | SetDataRequest): void {
    this.sentAt.push(Number(process.hrtime.bigint()));
    this.sock.write(encodeFrame(new RequestHeader({ xid: this.xid++, type }), body));
  }

  ping(): void {
    this.sock.write(encodeFrame(new RequestHeader({ xid: -2, type: OpCode.ping })));
  }

  close(): void {
    this.sock.destroy();
  }
}

export interface LoadOptions {
  host: string;
  port: number;
  sessions: number;
  /** Requests each session keeps in flight. */
  window: number;
  dataBytes: number;
  warmupMs: number;
  measureMs: number;
  /** A prefix no other run used (paths must be new for creates). */
  prefix: string;
}

export interface LoadResult {
  writes: number;
  seconds: number;
  writesPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

/**
 * N sessions, each with `window` writes in flight: a create of a new node with
 * `dataBytes` of data, then a setData of the same size on one of its nodes, alternately.
 * Counts the writes answered during the measured window, after the warm-up.
 */
export async function runWriteLoad(o: LoadOptions): Promise<LoadResult> {
  const data = Buffer.alloc(o.dataBytes, 0x5a);
  const base = o.prefix;
  const setup = await LoadSession.open(o.host, o.port);
  await new Promise<void>((resolve, reject) => {
    setup.onReply = (err) => (err === 0 ? resolve() : reject(new Error(`create ${base}: error ${err}`)));
    setup.send(OpCode.create, new CreateRequest({ path: base, data: null, acl: OPEN, flags: 0 }));
  });
  setup.close();

  const sessions = await Promise.all(Array.from({ length: o.sessions }, () => LoadSession.open(o.host, o.port)));
  let measuring = false;
  let stopped = false;
  let writes = 0;
  let errors = 0;
  const latencies: number[] = [];
  sessions.forEach((s, i) => {
    let n = 0;
    const sendNext = (): void => {
      const k = n++;
      if (k % 2 === 0) s.send(OpCode.create, new CreateRequest({ path: `${base}/s${i}-${k}`, data, acl: OPEN, flags: 0 }));
      // The create two requests back was sent before, so the node is there by now.
      else s.send(OpCode.setData, new SetDataRequest({ path: `${base}/s${i}-${k - 1}`, data, version: -1 }));
    };
    s.onReply = (err, ns) => {
      if (err !== 0) errors++;
      if (measuring) {
        writes++;
        latencies.push(ns);
      }
      if (!stopped && !s.closed) sendNext();
    };
    for (let w = 0; w < o.window; w++) sendNext();
  });
  const pinger = setInterval(() => sessions.forEach((s) => s.ping()), 5000);
  await new Promise((r) => setTimeout(r, o.warmupMs));
  measuring = true;
  const t0 = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, o.measureMs));
  measuring = false;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  stopped = true;
  clearInterval(pinger);
  await new Promise((r) => setTimeout(r, 300));
  sessions.forEach((s) => s.close());
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] / 1e6 : NaN);
  return { writes, seconds, writesPerSec: writes / seconds, p50Ms: pct(0.5), p99Ms: pct(0.99), errors };
}
