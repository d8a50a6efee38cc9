import { createHash } from 'node:crypto';
import { Stat, type JuteRecord } from '../../lib/jute';
import { ExistsRequest } from '../../lib/jute';
import { OpCode, codeName, opName } from '../../lib/protocol';
import { RawClient, type Arrival, type RawConnectOptions, type Reply } from './raw-client';
import { decodeMultiResponse, decodeResponse, encodeMulti, type MultiOp } from './raw-ops';

/**
 * Records what a server answers to a scripted conversation, normalized so that two
 * servers that behave the same produce equal transcripts: zxids become deltas from the
 * part's first reply, session ids become the labels of the sessions that own them, and
 * ctime / mtime are dropped. Everything else is kept — error codes, every Stat field,
 * body bytes of error replies, notifications and the order they arrive in.
 */
export type Entry = Record<string, unknown>;

export interface Server {
  host: string;
  port: number;
}

export class Recorder {
  readonly entries: Entry[] = [];
  readonly clients = new Map<string, RawClient>();
  private readonly labels = new Map<bigint, string>();
  private base: bigint | null = null;
  private part = '';

  constructor(readonly server: Server) {}

  /** Starts a named part; zxid deltas restart from the part's first reply. */
  beginPart(name: string): void {
    this.part = name;
    this.base = null;
    this.entries.push({ part: name });
  }

  client(label: string): RawClient {
    const c = this.clients.get(label);
    if (!c) throw new Error(`no session ${label} in part ${this.part}`);
    return c;
  }

  note(what: string, detail: unknown = undefined): void {
    this.entries.push(detail === undefined ? { note: what } : { note: what, detail: this.norm(detail) });
  }

  /** Opens (or reattaches) session `label` and records the handshake's answer. */
  async connect(label: string, opts: RawConnectOptions = {}): Promise<RawClient> {
    const c = await RawClient.connect(this.server.host, this.server.port, opts);
    if (!c.sessionRefused) {
      this.labels.set(c.sessionId, label.split('#')[0]);
      this.clients.set(label.split('#')[0], c);
    }
    this.entries.push({
      s: label,
      op: 'connect',
      refused: c.sessionRefused,
      timeOut: c.session.timeOut,
      sameSession: opts.sessionId !== undefined ? c.session.sessionId === opts.sessionId : undefined,
      passwdLength: c.session.passwd?.length ?? null,
      readOnly: c.readOnlyFlag,
    });
    if (c.sessionRefused) {
      this.entries.push({ s: label, closedByServer: await c.waitClosed(3000) });
      c.destroy();
    }
    return c;
  }

  /** Sends `op` on session `label`, records the reply, and settles every session. */
  async op(label: string, op: number, req: JuteRecord | null, opts: { xid?: number; show?: unknown } = {}): Promise<Reply> {
    const reply = await this.client(label).request(op, req, { xid: opts.xid });
    this.entries.push(this.replyEntry(label, op, opts.show ?? req, reply, decodeResponse(op, reply.body)));
    await this.settle();
    return reply;
  }

  /** multi (or multiRead) with per-op results decoded. */
  async multi(label: string, ops: MultiOp[], read = false): Promise<Reply> {
    const op = read ? OpCode.multiRead : OpCode.multi;
    const reply = await this.client(label).requestBytes(op, encodeMulti(ops));
    const entry = this.replyEntry(label, op, ops, reply, null);
    if (reply.body.length > 0) {
      const { results, trailing } = decodeMultiResponse(reply.body);
      entry.results = results.map((r) => ({ type: opName(r.type), err: codeName(r.err), record: this.norm(r.record) }));
      delete entry.body; // it holds ctime / mtime; the decoded results are compared instead
      if (trailing) entry.trailingBytes = trailing;
    }
    this.entries.push(entry);
    await this.settle();
    return reply;
  }

  /** Drops session `label`'s TCP connection without closing the session. */
  disconnect(label: string): RawClient {
    const c = this.client(label);
    c.destroy();
    this.entries.push({ s: label, op: 'disconnect' });
    return c;
  }

  /**
   * Records whether the server closes session `label`'s connection within `ms`. A closed
   * connection leaves its session alive until it expires, which would consume a zxid at an
   * arbitrary moment later; so the session is reattached and closed here, on the record.
   */
  async closedByServer(label: string, ms: number): Promise<void> {
    const c = this.client(label);
    this.entries.push({ s: label, closedByServer: await c.waitClosed(ms) });
    c.destroy();
    this.clients.delete(label);
    this.drainArrivals();
    const again = await this.connect(`${label}#reattach`, {
      timeout: c.session.timeOut,
      sessionId: c.sessionId,
      passwd: c.session.passwd ?? undefined,
      lastZxidSeen: c.lastZxid,
    });
    if (!again.sessionRefused) await this.closeSession(label);
  }

  async closeSession(label: string): Promise<void> {
    const c = this.client(label);
    const reply = await c.closeSession();
    this.entries.push(this.replyEntry(label, OpCode.closeSession, null, reply, null));
    this.clients.delete(label);
    await this.settle();
  }

  /**
   * Makes the transcript independent of timing: every open session sends a silent read
   * that travels the server's single request pipeline, so any notification caused by
   * earlier requests has arrived before its answer. Then arrivals are drained per session.
   */
  async settle(): Promise<void> {
    for (const [, c] of this.clients) {
      if (c.closed) continue;
      await c.request(OpCode.exists, new ExistsRequest({ path: '/', watch: false }), { silent: true }).catch(() => undefined);
    }
    this.drainArrivals();
  }

  drainArrivals(): void {
    for (const [label, c] of this.clients) {
      const got = c.arrivals.splice(0);
      if (got.length === 0) continue;
      this.entries.push({ s: label, arrived: got.map((a) => this.arrival(a)) });
    }
  }

  private arrival(a: Arrival): string {
    if (a.kind === 'reply') return `reply ${opName(a.op)}`;
    return `event type=${a.event.type} state=${a.event.state} path=${a.event.path}`;
  }

  private replyEntry(label: string, op: number, req: unknown, reply: Reply, resp: JuteRecord | null): Entry {
    if (this.base === null) this.base = reply.zxid;
    const e: Entry = {
      s: label,
      op: opName(op),
      req: this.norm(req),
      err: codeName(reply.err),
      zxid: this.zxid(reply.zxid),
    };
    if (reply.xid < 0) e.xid = reply.xid;
    if (resp) e.resp = this.norm(resp);
    else if (reply.body.length > 0) e.body = reply.body.toString('hex');
    if (reply.err !== 0 && reply.body.length > 0) e.bodyOnError = reply.body.length;
    return e;
  }

  zxid(z: bigint): string | number {
    if (z === -1n) return 'none';
    // Absolute zero (the system nodes' czxid, the zxid of auth replies) is not a delta.
    if (z === 0n) return 'zero';
    if (this.base === null) this.base = z;
    return Number(z - this.base);
  }

  session(id: bigint): string | number {
    if (id === 0n) return 0;
    return this.labels.get(id) ?? `0x${BigInt.asUintN(64, id).toString(16)}`;
  }

  /** Turns records, Stats, buffers and bigints into plain, server-independent JSON. */
  norm(v: unknown): unknown {
    if (v === null || v === undefined) return v ?? null;
    if (v instanceof Stat) {
      return {
        czxid: this.zxid(v.czxid),
        mzxid: this.zxid(v.mzxid),
        pzxid: this.zxid(v.pzxid),
        version: v.version,
        cversion: v.cversion,
        aversion: v.aversion,
        ephemeralOwner: this.session(v.ephemeralOwner),
        dataLength: v.dataLength,
        numChildren: v.numChildren,
      };
    }
    if (Buffer.isBuffer(v)) {
      if (v.length > 256) return { bytes: v.length, sha1: createHash('sha1').update(v).digest('hex') };
      return printable(v) ? v.toString('utf8') : `0x${v.toString('hex')}`;
    }
    if (typeof v === 'bigint') return v.toString();
    if (Array.isArray(v)) return v.map((x) => this.norm(x));
    if (typeof v === 'object') {
      const fields = (v.constructor as { fields?: { name: string }[] }).fields;
      const out: Record<string, unknown> = {};
      const keys = fields ? fields.map((f) => f.name) : Object.keys(v);
      for (const k of keys) out[k] = this.norm((v as Record<string, unknown>)[k]);
      // Java keeps children (and a session's ephemerals) in a HashSet: its order is an
      // accident of hashing that no client may rely on, so transcripts compare them sorted.
      const sortKey = UNORDERED[(v.constructor as { recordName?: string }).recordName ?? ''];
      if (sortKey && Array.isArray(out[sortKey])) out[sortKey] = [...(out[sortKey] as string[])].sort();
      const recKey = UNORDERED_RECORDS[(v.constructor as { recordName?: string }).recordName ?? ''];
      if (recKey && Array.isArray(out[recKey])) {
        out[recKey] = (out[recKey] as unknown[])
          .map((x) => JSON.stringify(x))
          .sort()
          .map((x) => JSON.parse(x));
      }
      if (!fields && typeof (v as JuteRecord).toJSON === 'function' && keys.length === 0) return this.norm((v as JuteRecord).toJSON());
      return out;
    }
    return v;
  }

  /** Closes every session still open (not recorded). */
  /**
   * Ends every session still alive (not recorded). A session whose connection the server
   * closed unexpectedly is reattached and closed too: left to expire, it would consume a
   * zxid and delete ephemerals in the middle of a later part, and one difference would
   * show up as many.
   */
  async closeAll(): Promise<void> {
    for (const [, c] of this.clients) {
      if (!c.closed) {
        await c.closeSession().catch(() => c.destroy());
        continue;
      }
      const again = await RawClient.connect(this.server.host, this.server.port, {
        timeout: c.session.timeOut,
        sessionId: c.sessionId,
        passwd: c.session.passwd ?? undefined,
      }).catch(() => null);
      if (again && !again.sessionRefused) await again.closeSession().catch(() => again.destroy());
      else again?.destroy();
    }
    this.clients.clear();
  }
}

const UNORDERED: Record<string, string> = {
  GetChildrenResponse: 'children',
  GetChildren2Response: 'children',
  GetEphemeralsResponse: 'ephemerals',
};
/** Java keeps a connection's auth ids in a hash set too. */
const UNORDERED_RECORDS: Record<string, string> = { WhoAmIResponse: 'clientInfo' };

function printable(b: Buffer): boolean {
  for (const x of b) if (x < 0x20 || x > 0x7e) return false;
  return true;
}
