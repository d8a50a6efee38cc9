import { Subject } from 'rxjs';
import { silentLogger } from '../../lib/core/logger';
import { TxnHeader } from '../../lib/jute/records/txn';
import type { TxnEntry, TxnLog } from '../../lib/persistence/txn-log';
import { OpCode } from '../../lib/protocol';
import { syncRequestProcessor, type SyncStats } from '../../lib/server/processors/sync-request-processor';
import { Request } from '../../lib/server/request';

/** A TxnLog whose commits finish only when the test says so. */
class SlowTxnLog implements TxnLog {
  appended: bigint[] = [];
  durable: bigint[] = [];
  commits: Array<{ size: number; finish(): void; fail(e: Error): void }> = [];
  private committedUpTo = 0;

  append(e: TxnEntry): void {
    this.appended.push(e.hdr.zxid);
  }
  commit(): Promise<void> {
    const upTo = this.appended.length;
    return new Promise((resolve, reject) => {
      this.commits.push({
        size: upTo - this.committedUpTo,
        finish: () => {
          this.durable = this.appended.slice(0, upTo);
          resolve();
        },
        fail: reject,
      });
      this.committedUpTo = upTo;
    });
  }
  async *read(): AsyncIterable<TxnEntry> {}
  lastLoggedZxid(): bigint {
    return this.appended.at(-1) ?? 0n;
  }
  rollLog(): void {}
  async truncate(): Promise<void> {}
  async close(): Promise<void> {}
}

let nextZxid = 1n;
function write(cxid: number): Request {
  const r = new Request(null, 1n, cxid, OpCode.setData, Buffer.alloc(0), [], 0);
  r.hdr = new TxnHeader({ clientId: 1n, cxid, zxid: nextZxid++, time: 0n, type: OpCode.setData });
  return r;
}
function read(cxid: number, session = 1n, type: number = OpCode.getData): Request {
  return new Request(null, session, cxid, type, Buffer.alloc(0), [], 0);
}
const settle = () => new Promise((r) => setImmediate(r));

function harness(opts: { high?: number; low?: number } = {}) {
  const log = new SlowTxnLog();
  const input = new Subject<Request>();
  const out: Request[] = [];
  const backlogSignals: boolean[] = [];
  const stats: SyncStats = { commits: 0, txnsLogged: 0, lastBatchSize: 0, maxBatchSize: 0, backlog: 0, requestsQueued: 0 };
  let error: unknown = null;
  let completed = false;
  input
    .pipe(
      syncRequestProcessor(
        { txnLog: log, logger: silentLogger, setSyncBacklogged: (b) => backlogSignals.push(b) },
        { highWaterMark: opts.high, lowWaterMark: opts.low },
        stats,
      ),
    )
    .subscribe({
      next: (r) => {
        // Every txn that leaves sync must already be durable.
        if (r.isTxn()) expect(log.durable).toContain(r.hdr!.zxid);
        out.push(r);
      },
      error: (e) => (error = e),
      complete: () => (completed = true),
    });
  return { log, input, out, stats, backlogSignals, error: () => error, completed: () => completed };
}

describe('SyncRequestProcessor (group commit)', () => {
  it('batches every txn appended while a commit is in flight into the next commit', async () => {
    const h = harness();
    h.input.next(write(1));
    await settle();
    expect(h.log.commits).toHaveLength(1); // the first write commits alone
    for (let i = 2; i <= 50; i++) {
      h.input.next(write(i));
      await settle(); // each arrives on its own turn of the event loop
    }
    expect(h.log.commits).toHaveLength(1); // nobody commits while one is in flight
    expect(h.out).toHaveLength(0); // and nothing is answered before it is durable
    h.log.commits[0].finish();
    await settle();
    expect(h.out.map((r) => r.cxid)).toEqual([1]);
    expect(h.log.commits).toHaveLength(2);
    expect(h.log.commits[1].size).toBe(49);
    h.log.commits[1].finish();
    await settle();
    expect(h.out.map((r) => r.cxid)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(h.stats).toMatchObject({ commits: 2, txnsLogged: 50, maxBatchSize: 49 });
  });

  it('commits a synchronous burst of txns once', async () => {
    const h = harness();
    for (let i = 1; i <= 20; i++) h.input.next(write(i));
    await settle();
    expect(h.log.commits.map((c) => c.size)).toEqual([20]);
    h.log.commits[0].finish();
    await settle();
    expect(h.out).toHaveLength(20);
  });

  it('keeps a read behind the txns that came before it', async () => {
    const h = harness();
    h.input.next(write(1));
    h.input.next(read(2));
    h.input.next(write(3));
    h.input.next(read(4));
    await settle();
    expect(h.out).toHaveLength(0);
    h.log.commits[0].finish();
    await settle();
    expect(h.out.map((r) => r.cxid)).toEqual([1, 2, 3, 4]);
  });

  it('lets a read through at once when nothing is pending', async () => {
    const h = harness();
    h.input.next(read(1));
    expect(h.out.map((r) => r.cxid)).toEqual([1]); // synchronously: no commit, no microtask
    h.input.next(write(2));
    h.input.next(read(3));
    await settle();
    h.log.commits[0].finish();
    await settle();
    h.input.next(read(4));
    expect(h.out.map((r) => r.cxid)).toEqual([1, 2, 3, 4]);
  });

  it("lets another session's read pass txns still waiting for the log, but not its own session's", async () => {
    const h = harness();
    h.input.next(write(1)); // session 1
    h.input.next(read(2, 2n)); // session 2 has nothing queued: answered now
    h.input.next(read(3, 1n)); // session 1's read stays behind its write
    h.input.next(read(4, 3n, OpCode.sync)); // sync keeps its place in line
    h.input.next(read(5, 3n)); // and session 3's read stays behind its sync
    expect(h.out.map((r) => r.cxid)).toEqual([2]);
    await settle();
    h.log.commits[0].finish();
    await settle();
    expect(h.out.map((r) => r.cxid)).toEqual([2, 1, 3, 4, 5]);
    h.input.next(read(6, 3n)); // nothing queued any more
    expect(h.out.map((r) => r.cxid)).toEqual([2, 1, 3, 4, 5, 6]);
  });

  it('releases reads queued during a commit right after it, even with no txn behind them', async () => {
    const h = harness();
    h.input.next(write(1));
    await settle();
    h.input.next(read(2));
    h.input.next(read(3));
    h.log.commits[0].finish();
    await settle();
    expect(h.out.map((r) => r.cxid)).toEqual([1, 2, 3]);
    expect(h.log.commits).toHaveLength(1);
  });

  it('signals backpressure past the high-water mark and releases it below the low one', async () => {
    const h = harness({ high: 10, low: 2 });
    for (let i = 1; i <= 15; i++) h.input.next(write(i));
    await settle();
    expect(h.backlogSignals).toEqual([true]);
    expect(h.stats.backlog).toBe(15);
    h.log.commits[0].finish();
    await settle();
    expect(h.backlogSignals).toEqual([true, false]);
    expect(h.stats.backlog).toBe(0);
  });

  it('answers nothing more once a commit fails', async () => {
    const h = harness();
    h.input.next(write(1));
    await settle();
    h.input.next(write(2));
    h.log.commits[0].fail(new Error('disk on fire'));
    await settle();
    expect((h.error() as Error).message).toBe('disk on fire');
    expect(h.out).toHaveLength(0);
  });

  it('completes only after the last commit is answered', async () => {
    const h = harness();
    h.input.next(write(1));
    h.input.complete();
    await settle();
    expect(h.completed()).toBe(false);
    h.log.commits[0].finish();
    await settle();
    expect(h.out).toHaveLength(1);
    expect(h.completed()).toBe(true);
  });
});
