import { Observable, Subject, distinctUntilChanged, type Subscription } from 'rxjs';
import { after, type Clock } from '../core/clock';
import { validatePath } from '../data/path-utils';
import type { JuteRecord } from '../jute/types';
import { Code } from '../protocol/keeper-exception';
import { KeeperState } from '../protocol/zoo-defs';
import { ClientCnxn } from './client-cnxn';
import { resolveOptions, type ZooKeeperOptions } from './client-options';
import { parseConnectString } from './connect-string-parser';
import { IllegalArgumentError, createKeeperException } from './errors';
import { StaticHostProvider } from './host-provider';
import { Packet, WatchDeregistration, WatchRegistration, type Decoder } from './packet';
import { prependChroot } from './set-watches';
import { States, isAlive, isConnected } from './states';
import { WatchStream, deliver, type WatchedEvent, type Watcher } from './watch-stream';
import { ZKWatchManager, type WatchKind } from './zk-watch-manager';

/** `watch: true` returns a WatchStream with the result; a Watcher is registered Java-style. */
export interface ReadOptions {
  watch?: boolean | Watcher;
}

/**
 * The session half of the client: construction, connection state and session facts,
 * close, auth, and the plumbing every operation goes through (validate, encode once,
 * queue, settle). The operations themselves are ZooKeeper's (zookeeper.ts).
 */
export class ZooKeeperSession {
  readonly chrootPath: string | null;
  protected readonly cnxn: ClientCnxn;
  protected readonly watchManager: ZKWatchManager;
  private readonly stateEvents = new Subject<WatchedEvent>();

  constructor(connectString: string, options: ZooKeeperOptions = {}) {
    const o = resolveOptions(options);
    const parsed = parseConnectString(connectString);
    this.chrootPath = parsed.chrootPath;
    const defaultWatcher: Watcher = (e) => {
      this.stateEvents.next(e);
      if (o.watcher) deliver(o.watcher, e);
      // Expired, Closed and AuthFailed are the last events a session has.
      if (e.state === KeeperState.Expired || e.state === KeeperState.Closed || e.state === KeeperState.AuthFailed) {
        this.stateEvents.complete();
      }
    };
    this.watchManager = new ZKWatchManager(o.disableAutoWatchReset, defaultWatcher);
    this.cnxn = new ClientCnxn({
      ...o,
      hostProvider: o.hostProvider ?? new StaticHostProvider(parsed.servers, o.random),
      chrootPath: parsed.chrootPath,
      watchManager: this.watchManager,
    });
    this.cnxn.start();
  }

  // ---- session ---------------------------------------------------------------------------

  get state(): States {
    return this.cnxn.state;
  }
  /** The connection state now and every change after (BehaviorSubject semantics). */
  get state$(): Observable<States> {
    return this.cnxn.state$.pipe(distinctUntilChanged());
  }
  /** What Java's default watcher hears: SyncConnected, Disconnected, Expired, Closed … */
  get events$(): Observable<WatchedEvent> {
    return this.stateEvents.asObservable();
  }
  get sessionId(): bigint {
    return this.cnxn.sessionId;
  }
  get sessionPasswd(): Buffer {
    return this.cnxn.sessionPasswd;
  }
  /** The negotiated session timeout (0 until the first connection). */
  get sessionTimeout(): number {
    return this.cnxn.negotiatedSessionTimeout;
  }
  /** The client's Clock (recipes time their waits with it). */
  get clock(): Clock {
    return this.cnxn.clock;
  }
  /** The last zxid this client has seen in a reply. */
  get lastZxid(): bigint {
    return this.cnxn.lastZxid;
  }

  /** Resolves when connected (read-write or read-only); rejects if the session ends first or on timeout. */
  waitForConnected(timeoutMs = 30000): Promise<void> {
    return new Promise((resolve, reject) => {
      let sub: Subscription | undefined;
      let timer: Subscription | undefined;
      const finish = (err?: unknown) => {
        timer?.unsubscribe();
        queueMicrotask(() => sub?.unsubscribe());
        if (err) reject(err);
        else resolve();
      };
      timer = after(this.cnxn.clock, timeoutMs, () => finish(createKeeperException(Code.CONNECTIONLOSS)));
      sub = this.cnxn.state$.subscribe((s) => {
        if (isConnected(s)) finish();
        else if (!isAlive(s)) finish(createKeeperException(s === States.AUTH_FAILED ? Code.AUTHFAILED : Code.SESSIONEXPIRED));
      });
    });
  }

  /** Closes the session (its ephemerals go) and the connection; further calls fail with SessionExpired. */
  close(): Promise<void> {
    return this.cnxn.close();
  }

  /** Adds auth (e.g. "digest", "user:pw") to the session; resolves when the server accepts it. */
  addAuth(scheme: string, auth: Buffer | string): Promise<void> {
    if (typeof scheme !== 'string' || scheme.length === 0) return reject(new IllegalArgumentError('auth scheme must be a non-empty string'));
    return this.cnxn.addAuthInfo(scheme, typeof auth === 'string' ? Buffer.from(auth, 'utf8') : auth);
  }

  // ---- plumbing --------------------------------------------------------------------------

  protected serverPath(clientPath: string): string {
    return prependChroot(this.chrootPath, clientPath);
  }

  protected watcherOf(path: string, opts: ReadOptions | undefined): Watcher | null {
    const w = opts?.watch;
    if (w === true) return new WatchStream(path);
    if (!w) return null;
    if (typeof w !== 'function' && (typeof w !== 'object' || typeof w.process !== 'function')) {
      throw new IllegalArgumentError('watch must be true, false, a function or an object with process()');
    }
    return w;
  }

  protected read(
    path: string,
    opts: ReadOptions | undefined,
    kind: WatchKind | 'exists',
    type: number,
    request: (serverPath: string, watch: boolean) => JuteRecord,
    decode: Decoder,
    decodeWatched: Decoder,
    okErr: number = Code.OK,
  ): Promise<unknown> {
    let watcher: Watcher | null;
    try {
      validatePath(path);
      watcher = this.watcherOf(path, opts);
    } catch (e) {
      return reject(e);
    }
    const reg = watcher ? new WatchRegistration(kind, watcher, path) : null;
    return this.send(type, request(this.serverPath(path), watcher !== null), path, opts?.watch === true ? decodeWatched : decode, okErr, reg);
  }

  protected pathOp<T>(path: string, build: () => JuteRecord, type: number, decode: Decoder | null): Promise<T> {
    let record: JuteRecord;
    try {
      validatePath(path);
      record = build();
    } catch (e) {
      return reject(e);
    }
    return this.send(type, record, path, decode);
  }

  /** Encodes once, queues, and settles when the reply (or the connection's end) comes. */
  protected send<T>(
    type: number,
    record: Encodable | null,
    clientPath: string | null,
    decode: Decoder | null,
    okErr: number = Code.OK,
    reg: WatchRegistration | null = null,
    dereg: WatchDeregistration | null = null,
  ): Promise<T> {
    let frame: Buffer;
    try {
      frame = this.cnxn.encode(type, record);
    } catch (e) {
      return reject(e);
    }
    const p = new Packet(type, frame, clientPath, decode, okErr, reg, dereg);
    return new Promise<T>((resolve, rej) => {
      p.resolve = resolve as (v: unknown) => void;
      p.reject = rej;
      this.cnxn.submit(p);
    });
  }

  /** For tests: drop the current connection as a network failure would. */
  dropConnectionForTesting(): void {
    this.cnxn.dropConnection();
  }
}

type Encodable = Pick<JuteRecord, 'serialize'>;

export function reject<T>(e: unknown): Promise<T> {
  return Promise.reject(e);
}
