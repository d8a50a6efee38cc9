import { Observable, type Subscription } from 'rxjs';
import { validatePath } from '../data/path-utils';
import type { ACL, ClientInfo, Stat } from '../jute/records/data';
import {
  AddWatchRequest,
  CheckWatchesRequest,
  CreateRequest,
  CreateTTLRequest,
  DeleteRequest,
  ExistsRequest,
  GetACLRequest,
  GetAllChildrenNumberRequest,
  GetChildren2Request,
  GetChildrenRequest,
  GetDataRequest,
  GetEphemeralsRequest,
  RemoveWatchesRequest,
  SetACLRequest,
  SetDataRequest,
  SyncRequest,
} from '../jute/records/proto';
import type { JuteRecord } from '../jute/types';
import { Code } from '../protocol/keeper-exception';
import { OpCode } from '../protocol/op-code';
import { AddWatchMode, CreateMode, EventType, WatcherType, ZooDefsPaths, isSequentialMode } from '../protocol/zoo-defs';
import { type ACLLike, type Data, checkCreateMode, checkTTL, checkVersion, toAcl, toData } from './arguments';
import type { ZooKeeperOptions } from './client-options';
import { IllegalArgumentError } from './errors';
import { MultiOperationRecord, opsKind, type CreateOptions, type Op } from './op';
import type { OpResult } from './op-result';
import { WatchDeregistration, WatchRegistration, type Decoder } from './packet';
import * as R from './replies';
import { isAlive, isConnected } from './states';
import { Transaction } from './transaction';
import { WatchStream, type WatchedEvent, type Watcher } from './watch-stream';
import type { WatchKind } from './zk-watch-manager';
import { ZooKeeperSession, reject, type ReadOptions } from './zookeeper-session';

export type { ReadOptions };

type Watched = { watch: true };
type Unwatched = { watch?: false | Watcher } | undefined;

/**
 * The zoolab ZooKeeper client: Java's org.apache.zookeeper.ZooKeeper with promises and
 * RxJS. One instance is one session, kept across reconnects to any server of the connect
 * string until it is closed or expires.
 *
 *     const zk = await ZooKeeper.connect('127.0.0.1:2181/app', { sessionTimeout: 10000 });
 *     const { data, stat, watch } = await zk.getData('/config', { watch: true });
 *     watch.subscribe((e) => console.log(e.type, e.path));
 */
export class ZooKeeper extends ZooKeeperSession {
  /** Creates a client and resolves once it is connected (rejects, closing it, if it cannot be). */
  static async connect(connectString: string, options: ZooKeeperOptions & { connectTimeoutMs?: number } = {}): Promise<ZooKeeper> {
    const zk = new ZooKeeper(connectString, options);
    try {
      await zk.waitForConnected(options.connectTimeoutMs ?? options.sessionTimeout ?? 30000);
      return zk;
    } catch (e) {
      await zk.close();
      throw e;
    }
  }

  whoAmI(): Promise<ClientInfo[]> {
    return this.send(OpCode.whoAmI, null, null, R.decodeWhoAmI);
  }

  // ---- writes ----------------------------------------------------------------------------

  /** create: the actual path (sequential nodes get their counter). TTL and container modes supported. */
  create(path: string, data?: Data, opts: CreateOptions = {}): Promise<string> {
    return this.createInternal(path, data, opts, false) as Promise<string>;
  }

  /** create with a Stat back (opcode create2; createTTL / createContainer for those modes). */
  create2(path: string, data?: Data, opts: CreateOptions = {}): Promise<R.Create2Result> {
    return this.createInternal(path, data, opts, true) as Promise<R.Create2Result>;
  }

  /** A PERSISTENT(_SEQUENTIAL)_WITH_TTL node: removed once unmodified for ttl ms and childless. */
  createTTL(path: string, data: Data, ttl: number | bigint, opts: { acl?: readonly ACLLike[]; sequential?: boolean } = {}): Promise<R.Create2Result> {
    const mode = opts.sequential ? CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL : CreateMode.PERSISTENT_WITH_TTL;
    return this.create2(path, data, { acl: opts.acl, mode, ttl });
  }

  /** A CONTAINER node: removed by the server once its last child is gone. */
  createContainer(path: string, data?: Data, opts: { acl?: readonly ACLLike[] } = {}): Promise<R.Create2Result> {
    return this.create2(path, data, { acl: opts.acl, mode: CreateMode.CONTAINER });
  }

  private createInternal(path: string, data: Data | undefined, opts: CreateOptions, withStat: boolean): Promise<unknown> {
    let mode: CreateMode, ttl: bigint, acl: ACL[], bytes: Buffer | null;
    try {
      mode = checkCreateMode(opts.mode ?? CreateMode.PERSISTENT);
      validatePath(path, isSequentialMode(mode));
      ttl = checkTTL(mode, opts.ttl);
      acl = toAcl(opts.acl);
      bytes = toData(data);
    } catch (e) {
      return reject(e);
    }
    const serverPath = this.serverPath(path);
    let type: number;
    let record: JuteRecord;
    if (ttl > 0n) {
      type = OpCode.createTTL;
      record = new CreateTTLRequest({ path: serverPath, data: bytes, acl, flags: mode, ttl });
    } else {
      type = mode === CreateMode.CONTAINER ? OpCode.createContainer : withStat ? OpCode.create2 : OpCode.create;
      record = new CreateRequest({ path: serverPath, data: bytes, acl, flags: mode });
    }
    // createTTL and createContainer are answered with a Create2Response whatever was asked.
    const decode = type === OpCode.create ? R.decodeCreate : withStat ? R.decodeCreate2 : R.decodeCreate2Path;
    return this.send(type, record, path, decode);
  }

  /** delete; version -1 matches any. Deleting "/" is sent as "/" even under a chroot (Java). */
  delete(path: string, version = -1): Promise<void> {
    return this.pathOp(path, () => new DeleteRequest({ path: path === '/' ? '/' : this.serverPath(path), version: checkVersion(version) }), OpCode.delete, null);
  }

  setData(path: string, data: Data, version = -1): Promise<Stat> {
    return this.pathOp(path, () => new SetDataRequest({ path: this.serverPath(path), data: toData(data), version: checkVersion(version) }), OpCode.setData, R.decodeStat);
  }

  setACL(path: string, acl: readonly ACLLike[], aclVersion = -1): Promise<Stat> {
    return this.pathOp(path, () => new SetACLRequest({ path: this.serverPath(path), acl: toAcl(acl), version: checkVersion(aclVersion, 'aclVersion') }), OpCode.setACL, R.decodeSetACL);
  }

  /** Waits until the server this client talks to has caught up with the leader. */
  sync(path: string): Promise<void> {
    return this.pathOp(path, () => new SyncRequest({ path: this.serverPath(path) }), OpCode.sync, null);
  }

  // ---- reads -----------------------------------------------------------------------------

  /** The node's Stat, or null if it does not exist. A watch set on a missing node fires on creation. */
  exists(path: string, opts: Watched): Promise<{ stat: Stat | null; watch: WatchStream }>;
  exists(path: string, opts?: Unwatched): Promise<Stat | null>;
  exists(path: string, opts?: ReadOptions): Promise<Stat | null | { stat: Stat | null; watch: WatchStream }>;
  exists(path: string, opts?: ReadOptions): Promise<unknown> {
    return this.read(path, opts, 'exists', OpCode.exists, (p, w) => new ExistsRequest({ path: p, watch: w }), R.decodeExists, R.decodeExistsWatched, Code.NONODE);
  }

  getData(path: string, opts: Watched): Promise<R.DataResult & { watch: WatchStream }>;
  getData(path: string, opts?: Unwatched): Promise<R.DataResult>;
  getData(path: string, opts?: ReadOptions): Promise<R.DataResult & { watch?: WatchStream }>;
  getData(path: string, opts?: ReadOptions): Promise<unknown> {
    return this.read(path, opts, 'data', OpCode.getData, (p, w) => new GetDataRequest({ path: p, watch: w }), R.decodeGetData, R.decodeGetDataWatched);
  }

  getChildren(path: string, opts: Watched): Promise<{ children: string[]; watch: WatchStream }>;
  getChildren(path: string, opts?: Unwatched): Promise<string[]>;
  getChildren(path: string, opts?: ReadOptions): Promise<string[] | { children: string[]; watch: WatchStream }>;
  getChildren(path: string, opts?: ReadOptions): Promise<unknown> {
    return this.read(path, opts, 'child', OpCode.getChildren, (p, w) => new GetChildrenRequest({ path: p, watch: w }), R.decodeChildren, R.decodeChildrenWatched);
  }

  /** getChildren with the parent's Stat. */
  getChildren2(path: string, opts: Watched): Promise<R.Children2Result & { watch: WatchStream }>;
  getChildren2(path: string, opts?: Unwatched): Promise<R.Children2Result>;
  getChildren2(path: string, opts?: ReadOptions): Promise<R.Children2Result & { watch?: WatchStream }>;
  getChildren2(path: string, opts?: ReadOptions): Promise<unknown> {
    return this.read(path, opts, 'child', OpCode.getChildren2, (p, w) => new GetChildren2Request({ path: p, watch: w }), R.decodeChildren2, R.decodeChildren2Watched);
  }

  getACL(path: string): Promise<R.ACLResult> {
    return this.pathOp(path, () => new GetACLRequest({ path: this.serverPath(path) }), OpCode.getACL, R.decodeGetACL);
  }

  /** Number of descendants (not counting the node itself). */
  getAllChildrenNumber(path: string): Promise<number> {
    return this.pathOp(path, () => new GetAllChildrenNumberRequest({ path: this.serverPath(path) }), OpCode.getAllChildrenNumber, R.decodeAllChildrenNumber);
  }

  /** The session's ephemeral nodes under prefixPath (client paths). */
  getEphemerals(prefixPath = '/'): Promise<string[]> {
    try {
      validatePath(prefixPath);
    } catch (e) {
      return reject(e);
    }
    return this.send(OpCode.getEphemerals, new GetEphemeralsRequest({ prefixPath: this.serverPath(prefixPath) }), null, R.decodeEphemerals);
  }

  /** The ensemble's dynamic config (/zookeeper/config, never under the chroot, as in Java). */
  getConfig(opts: Watched): Promise<R.DataResult & { watch: WatchStream }>;
  getConfig(opts?: Unwatched): Promise<R.DataResult>;
  getConfig(opts?: ReadOptions): Promise<R.DataResult & { watch?: WatchStream }>;
  getConfig(opts?: ReadOptions): Promise<unknown> {
    const path = ZooDefsPaths.CONFIG;
    let watcher: Watcher | null;
    try {
      watcher = this.watcherOf(path, opts);
    } catch (e) {
      return reject(e);
    }
    const reg = watcher ? new WatchRegistration('data', watcher, path) : null;
    const decode = opts?.watch === true ? R.decodeGetDataWatched : R.decodeGetData;
    return this.send(OpCode.getData, new GetDataRequest({ path, watch: watcher !== null }), path, decode, Code.OK, reg);
  }

  // ---- multi -----------------------------------------------------------------------------

  /** Runs ops atomically (writes) or together (reads). A failed transaction rejects with results attached. */
  multi(ops: readonly Op[]): Promise<OpResult[]> {
    let kind;
    try {
      kind = opsKind(ops);
    } catch (e) {
      return reject(e);
    }
    if (kind === null) return Promise.resolve([]);
    const record = new MultiOperationRecord(ops, this.chrootPath);
    return kind === 'read'
      ? this.send(OpCode.multiRead, record, null, R.decodeMultiRead)
      : this.send(OpCode.multi, record, null, R.decodeMulti);
  }

  /** multi for read ops only (getData / getChildren): each op's error is its own result. */
  multiRead(ops: readonly Op[]): Promise<OpResult[]> {
    if (ops.some((o) => o.kind !== 'getData' && o.kind !== 'getChildren')) {
      return reject(new IllegalArgumentError('multiRead takes only getData and getChildren ops'));
    }
    return this.multi(ops);
  }

  /** A builder for a multi: `zk.transaction().create(…).check(…).commit()`. */
  transaction(): Transaction {
    return new Transaction(this);
  }

  // ---- watches ---------------------------------------------------------------------------

  /**
   * addWatch: a persistent watch (every change of the node) or a persistent recursive one
   * (the node and all descendants; no child events). Without a watcher it resolves to a
   * WatchStream that lasts until removed or the session ends.
   */
  addWatch(path: string, mode: number): Promise<WatchStream>;
  addWatch(path: string, mode: number, watcher: Watcher): Promise<void>;
  addWatch(path: string, mode: number, watcher?: Watcher): Promise<unknown> {
    try {
      validatePath(path);
      if (mode !== AddWatchMode.PERSISTENT && mode !== AddWatchMode.PERSISTENT_RECURSIVE) throw new IllegalArgumentError(`Mode not supported: ${mode}`);
    } catch (e) {
      return reject(e);
    }
    const w = watcher ?? new WatchStream(path);
    const kind: WatchKind = mode === AddWatchMode.PERSISTENT ? 'persistent' : 'persistentRecursive';
    const decode: Decoder | null = watcher ? null : R.decodeAddWatch;
    return this.send(OpCode.addWatch, new AddWatchRequest({ path: this.serverPath(path), mode }), path, decode, Code.OK, new WatchRegistration(kind, w, path));
  }

  /** removeWatches (checkWatches on the wire): removes one watcher; local = also when the server cannot be asked. */
  removeWatches(path: string, watcher: Watcher, watcherType: number, local = false): Promise<void> {
    if (watcher == null) return reject(new IllegalArgumentError("Invalid Watcher, shouldn't be null!"));
    return this.removeInternal(OpCode.checkWatches, path, watcher, watcherType, local);
  }

  /** removeAllWatches: every watcher of that type on the path. */
  removeAllWatches(path: string, watcherType: number, local = false): Promise<void> {
    return this.removeInternal(OpCode.removeWatches, path, null, watcherType, local);
  }

  private removeInternal(type: number, path: string, watcher: Watcher | null, watcherType: number, local: boolean): Promise<void> {
    try {
      validatePath(path);
      if (watcherType !== WatcherType.Children && watcherType !== WatcherType.Data && watcherType !== WatcherType.Any) {
        throw new IllegalArgumentError(`Invalid WatcherType ${watcherType}`);
      }
    } catch (e) {
      return reject(e);
    }
    const serverPath = this.serverPath(path);
    const record = type === OpCode.checkWatches ? new CheckWatchesRequest({ path: serverPath, type: watcherType }) : new RemoveWatchesRequest({ path: serverPath, type: watcherType });
    return this.send(type, record, path, null, Code.OK, null, new WatchDeregistration(path, watcher, watcherType, local));
  }

  /**
   * A cold Observable over addWatch: subscribing adds a persistent (recursive) watch,
   * unsubscribing removes it. Node events only; errors if the watch cannot be added.
   */
  persistentWatch(path: string, mode: number = AddWatchMode.PERSISTENT_RECURSIVE): Observable<WatchedEvent> {
    return new Observable<WatchedEvent>((subscriber) => {
      let stream: WatchStream | null = null;
      let inner: Subscription | null = null;
      let closed = false;
      this.addWatch(path, mode).then(
        (s) => {
          stream = s;
          if (closed) return void this.dropWatch(path, s);
          inner = s.subscribe({
            next: (e) => e.type !== EventType.None && subscriber.next(e),
            complete: () => subscriber.complete(),
          });
        },
        (e) => subscriber.error(e),
      );
      return () => {
        closed = true;
        inner?.unsubscribe();
        if (stream) this.dropWatch(path, stream);
      };
    });
  }

  private dropWatch(path: string, stream: WatchStream): void {
    if (!isAlive(this.state) || !stream.isRegistered) return;
    this.removeWatches(path, stream, WatcherType.Any, !isConnected(this.state)).catch(() => undefined);
  }
}
