import { BehaviorSubject, type Subscription } from 'rxjs';
import { after, type Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { Random } from '../core/random';
import type { WatchedEvent } from '../data/watcher';
import type { BinaryInputArchive } from '../jute/binary-input-archive';
import { BinaryOutputArchive } from '../jute/binary-output-archive';
import { AuthPacket } from '../jute/records/proto';
import { Code, KeeperException } from '../protocol/keeper-exception';
import { OpCode, Xid } from '../protocol/op-code';
import { EventType, KeeperState } from '../protocol/zoo-defs';
import type { ClientSocketFactory } from './client-socket';
import { createKeeperException } from './errors';
import { EventThread } from './event-thread';
import type { HostProvider } from './host-provider';
import { Fifo, Packet, PendingAuth, type AuthData } from './packet';
import { SendThread } from './send-thread';
import { States, isAlive } from './states';
import { WatchStream } from './watch-stream';
import type { ZKWatchManager } from './zk-watch-manager';

export interface ClientCnxnConfig {
  hostProvider: HostProvider;
  chrootPath: string | null;
  sessionTimeout: number;
  sessionId: bigint;
  sessionPasswd: Buffer;
  canBeReadOnly: boolean;
  watchManager: ZKWatchManager;
  clock: Clock;
  random: Random;
  socketFactory: ClientSocketFactory;
  logger: Logger | null;
  maxPacketLength: number;
  disableAutoWatchReset: boolean;
  /** Upper bound of the random pause before a reconnect (Java: 1000 ms). */
  reconnectDelayMs: number;
  /** Pause after trying every server in turn (Java: 1000 ms). */
  spinDelayMs: number;
  /** 0 = none (zookeeper.request.timeout). */
  requestTimeoutMs: number;
}

const INT_MAX = 0x7fffffff;

/**
 * ClientCnxn: one session over a succession of connections. It owns what outlives a
 * connection — the session id and password, the last zxid, the queues of requests not
 * yet sent (outgoing) and not yet answered (pending), the auth to re-send, the watch
 * manager and the event thread — and settles every request: finishPacket on a reply,
 * conLossPacket when a connection or the session ends. Its SendThread runs the
 * connections themselves.
 */
export class ClientCnxn {
  readonly state$ = new BehaviorSubject<States>(States.NOT_CONNECTED);
  readonly events: EventThread;
  readonly cfg: ClientCnxnConfig;
  sessionId: bigint;
  sessionPasswd: Buffer;
  lastZxid = 0n;
  negotiatedSessionTimeout = 0;
  /** closeSession has been queued: no more requests are taken. */
  closing = false;
  outgoing = new Fifo<Packet>();
  readonly pending = new Fifo<Packet>();
  readonly authInfo: AuthData[] = [];
  /** Auth packets written and not yet answered (xid -4 replies come back in this order). */
  authInFlight: AuthData[] = [];

  private readonly sendThread: SendThread;
  private xid = 1;
  private closeTimer: Subscription | null = null;
  private readonly closedWaiters: (() => void)[] = [];
  private readonly oa = new BinaryOutputArchive(128);

  constructor(cfg: ClientCnxnConfig) {
    this.cfg = cfg;
    this.sessionId = cfg.sessionId;
    this.sessionPasswd = cfg.sessionPasswd;
    this.events = new EventThread(cfg.logger, () => this.onEventOfDeath());
    this.sendThread = new SendThread(this);
  }

  get state(): States {
    return this.state$.value;
  }

  get clock(): Clock {
    return this.cfg.clock;
  }

  start(): void {
    this.changeState(States.CONNECTING);
    this.sendThread.start();
  }

  changeState(s: States): void {
    if (this.state$.value !== s) this.state$.next(s);
  }

  // ---- requests -------------------------------------------------------------------------

  /** queuePacket: sent at once when connected, else queued for the next connection. */
  submit(p: Packet): void {
    if (!isAlive(this.state) || this.closing) {
      this.conLossPacket(p);
      return;
    }
    if (p.type === OpCode.closeSession) this.closing = true;
    this.sendThread.send(p);
  }

  /** Java's getXid: positive, wrapping from MAX back to 1 (negative xids are reserved). */
  nextXid(): number {
    if (this.xid === INT_MAX) this.xid = 1;
    return this.xid++;
  }

  /** Registers auth for this session (and every reconnect); resolves when the server accepts it. */
  addAuthInfo(scheme: string, auth: Buffer): Promise<void> {
    if (!isAlive(this.state)) return Promise.reject(this.deadError());
    return new Promise((resolve, reject) => {
      const data: AuthData = { scheme, auth, waiters: [{ resolve, reject }] };
      this.authInfo.push(data);
      this.sendThread.sendAuth(data);
    });
  }

  /** Java's close(): closeSession if a connection is up or being made, then disconnect. */
  close(): Promise<void> {
    if (!isAlive(this.state)) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.closedWaiters.push(resolve));
    if (this.closing) return done;
    if (!this.sendThread.hasSocket) {
      this.closing = true;
      this.disconnect();
      return done;
    }
    const p = new Packet(OpCode.closeSession, this.encode(OpCode.closeSession, null), null, null);
    // Deferred: the reply (or the connection loss) may arrive in the middle of cleanup.
    p.resolve = p.reject = () => queueMicrotask(() => this.disconnect());
    this.submit(p);
    // Java waits for the answer without limit; a server that pings but never answers
    // closeSession would hang close() forever, so give it one read timeout.
    this.closeTimer = after(this.cfg.clock, this.sendThread.readTimeout, () => this.disconnect());
    return done;
  }

  /** Encodes [len][xid][type][body] with the shared archive; a request's xid is patched in when sent. */
  encode(type: number, record: { serialize(oa: BinaryOutputArchive): void } | null, xid = 0): Buffer {
    const oa = this.oa;
    oa.reset();
    const at = oa.beginFrame();
    oa.writeInt(xid);
    oa.writeInt(type);
    if (record) record.serialize(oa);
    oa.endFrame(at);
    return Buffer.from(oa.toBuffer());
  }

  encodeAuth(a: AuthData): Buffer {
    return this.encode(OpCode.auth, new AuthPacket({ type: 0, scheme: a.scheme, auth: a.auth }), Xid.auth);
  }

  /** Drops the connection as if the network failed (tests; Java's testableCloseSocket). */
  dropConnection(): void {
    this.sendThread.drop();
  }

  // ---- settling requests ------------------------------------------------------------------

  /** finishPacket: watch (de)registration first, then the promise. Throws only on undecodable bytes. */
  finishPacket(p: Packet, err: number, ia: BinaryInputArchive | null): void {
    const wm = this.cfg.watchManager;
    if (p.watchRegistration) p.watchRegistration.register(err, wm);
    const dereg = p.watchDeregistration;
    if (dereg) {
      try {
        const removed = wm.removeWatcher(dereg.clientPath, dereg.watcher, dereg.watcherType, dereg.local, err);
        const state = err === Code.SESSIONEXPIRED || err === Code.CONNECTIONLOSS ? KeeperState.Disconnected : KeeperState.SyncConnected;
        for (const [type, watchers] of removed) {
          if (watchers.size === 0) continue;
          this.events.queueEvent({ type, state, path: dereg.clientPath, zxid: -1n }, watchers);
          err = Code.OK; // removed locally: a lost connection does not fail it
        }
      } catch (e) {
        if (!(e instanceof KeeperException)) throw e;
        err = e.code;
      }
    }
    if (err !== Code.OK && err !== p.okErr) {
      p.reject(createKeeperException(err, p.clientPath ?? undefined));
      return;
    }
    if (!p.decode) {
      p.resolve(undefined);
      return;
    }
    let value: unknown;
    try {
      value = p.decode(err === Code.OK ? ia : null, p, this.cfg.chrootPath);
    } catch (e) {
      if (e instanceof KeeperException) return p.reject(e);
      p.reject(createKeeperException(Code.MARSHALLINGERROR, p.clientPath ?? undefined));
      throw e;
    }
    p.resolve(value);
  }

  /** A request that will get no answer: AuthFailed, SessionExpired (closed) or ConnectionLoss. */
  conLossPacket(p: Packet): void {
    if (p instanceof PendingAuth || p.type === OpCode.ping) return;
    const err =
      this.state === States.AUTH_FAILED ? Code.AUTHFAILED : this.state === States.CLOSED ? Code.SESSIONEXPIRED : Code.CONNECTIONLOSS;
    this.finishPacket(p, err, null);
  }

  /** Fails everything sent or queued (the connection is gone). */
  failQueued(): void {
    this.authInFlight = [];
    for (let p = this.pending.shift(); p; p = this.pending.shift()) this.conLossPacket(p);
    for (const p of this.outgoing.drain()) this.conLossPacket(p);
  }

  // ---- the end of a session ---------------------------------------------------------------

  /** The server refused the session (expired) or the auth: one last event, then nothing. */
  sessionEnded(state: States.CLOSED | States.AUTH_FAILED, event: number): void {
    this.changeState(state);
    this.queueStateEvent(event);
    this.events.queueEventOfDeath();
    this.teardown();
  }

  /** ClientCnxn.disconnect after close(): state CLOSED, a Closed event, then nothing more. */
  disconnect(): void {
    if (!isAlive(this.state)) return this.teardown();
    this.sessionEnded(States.CLOSED, KeeperState.Closed);
  }

  /** Releases everything: the connection, queued requests, auth waiters, close() callers. */
  private teardown(): void {
    this.sendThread.cleanup();
    this.closeTimer?.unsubscribe();
    this.closeTimer = null;
    const err = this.deadError();
    for (const a of this.authInfo) for (const w of a.waiters.splice(0)) w.reject(err);
    for (const resolve of this.closedWaiters.splice(0)) resolve();
  }

  private deadError(): KeeperException {
    return createKeeperException(this.state === States.AUTH_FAILED ? Code.AUTHFAILED : Code.SESSIONEXPIRED);
  }

  queueStateEvent(state: number): void {
    const event: WatchedEvent = { type: EventType.None, state, path: null, zxid: -1n };
    this.events.queueEvent(event, this.cfg.watchManager.materialize(state, EventType.None, null));
  }

  private onEventOfDeath(): void {
    // Watch streams end with the session; a Java watcher would simply never hear more.
    for (const w of this.cfg.watchManager.allWatchers()) if (w instanceof WatchStream) w.complete();
  }
}

export function hex(id: bigint): string {
  return BigInt.asUintN(64, id).toString(16);
}
