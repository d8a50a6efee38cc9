import type { Subscription } from 'rxjs';
import { after } from '../core/clock';
import type { WatchedEvent } from '../data/watcher';
import { BinaryInputArchive } from '../jute/binary-input-archive';
import { BinaryOutputArchive } from '../jute/binary-output-archive';
import { FrameDecoder } from '../jute/codec';
import { ConnectRequest, ConnectResponse, WatcherEvent } from '../jute/records/proto';
import { Code } from '../protocol/keeper-exception';
import { OpCode, Xid } from '../protocol/op-code';
import { KeeperState } from '../protocol/zoo-defs';
import { hex, type ClientCnxn } from './client-cnxn';
import type { ClientSocket } from './client-socket';
import type { HostAddress } from './connect-string-parser';
import { createKeeperException } from './errors';
import { Fifo, Packet, PendingAuth, type AuthData } from './packet';
import { ReadWriteSeeker } from './read-only-probe';
import { setWatchesBatches } from './set-watches';
import { States, isAlive, isConnected } from './states';

const MAX_SEND_PING_INTERVAL = 10000;

/** [len 8][xid -2][type ping]: the same bytes every time. */
const PING_FRAME = Buffer.from([0, 0, 0, 8, 0xff, 0xff, 0xff, 0xfe, 0, 0, 0, OpCode.ping]);

/**
 * SendThread: the connections of one session, one at a time. Java runs it as a thread
 * looping over select(); here socket callbacks and one Clock timer drive the same steps:
 * pick the next host, handshake (ConnectRequest + readOnly flag), re-send auth and watches,
 * write requests as they come (xid assigned at send time) and match replies FIFO, ping at
 * readTimeout/2, give up on a connection after readTimeout of silence, reconnect.
 */
export class SendThread {
  readTimeout: number;
  private connectTimeout: number;
  private socket: ClientSocket | null = null;
  /** Bumped per connection, so callbacks of an abandoned socket are ignored. */
  private socketGen = 0;
  private decoder: FrameDecoder;
  /** The ConnectResponse is in: requests may be written. */
  private initialized = false;
  /** primeConnection ran on the current socket (its auths and SetWatches are queued). */
  private primed = false;
  private seenRwServerBefore: boolean;
  private isFirstConnect = true;
  private lastSend = 0;
  private lastHeard = 0;
  private timer: Subscription | null = null;
  /** Clock time the timer fires. */
  private tickDue = Infinity;
  private connectTimer: Subscription | null = null;
  private rwServerAddress: HostAddress | null = null;
  private readonly seeker: ReadWriteSeeker;

  constructor(private readonly cnxn: ClientCnxn) {
    const cfg = cnxn.cfg;
    // A session handed in by the caller is resumed even by a read-only-capable client.
    this.seenRwServerBefore = cfg.sessionId !== 0n;
    this.readTimeout = Math.floor((cfg.sessionTimeout * 2) / 3);
    this.connectTimeout = Math.floor(cfg.sessionTimeout / cfg.hostProvider.size);
    this.decoder = new FrameDecoder(cfg.maxPacketLength);
    this.seeker = new ReadWriteSeeker(cfg.socketFactory, cfg.clock, cfg.hostProvider);
  }

  get hasSocket(): boolean {
    return this.socket !== null;
  }

  start(): void {
    this.connectNext();
  }

  send(p: Packet): void {
    if (this.initialized) this.writePacket(p);
    else this.cnxn.outgoing.push(p);
  }

  sendAuth(a: AuthData): void {
    if (this.initialized) this.writeAuth(a);
    // Handshake under way: after the auths primeConnection queued. No connection yet:
    // primeConnection will send every authInfo entry.
    else if (this.primed) this.cnxn.outgoing.push(new PendingAuth(a, this.cnxn.encodeAuth(a)));
  }

  drop(): void {
    if (this.socket) this.onTransportFailure(new Error('connection dropped on request'));
  }

  // ---- connecting ------------------------------------------------------------------------

  private connectNext(): void {
    const cnxn = this.cnxn;
    if (!isAlive(cnxn.state)) return;
    if (cnxn.closing) return cnxn.disconnect();
    let address: HostAddress;
    let delay = 0;
    if (this.rwServerAddress) {
      address = this.rwServerAddress;
      this.rwServerAddress = null;
    } else {
      ({ address, delay } = cnxn.cfg.hostProvider.next(cnxn.cfg.spinDelayMs));
    }
    if (!this.isFirstConnect && cnxn.cfg.reconnectDelayMs > 0) delay += cnxn.cfg.random.int(cnxn.cfg.reconnectDelayMs);
    // Java still says CONNECTED while it sleeps before the next attempt; CONNECTING is the truth.
    cnxn.changeState(States.CONNECTING);
    this.connectTimer = after(cnxn.cfg.clock, delay, () => {
      this.connectTimer = null;
      this.openSocket(address);
    });
  }

  private openSocket(address: HostAddress): void {
    const cfg = this.cnxn.cfg;
    if (!isAlive(this.cnxn.state)) return;
    if (this.cnxn.closing) return this.cnxn.disconnect();
    const gen = ++this.socketGen;
    this.decoder = new FrameDecoder(cfg.maxPacketLength);
    this.initialized = false;
    this.primed = false;
    cfg.logger?.debug({ server: `${address.host}:${address.port}` }, 'Opening socket connection');
    try {
      this.socket = cfg.socketFactory.connect(address.host, address.port, {
        onConnect: () => gen === this.socketGen && this.primeConnection(),
        onData: (chunk) => gen === this.socketGen && this.onData(chunk),
        onClose: (e) => gen === this.socketGen && this.onTransportFailure(e ?? new Error('connection closed by server')),
      });
    } catch (e) {
      this.socket = null;
      queueMicrotask(() => gen === this.socketGen && this.onTransportFailure(e as Error));
      return;
    }
    this.lastSend = this.lastHeard = cfg.clock.now();
    this.scheduleTick(this.connectTimeout);
  }

  /** primeConnection: ConnectRequest now; auths, then SetWatches, ahead of queued requests. */
  private primeConnection(): void {
    const cnxn = this.cnxn;
    this.isFirstConnect = false;
    this.primed = true;
    const req = new ConnectRequest({
      protocolVersion: 0,
      lastZxidSeen: cnxn.lastZxid,
      timeOut: cnxn.cfg.sessionTimeout,
      sessionId: this.seenRwServerBefore ? cnxn.sessionId : 0n,
      passwd: cnxn.sessionPasswd,
    });
    const oa = new BinaryOutputArchive(64);
    const at = oa.beginFrame();
    req.serialize(oa);
    oa.writeBool(cnxn.cfg.canBeReadOnly); // 3.8 writes the flag by hand after the record
    oa.endFrame(at);
    this.socket!.write(oa.toBuffer());
    this.lastSend = cnxn.cfg.clock.now();

    const primes: Packet[] = cnxn.authInfo.map((a) => new PendingAuth(a, cnxn.encodeAuth(a)));
    if (!cnxn.cfg.disableAutoWatchReset) {
      for (const b of setWatchesBatches(cnxn.cfg.watchManager, cnxn.cfg.chrootPath, cnxn.lastZxid)) {
        // Java writes SET_WATCHES_XID into the header, but the send path overwrites it with
        // the next xid, so the reply comes back through the pending queue like any other.
        primes.push(new Packet(b.type, cnxn.encode(b.type, b.record), null, null));
      }
    }
    if (primes.length) {
      const queued = cnxn.outgoing.drain();
      cnxn.outgoing = new Fifo<Packet>();
      for (const p of primes) cnxn.outgoing.push(p);
      for (const p of queued) cnxn.outgoing.push(p);
    }
  }

  private readConnectResult(frame: Buffer): void {
    const ia = new BinaryInputArchive(frame, this.cnxn.cfg.maxPacketLength);
    const rsp = ConnectResponse.deserialize(ia);
    // Servers before 3.4 send no read-only flag.
    const isRO = ia.remaining > 0 ? ia.readBool() : false;
    this.onConnected(rsp.timeOut, rsp.sessionId, rsp.passwd ?? Buffer.alloc(16), isRO);
  }

  private onConnected(timeout: number, sessionId: bigint, passwd: Buffer, isRO: boolean): void {
    const cnxn = this.cnxn;
    const cfg = cnxn.cfg;
    cnxn.negotiatedSessionTimeout = timeout;
    if (timeout <= 0) {
      cfg.logger?.warn(`Unable to reconnect to ZooKeeper service, session 0x${hex(cnxn.sessionId)} has expired`);
      return cnxn.sessionEnded(States.CLOSED, KeeperState.Expired);
    }
    if (!cfg.canBeReadOnly && isRO) cfg.logger?.error('Read/write client got connected to read-only server');
    this.readTimeout = Math.floor((timeout * 2) / 3);
    this.connectTimeout = Math.floor(timeout / cfg.hostProvider.size);
    cfg.hostProvider.onConnected();
    cnxn.sessionId = sessionId;
    cnxn.sessionPasswd = passwd;
    this.initialized = true;
    cnxn.changeState(isRO ? States.CONNECTEDREADONLY : States.CONNECTED);
    this.seenRwServerBefore ||= !isRO;
    cnxn.queueStateEvent(isRO ? KeeperState.ConnectedReadOnly : KeeperState.SyncConnected);
    for (const p of cnxn.outgoing.drain()) this.writePacket(p);
    this.seeker.reset(cfg.clock.now());
    this.tick();
  }

  // ---- writing and reading ---------------------------------------------------------------

  private writeAuth(a: AuthData): void {
    this.socket!.write(this.cnxn.encodeAuth(a));
    this.cnxn.authInFlight.push(a);
    this.lastSend = this.cnxn.cfg.clock.now();
  }

  private writePacket(p: Packet): void {
    if (p instanceof PendingAuth) return this.writeAuth(p.auth);
    const now = this.cnxn.cfg.clock.now();
    if (p.type !== OpCode.ping) {
      p.xid = this.cnxn.nextXid();
      p.frame.writeInt32BE(p.xid, 4);
      p.sentAt = now;
      this.cnxn.pending.push(p);
      // The first request of a busy spell gets a tick at its deadline.
      const rt = this.cnxn.cfg.requestTimeoutMs;
      if (rt > 0 && this.cnxn.pending.length === 1 && this.tickDue > now + rt) this.scheduleTick(rt);
    }
    this.socket!.write(p.frame);
    this.lastSend = now;
  }

  private onData(chunk: Buffer): void {
    this.lastHeard = this.cnxn.cfg.clock.now();
    try {
      for (const frame of this.decoder.push(chunk)) {
        if (!this.socket) return; // a frame before this one ended the connection
        if (this.initialized) this.readResponse(frame);
        else this.readConnectResult(frame);
      }
    } catch (e) {
      this.onTransportFailure(e as Error);
    }
  }

  private readResponse(frame: Buffer): void {
    const cnxn = this.cnxn;
    const ia = new BinaryInputArchive(frame, cnxn.cfg.maxPacketLength);
    const xid = ia.readInt();
    const zxid = ia.readLong();
    const err = ia.readInt();
    if (xid === Xid.ping) return;
    if (xid === Xid.auth) return this.onAuthReply(err);
    if (xid === Xid.notification) return this.onNotification(ia, zxid);
    const p = cnxn.pending.shift();
    if (!p) throw new Error(`Nothing in the queue, but got ${xid}`);
    if (p.xid !== xid) {
      cnxn.finishPacket(p, Code.CONNECTIONLOSS, null);
      throw new Error(`Xid out of order. Got Xid ${xid} with err ${err} expected Xid ${p.xid}`);
    }
    if (zxid > 0n) cnxn.lastZxid = zxid;
    cnxn.finishPacket(p, err, err === Code.OK ? ia : null);
  }

  private onAuthReply(err: number): void {
    const a = this.cnxn.authInFlight.shift();
    const waiters = a ? a.waiters.splice(0) : [];
    if (err === Code.AUTHFAILED) {
      for (const w of waiters) w.reject(createKeeperException(Code.AUTHFAILED));
      return this.cnxn.sessionEnded(States.AUTH_FAILED, KeeperState.AuthFailed);
    }
    for (const w of waiters) {
      if (err === Code.OK) w.resolve();
      else w.reject(createKeeperException(err));
    }
  }

  private onNotification(ia: BinaryInputArchive, zxid: bigint): void {
    const cfg = this.cnxn.cfg;
    const ev = WatcherEvent.deserialize(ia);
    let path = ev.path;
    const chroot = cfg.chrootPath;
    if (chroot !== null && path !== null) {
      if (path === chroot) path = '/';
      else if (path.length > chroot.length) path = path.substring(chroot.length);
      else cfg.logger?.warn(`Got server path ${path} which is too short for chroot path ${chroot}.`);
    }
    const event: WatchedEvent = { type: ev.type, state: ev.state, path, zxid };
    this.cnxn.events.queueEvent(event, cfg.watchManager.materialize(ev.state, ev.type, path));
  }

  // ---- losing a connection ---------------------------------------------------------------

  /** Any reason the current connection is unusable: close it, fail what was in flight, retry. */
  private onTransportFailure(reason: Error): void {
    const cnxn = this.cnxn;
    if (isAlive(cnxn.state)) {
      cnxn.cfg.logger?.info({ err: reason.message }, `Session 0x${hex(cnxn.sessionId)}: closing socket connection, attempting reconnect`);
    }
    this.cleanup();
    if (!isAlive(cnxn.state)) return;
    // As in Java, every failed attempt is another Disconnected event.
    cnxn.queueStateEvent(KeeperState.Disconnected);
    if (cnxn.closing) return cnxn.disconnect();
    this.connectNext();
  }

  /** Closes the socket, stops the timers, fails every request sent or queued. */
  cleanup(): void {
    this.socketGen++;
    this.socket?.destroy();
    this.socket = null;
    this.initialized = false;
    this.timer?.unsubscribe();
    this.timer = null;
    this.tickDue = Infinity;
    this.connectTimer?.unsubscribe();
    this.connectTimer = null;
    this.seeker.cancel();
    this.cnxn.failQueued();
  }

  // ---- the loop's timing -----------------------------------------------------------------

  private scheduleTick(delay: number): void {
    this.timer?.unsubscribe();
    const d = Math.max(1, delay);
    this.tickDue = this.cnxn.cfg.clock.now() + d;
    this.timer = after(this.cnxn.cfg.clock, d, () => {
      this.timer = null;
      this.tickDue = Infinity;
      this.tick();
    });
  }

  /** One turn of Java's loop: read timeout, ping, request timeout, read-write probe. */
  private tick(): void {
    if (!this.socket) return;
    const cnxn = this.cnxn;
    const now = cnxn.cfg.clock.now();
    const idleRecv = now - this.lastHeard;
    const connected = this.initialized && isConnected(cnxn.state);
    let to = (connected ? this.readTimeout : this.connectTimeout) - idleRecv;
    if (to <= 0) {
      const msg = `Client session timed out, have not heard from server in ${idleRecv}ms for session id 0x${hex(cnxn.sessionId)}`;
      return this.onTransportFailure(new Error(msg));
    }
    if (connected) {
      // The 1000 ms margin is Java's: it keeps the second ping from being missed.
      const dueIn = (idle: number) => Math.floor(this.readTimeout / 2) - idle - (idle > 1000 ? 1000 : 0);
      let idleSend = now - this.lastSend;
      if (dueIn(idleSend) <= 0 || idleSend > MAX_SEND_PING_INTERVAL) {
        this.writePacket(new Packet(OpCode.ping, PING_FRAME, null, null));
        idleSend = 0;
      }
      to = Math.min(to, dueIn(idleSend));
      const rt = cnxn.cfg.requestTimeoutMs;
      const oldest = cnxn.pending.peek();
      if (rt > 0 && oldest) {
        if (now - oldest.sentAt >= rt) return this.onRequestTimeout(oldest);
        to = Math.min(to, rt - (now - oldest.sentAt));
      }
    }
    if (cnxn.state === States.CONNECTEDREADONLY) {
      const gen = this.socketGen;
      to = Math.min(
        to,
        this.seeker.poll(now, (address) => {
          if (gen !== this.socketGen) return;
          this.rwServerAddress = address;
          this.onTransportFailure(new Error(`Majority server found at ${address.host}:${address.port}`));
        }),
      );
    }
    this.scheduleTick(to);
  }

  /** Java fails the timed-out request with RequestTimeout and drops the connection. */
  private onRequestTimeout(p: Packet): void {
    this.cnxn.cfg.logger?.error(`Timeout error occurred for the packet with xid ${p.xid}`);
    this.cnxn.pending.shift();
    this.cnxn.finishPacket(p, Code.REQUESTTIMEOUT, null);
    this.onTransportFailure(new Error('request timeout'));
  }
}
