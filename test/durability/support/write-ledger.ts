import { CreateRequest, DeleteRequest, SetDataRequest } from '../../../lib/jute';
import type { Random } from '../../../lib/core/random';
import { Code, OpCode } from '../../../lib/protocol';
import type { RawClient, Reply } from '../../support/raw-client';
import { encodeMulti, OPEN_ACL } from '../../support/raw-ops';

/** One write sent for a path, in the order its session sent it. */
interface Op {
  kind: 'create' | 'set' | 'delete';
  data?: string;
  acked: boolean;
  zxid?: bigint;
  /** Paths created by the same multi share a group: all of them or none. */
  group?: number;
}

/** What a path must look like: absent, or this data (with its czxid / mzxid when known). */
export interface PathState {
  data: string | null;
  czxid?: bigint;
  mzxid?: bigint;
}

/** What the server showed for a path. */
export interface Observed {
  data: string | null;
  czxid?: bigint;
  mzxid?: bigint;
}

/**
 * Every write the load sent and which of them were answered. A session's writes are
 * applied in order and a crash loses a suffix of them, never an answered one: so a path
 * must show the state after some prefix of its writes that holds every answered write.
 * Once checked after a restart, that state is what the disk holds and must not change.
 */
export class WriteLedger {
  private readonly ops = new Map<string, Op[]>();
  private readonly settled = new Map<string, PathState>();
  private readonly groups = new Map<number, string[]>();
  private nextGroup = 1;
  readonly ackedZxids: bigint[] = [];
  maxAckedZxid = 0n;

  paths(): string[] {
    return [...new Set([...this.settled.keys(), ...this.ops.keys()])];
  }

  record(path: string, op: Op): Op {
    let list = this.ops.get(path);
    if (!list) this.ops.set(path, (list = []));
    list.push(op);
    return op;
  }

  newGroup(paths: string[]): number {
    const g = this.nextGroup++;
    this.groups.set(g, paths);
    return g;
  }

  /** An answered write; `newZxid` false for the second op of a multi (same zxid). */
  ack(op: Op, zxid: bigint, newZxid = true): void {
    op.acked = true;
    op.zxid = zxid;
    if (newZxid) this.ackedZxids.push(zxid);
    if (zxid > this.maxAckedZxid) this.maxAckedZxid = zxid;
  }

  /** Problems with what the server shows (empty when it holds every answered write), then settles. */
  check(observed: Map<string, Observed>): string[] {
    const problems: string[] = [];
    const chosen = new Map<string, number>();
    for (const path of this.paths()) {
      const seen = observed.get(path) ?? { data: null };
      const base = this.settled.get(path) ?? { data: null };
      const ops = this.ops.get(path) ?? [];
      const lastAcked = ops.map((o) => o.acked).lastIndexOf(true);
      // States after each prefix of the unsettled writes, from the settled state on.
      let state: PathState = base;
      let match = -2;
      for (let m = 0; m <= ops.length; m++) {
        if (m > 0) state = apply(state, ops[m - 1]);
        if (m >= lastAcked + 1 && sameState(state, seen)) {
          match = m;
          break;
        }
      }
      if (match === -2) {
        problems.push(`${path}: server shows ${show(seen)}; writes sent ${ops.map((o) => `${o.kind}${o.acked ? '(acked 0x' + o.zxid!.toString(16) + ')' : ''}`).join(', ')} from ${show(base)}`);
        continue;
      }
      chosen.set(path, match);
      this.settled.set(path, { data: seen.data, czxid: seen.czxid, mzxid: seen.mzxid });
    }
    for (const [g, paths] of this.groups) {
      const created = paths.map((p) => (this.ops.get(p) ?? []).findIndex((o) => o.group === g) < (chosen.get(p) ?? 0));
      if (created.some((x) => x !== created[0])) problems.push(`multi ${paths.join(' + ')} applied in part: ${created.join(', ')}`);
    }
    this.ops.clear();
    this.groups.clear();
    return problems;
  }
}

function apply(s: PathState, op: Op): PathState {
  switch (op.kind) {
    case 'create':
      return { data: op.data!, czxid: op.acked ? op.zxid : undefined, mzxid: op.acked ? op.zxid : undefined };
    case 'set':
      return { data: op.data!, czxid: s.czxid, mzxid: op.acked ? op.zxid : undefined };
    case 'delete':
      return { data: null };
  }
}

function sameState(expected: PathState, seen: Observed): boolean {
  if (expected.data !== seen.data) return false;
  if (expected.data === null) return true;
  if (expected.czxid !== undefined && expected.czxid !== seen.czxid) return false;
  if (expected.mzxid !== undefined && expected.mzxid !== seen.mzxid) return false;
  return true;
}

function show(s: PathState | Observed): string {
  if (s.data === null) return 'no node';
  return `${JSON.stringify(s.data.slice(0, 40))} czxid ${s.czxid?.toString(16)} mzxid ${s.mzxid?.toString(16)}`;
}

/**
 * One session writing under `dir` with up to `window` requests in flight: creates (with
 * random-sized data), setData and deletes of its own nodes, and two-node multis. Every
 * reply must be OK; a request without a reply (the server died) is left unanswered in the
 * ledger. Runs until the connection closes or `stop()`.
 */
export class Writer {
  private seq = 0;
  private inFlight = 0;
  private stopped = false;
  /** Nodes of this writer with no write pending, and whether a multi made them (left alone). */
  private readonly idle: string[] = [];
  readonly errors: string[] = [];
  sent = 0;
  answered = 0;

  constructor(
    private readonly client: RawClient,
    private readonly dir: string,
    private readonly name: string,
    private readonly rnd: Random,
    private readonly ledger: WriteLedger,
    private readonly window = 8,
  ) {}

  stop(): void {
    this.stopped = true;
  }

  run(): Promise<void> {
    return new Promise((resolve) => {
      const pump = (): void => {
        while (!this.stopped && !this.client.closed && this.inFlight < this.window) this.sendOne(pump);
        if ((this.stopped || this.client.closed) && this.inFlight === 0) resolve();
      };
      pump();
    });
  }

  private data(): string {
    const n = 8 + this.rnd.int(120);
    return `${this.name}#${this.seq}:` + 'x'.repeat(n);
  }

  private sendOne(done: () => void): void {
    const roll = this.rnd.int(100);
    let p: Promise<Reply>;
    let onOk: (r: Reply) => void;
    if (roll < 25 && this.idle.length > 0) {
      const path = this.idle.splice(this.rnd.int(this.idle.length), 1)[0];
      const data = this.data();
      const op = this.ledger.record(path, { kind: 'set', data, acked: false });
      p = this.client.request(OpCode.setData, new SetDataRequest({ path, data: Buffer.from(data), version: -1 }));
      onOk = (r) => {
        this.ledger.ack(op, r.zxid);
        this.idle.push(path);
      };
    } else if (roll < 35 && this.idle.length > 0) {
      const path = this.idle.splice(this.rnd.int(this.idle.length), 1)[0];
      const op = this.ledger.record(path, { kind: 'delete', acked: false });
      p = this.client.request(OpCode.delete, new DeleteRequest({ path, version: -1 }));
      onOk = (r) => this.ledger.ack(op, r.zxid);
    } else if (roll < 45) {
      const paths = [`${this.dir}/${this.name}-m${this.seq}a`, `${this.dir}/${this.name}-m${this.seq}b`];
      const g = this.ledger.newGroup(paths);
      const datas = paths.map(() => this.data());
      const ops = paths.map((path, i) => this.ledger.record(path, { kind: 'create', data: datas[i], acked: false, group: g }));
      p = this.client.requestBytes(OpCode.multi, encodeMulti(paths.map((path, i) => ({ op: 'create' as const, path, data: datas[i] }))));
      onOk = (r) => ops.forEach((op, i) => this.ledger.ack(op, r.zxid, i === 0));
    } else {
      const path = `${this.dir}/${this.name}-${this.seq}`;
      const data = this.data();
      const op = this.ledger.record(path, { kind: 'create', data, acked: false });
      p = this.client.request(OpCode.create, new CreateRequest({ path, data: Buffer.from(data), acl: OPEN_ACL(), flags: 0 }));
      onOk = (r) => {
        this.ledger.ack(op, r.zxid);
        this.idle.push(path);
      };
    }
    this.seq++;
    this.sent++;
    this.inFlight++;
    p.then(
      (r) => {
        this.inFlight--;
        this.answered++;
        if (r.err === Code.OK) onOk(r);
        else this.errors.push(`${this.name}: error ${r.err} (zxid 0x${r.zxid.toString(16)})`);
        done();
      },
      () => {
        this.inFlight--;
        done();
      },
    );
  }
}
