import type { Subscription } from 'rxjs';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { RenewingMap, RenewingSet } from '../core/renewing-collections';
import type { ClientConnection, ClientListener, ClientTransport } from '../transport/client-transport';
import { ExpiryQueue } from './expiry-queue';
import { ServerCnxnImpl } from './server-cnxn-impl';
import { hex } from './session-tracker';
import type { ZooKeeperServer } from './zookeeper-server';

export interface ServerCnxnFactoryOptions {
  /** maxClientCnxns: connections per remote address; 0 for no limit. */
  maxClientCnxns: number;
  /** zookeeper.nio.sessionlessCnxnTimeout: a connection idle this long without a session is closed. */
  sessionlessCnxnTimeout?: number;
}

/**
 * ZooKeeper's NIOServerCnxnFactory without the threads: accepts connections from a
 * ClientTransport, enforces maxClientCnxns per remote address, knows which connection
 * holds which session (for reconnects and for closing an expired session's connection),
 * and closes connections that stay idle past their timeout.
 */
export class ServerCnxnFactory {
  // Renewing: a connection passes through each of these (see renewing-collections.ts).
  readonly cnxns = new RenewingSet<ServerCnxnImpl>();
  private readonly sessionMap = new RenewingMap<bigint, ServerCnxnImpl>();
  /**
   * Connections per remote address, for maxClientCnxns: a count, not a set of them. An
   * address's entry goes when its last connection does, so one client that connects
   * and closes over and over adds and deletes it; had the entries held the connections,
   * a promoted table would keep every one alive (see renewing-collections.ts).
   */
  private readonly ipMap = new RenewingMap<string, number>();
  private readonly expiry: ExpiryQueue<ServerCnxnImpl>;
  private listener: ClientListener | null = null;
  private timer: Subscription | null = null;
  private stopped = false;
  readonly maxClientCnxns: number;
  readonly sessionlessCnxnTimeout: number;
  /** Connections refused by maxClientCnxns, for tests and `mntr`. */
  rejectedConnections = 0;

  constructor(
    private readonly zks: ZooKeeperServer,
    private readonly clock: Clock,
    private readonly log: Logger,
    opts: ServerCnxnFactoryOptions,
  ) {
    this.maxClientCnxns = opts.maxClientCnxns;
    this.sessionlessCnxnTimeout = opts.sessionlessCnxnTimeout ?? 10_000;
    // The sessionless timeout doubles as the bucket width, as in Java.
    this.expiry = new ExpiryQueue(clock, this.sessionlessCnxnTimeout);
  }

  get localAddress(): { host: string; port: number } | null {
    return this.listener?.address ?? null;
  }

  async start(transport: ClientTransport, host: string, port: number): Promise<{ host: string; port: number }> {
    this.listener = await transport.listen({ host, port }, (c) => this.accept(c));
    this.scheduleExpiry();
    this.log.info({ address: this.listener.address }, 'listening for client connections');
    return this.listener.address;
  }

  /** Takes a connection from anything that makes ClientConnections (a transport, a test). */
  accept(conn: ClientConnection): ServerCnxnImpl | null {
    if (this.stopped) {
      conn.destroy();
      return null;
    }
    const count = this.ipMap.get(conn.remoteAddress) ?? 0;
    if (this.maxClientCnxns > 0 && count >= this.maxClientCnxns) {
      this.rejectedConnections++;
      this.log.warn(
        { remote: conn.remoteAddress, maxClientCnxns: this.maxClientCnxns },
        `Too many connections from ${conn.remoteAddress} - max is ${this.maxClientCnxns}`,
      );
      conn.destroy();
      return null;
    }
    const cnxn = new ServerCnxnImpl(conn, this.zks, this.log);
    this.ipMap.set(conn.remoteAddress, count + 1);
    this.cnxns.add(cnxn);
    this.touchCnxn(cnxn);
    return cnxn;
  }

  touchCnxn(cnxn: ServerCnxnImpl): void {
    if (this.cnxns.has(cnxn)) this.expiry.update(cnxn, cnxn.sessionTimeout);
  }

  /** Forgets a connection; false when it was already gone. */
  removeCnxn(cnxn: ServerCnxnImpl): boolean {
    if (!this.cnxns.delete(cnxn)) return false;
    this.expiry.remove(cnxn);
    if (this.sessionMap.get(cnxn.sessionId) === cnxn) this.sessionMap.delete(cnxn.sessionId);
    const count = this.ipMap.get(cnxn.remoteAddress) ?? 0;
    if (count > 1) this.ipMap.set(cnxn.remoteAddress, count - 1);
    else this.ipMap.delete(cnxn.remoteAddress);
    this.zks.removeCnxn(cnxn);
    return true;
  }

  addSession(sessionId: bigint, cnxn: ServerCnxnImpl): void {
    this.sessionMap.set(sessionId, cnxn);
  }

  getCnxnForSession(sessionId: bigint): ServerCnxnImpl | undefined {
    return this.sessionMap.get(sessionId);
  }

  /** Closes the connection that holds `sessionId`, if any; true when there was one. */
  closeSession(sessionId: bigint, reason: string): boolean {
    const cnxn = this.sessionMap.get(sessionId);
    if (!cnxn) return false;
    this.sessionMap.delete(sessionId);
    cnxn.close(reason);
    return true;
  }

  getNumAliveConnections(): number {
    return this.cnxns.size;
  }

  connectionsFrom(address: string): number {
    return this.ipMap.get(address) ?? 0;
  }

  closeAll(reason: string): void {
    for (const c of [...this.cnxns]) c.destroy(reason);
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    this.timer?.unsubscribe();
    this.timer = null;
    this.closeAll('server shutdown');
    await this.listener?.close();
    this.listener = null;
  }

  private scheduleExpiry(): void {
    if (this.stopped) return;
    this.timer = this.clock.schedule(() => {
      while (this.expiry.getWaitTime() === 0) {
        for (const c of this.expiry.poll()) {
          c.close(`connection idle for ${c.sessionTimeout} ms (session ${hex(c.sessionId)})`);
        }
      }
      this.scheduleExpiry();
    }, this.expiry.getWaitTime());
  }
}
