import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject } from 'rxjs';
import { silentLogger } from '../../lib/core/logger';
import { TxnHeader } from '../../lib/jute/records/txn';
import type { TxnEntry, TxnLog } from '../../lib/persistence/txn-log';
import { OpCode } from '../../lib/protocol';
import { syncRequestProcessor } from '../../lib/server/processors/sync-request-processor';
import { Request } from '../../lib/server/request';
import { FileTxnLog } from '../../plugins/storage-file/file-txn-log';
import { nodeFileIO } from '../../plugins/storage-file/node-file-io';

/** A log that commits at once and lets the test decide when a deferred commit starts. */
class DeferringLog implements TxnLog {
  appended: bigint[] = [];
  commitSizes: number[] = [];
  deferred: Array<() => void> = [];
  /** What `probe` said at each commit (the test's answers so far). */
  probed: number[] = [];
  private committed = 0;

  constructor(private readonly probe: () => number = () => 0) {}

  append(e: TxnEntry): void {
    this.appended.push(e.hdr.zxid);
  }
  async commit(): Promise<void> {
    this.commitSizes.push(this.appended.length - this.committed);
    this.probed.push(this.probe());
    this.committed = this.appended.length;
  }
  async *read(): AsyncIterable<TxnEntry> {}
  lastLoggedZxid(): bigint {
    return this.appended.at(-1) ?? 0n;
  }
  rollLog(): void {}
  async truncate(): Promise<void> {}
  async close(): Promise<void> {}
  deferCommit(start: () => void): void {
    this.deferred.push(start);
  }
}

let zxid = 1n;
function write(session: bigint, cxid: number): Request {
  const r = new Request(null, session, cxid, OpCode.setData, Buffer.alloc(0), [], 0);
  r.hdr = new TxnHeader({ clientId: session, cxid, zxid: zxid++, time: 0n, type: OpCode.setData });
  return r;
}
function read(session: bigint, cxid: number): Request {
  return new Request(null, session, cxid, OpCode.getData, Buffer.alloc(0), [], 0);
}
const settle = () => new Promise((r) => setImmediate(r));

/** The sync stage over a DeferringLog that notes, at each commit, how many answers were out. */
function stage() {
  const out: Request[] = [];
  const log = new DeferringLog(() => out.length);
  const input = new Subject<Request>();
  const seen: { error: unknown } = { error: null };
  input
    .pipe(syncRequestProcessor({ txnLog: log, logger: silentLogger }))
    .subscribe({ next: (r) => out.push(r), error: (e) => (seen.error = e) });
  return { out, log, input, seen };
}

describe('a log that defers the start of a commit', () => {
  it('gathers the txns of several bursts into one commit, and answers none before it', async () => {
    const { out, log, input } = stage();
    input.next(write(1n, 1));
    await settle(); // a microtask-started commit would have taken this one alone
    input.next(write(2n, 1));
    input.next(write(3n, 1));
    expect(log.commitSizes).toEqual([]);
    expect(log.deferred).toHaveLength(1);
    log.deferred.shift()!();
    await settle();
    expect(log.commitSizes).toEqual([3]);
    expect(out.map((r) => r.sessionId)).toEqual([1n, 2n, 3n]);
  });

  it('commits what arrived while a commit was in flight as soon as that one is durable, before answering it', async () => {
    const { out, log, input } = stage();
    input.next(write(1n, 1));
    log.deferred.shift()!();
    input.next(write(1n, 2)); // while the first commit is in flight
    await settle();
    // No second deferral: the second write started before the first batch was answered,
    // so the log writes while the first batch is applied and answered.
    expect(log.deferred).toHaveLength(0);
    expect(log.commitSizes).toEqual([1, 1]);
    expect(log.probed).toEqual([0, 0]);
    expect(out.map((r) => r.cxid)).toEqual([1, 2]);
  });

  it('answers a read queued ahead of the next commit right after the batch before it', async () => {
    const { out, log, input } = stage();
    input.next(write(1n, 1));
    log.deferred.shift()!();
    input.next(read(1n, 2)); // behind its session's write: queued
    input.next(write(2n, 1));
    await settle();
    expect(log.commitSizes).toEqual([1, 1]);
    expect(log.probed).toEqual([0, 0]);
    // The read waits for its session's write only, not for the second commit.
    expect(out.map((r) => [r.sessionId, r.cxid])).toEqual([
      [1n, 1],
      [1n, 2],
      [2n, 1],
    ]);
  });

  it('keeps the answers in order when the second commit fails', async () => {
    const { out, log, input, seen } = stage();
    let calls = 0;
    const commit = log.commit.bind(log);
    log.commit = async () => {
      if (++calls === 2) throw new Error('disk gone');
      return commit();
    };
    input.next(write(1n, 1));
    log.deferred.shift()!();
    input.next(write(2n, 1));
    await settle();
    // The first batch was durable and is answered; the second never is.
    expect(out.map((r) => r.sessionId)).toEqual([1n]);
    expect((seen.error as Error).message).toBe('disk gone');
  });
});

describe('FileTxnLog', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'zoolab-defer-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('defers commits to the end of the I/O phase on the real disk only', async () => {
    const real = await FileTxnLog.open({ dir: join(dir, 'real'), forceSync: false });
    const simulated = await FileTxnLog.open({ dir: join(dir, 'sim'), forceSync: false, io: { ...nodeFileIO } });
    try {
      expect(typeof real.deferCommit).toBe('function');
      expect(simulated.deferCommit).toBeUndefined();
      const order: string[] = [];
      real.deferCommit!(() => order.push('commit'));
      queueMicrotask(() => order.push('microtask'));
      await settle();
      expect(order).toEqual(['microtask', 'commit']);
    } finally {
      await real.close();
      await simulated.close();
    }
  });
});
