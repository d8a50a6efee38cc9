import { DataTree } from '../../../lib/data/data-tree';
import type { WatchedEvent } from '../../../lib/data/watcher';
import { encode } from '../../../lib/jute/codec';
import { ACL, ClientInfo, Id } from '../../../lib/jute/records/data';
import type { ReplyHeader } from '../../../lib/jute/records/proto';
import type { JuteRecord } from '../../../lib/jute/types';
import { Code, Ids, KeeperException, Perms } from '../../../lib/protocol';
import { ProviderRegistry } from '../../../lib/server/auth/provider-registry';
import { OutstandingChanges } from '../../../lib/server/processors/change-record';
import { FinalRequestProcessor } from '../../../lib/server/processors/final-request-processor';
import { PrepRequestProcessor } from '../../../lib/server/processors/prep-request-processor';
import type {
  ProcessorConfig,
  ProcessorContext,
  ProcessorSessionTracker,
  RequestFinishedEvent,
} from '../../../lib/server/processors/processor-context';
import { Request } from '../../../lib/server/request';
import type { ServerCnxn } from '../../../lib/server/server-cnxn';
import type { Clock } from '../../../lib/core/clock';
import { asyncScheduler } from 'rxjs';

/** A connection that records what the server sends it. */
export class FakeCnxn implements ServerCnxn {
  readonly authInfo: Id[] = [];
  readonly responses: { header: ReplyHeader; body: JuteRecord | null }[] = [];
  readonly events: WatchedEvent[] = [];
  closed: string | null = null;

  constructor(
    readonly sessionId: bigint,
    readonly remoteAddress = '127.0.0.1',
  ) {
    this.authInfo.push(new Id({ scheme: 'ip', id: remoteAddress }));
  }
  clientInfo(): ClientInfo[] {
    return this.authInfo.map((i) => new ClientInfo({ authScheme: i.scheme, user: i.id }));
  }
  addAuthInfo(id: Id): void {
    if (!this.authInfo.some((a) => a.scheme === id.scheme && a.id === id.id)) this.authInfo.push(id);
  }
  sendResponse(header: ReplyHeader, body: JuteRecord | null): void {
    this.responses.push({ header, body });
  }
  close(reason: string): void {
    this.closed = reason;
  }
  process(event: WatchedEvent): void {
    this.events.push(event);
  }
  last(): { header: ReplyHeader; body: JuteRecord | null } {
    const r = this.responses[this.responses.length - 1];
    if (!r) throw new Error('no response');
    return r;
  }
}

/** SessionTrackerImpl's semantics without expiry timers. */
export class FakeSessions implements ProcessorSessionTracker {
  readonly sessions = new Map<bigint, { timeout: number; closing: boolean; owner: unknown }>();
  readonly committed = new Map<bigint, number>();

  add(id: bigint, timeout = 30000): void {
    this.sessions.set(id, { timeout, closing: false, owner: null });
    this.committed.set(id, timeout);
  }
  checkSession(id: bigint, owner: unknown): void {
    const s = this.sessions.get(id);
    if (!s) throw new KeeperException(Code.UNKNOWNSESSION);
    if (s.closing) throw new KeeperException(Code.SESSIONEXPIRED);
    if (s.owner === null) s.owner = owner;
    else if (s.owner !== owner) throw new KeeperException(Code.SESSIONMOVED);
  }
  checkGlobalSession(id: bigint, owner: unknown): void {
    try {
      this.checkSession(id, owner);
    } catch (e) {
      if (e instanceof KeeperException && e.code === Code.UNKNOWNSESSION) throw new KeeperException(Code.SESSIONEXPIRED);
      throw e;
    }
  }
  trackSession(id: bigint, timeout: number): boolean {
    if (this.sessions.has(id)) return false;
    this.sessions.set(id, { timeout, closing: false, owner: null });
    return true;
  }
  setOwner(id: bigint, owner: unknown): void {
    const s = this.sessions.get(id);
    if (!s || s.closing) throw new KeeperException(Code.SESSIONEXPIRED);
    s.owner = owner;
  }
  setSessionClosing(id: bigint): void {
    const s = this.sessions.get(id);
    if (s) s.closing = true;
  }
  commitSession(id: bigint, timeout: number): boolean {
    const had = this.committed.has(id);
    this.committed.set(id, timeout);
    return !had;
  }
  removeSession(id: bigint): void {
    this.sessions.delete(id);
    this.committed.delete(id);
  }
}

export interface HarnessOptions extends Partial<ProcessorConfig> {
  superDigest?: string | null;
  enforceQuota?: boolean;
  digestEnabled?: boolean;
}

export const OWNER = Symbol('ServerCnxn.me');

/** A standalone server's request path with no network: prep then final, synchronously. */
export class Harness {
  readonly tree: DataTree;
  readonly sessions = new FakeSessions();
  readonly outstanding = new OutstandingChanges();
  readonly providers: ProviderRegistry;
  readonly prep: PrepRequestProcessor;
  readonly final: FinalRequestProcessor;
  readonly ctx: ProcessorContext;
  readonly finishedSessions: ServerCnxn[] = [];
  readonly closedSessions: bigint[] = [];
  readonly finished: RequestFinishedEvent[] = [];
  hzxid = 0n;
  time = 1_700_000_000_000;
  private nextCxid = 1;

  constructor(opts: HarnessOptions = {}) {
    this.tree = new DataTree({
      extendedTypesEnabled: opts.extendedTypesEnabled ?? false,
      enforceQuota: opts.enforceQuota ?? false,
      digestEnabled: opts.digestEnabled ?? true,
    });
    this.providers = new ProviderRegistry({ superDigest: opts.superDigest ?? null });
    const clock: Clock = Object.assign(Object.create(asyncScheduler), { now: () => this.time });
    const config: ProcessorConfig = {
      serverId: 0,
      extendedTypesEnabled: opts.extendedTypesEnabled ?? false,
      reconfigEnabled: opts.reconfigEnabled ?? false,
      skipACL: opts.skipACL ?? false,
      closeSessionTxnEnabled: opts.closeSessionTxnEnabled ?? true,
    };
    this.ctx = {
      dataTree: this.tree,
      config,
      clock,
      sessionTracker: this.sessions,
      authProviders: this.providers,
      outstandingChanges: this.outstanding,
      getNextZxid: () => ++this.hzxid,
      getZxid: () => this.hzxid,
      ownerOf: () => OWNER,
      finishSessionInit: (cnxn) => void this.finishedSessions.push(cnxn),
      closeSessionConnection: (id) => {
        this.closedSessions.push(id);
        return true;
      },
      onRequestFinished: (e) => void this.finished.push(e),
    };
    this.prep = new PrepRequestProcessor(this.ctx);
    this.final = new FinalRequestProcessor(this.ctx);
  }

  /** A connected client with a live session. */
  client(sessionId: bigint, remoteAddress = '127.0.0.1'): FakeCnxn {
    this.sessions.add(sessionId);
    return new FakeCnxn(sessionId, remoteAddress);
  }

  request(cnxn: FakeCnxn | null, type: number, body: JuteRecord | Buffer | null, sessionId = cnxn?.sessionId ?? 0n, cxid = this.nextCxid++): Request {
    const buf = body === null ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : encode(body);
    return new Request(cnxn, sessionId, cxid, type, buf, cnxn ? [...cnxn.authInfo] : [], this.time);
  }

  /** prep only (the request then waits, as in a pipeline, until final). */
  prepped(cnxn: FakeCnxn | null, type: number, body: JuteRecord | Buffer | null): Request {
    return this.prep.pRequest(this.request(cnxn, type, body));
  }

  /** prep + final: the reply the client gets. */
  submit(cnxn: FakeCnxn, type: number, body: JuteRecord | Buffer | null, cxid?: number): { header: ReplyHeader; body: JuteRecord | null } {
    const r = this.request(cnxn, type, body, cnxn.sessionId, cxid);
    this.prep.pRequest(r);
    const before = cnxn.responses.length;
    this.final.processRequest(r);
    if (cnxn.responses.length === before) throw new Error(`no reply (closed: ${cnxn.closed})`);
    return cnxn.last();
  }
}

export const open = (): ACL[] => Ids.OPEN_ACL_UNSAFE();
export const acl = (perms: number, scheme: string, id: string): ACL => new ACL({ perms, id: new Id({ scheme, id }) });
export { Perms };
