import { Observable, type OperatorFunction } from 'rxjs';
import type { Logger } from '../../core/logger';
import { RenewingMap } from '../../core/renewing-collections';
import type { Random } from '../../core/random';
import type { TxnEntry, TxnLog } from '../../persistence/txn-log';
import { OpCode } from '../../protocol/op-code';
import type { Request } from '../request';

/** What the sync stage needs from its server. */
export interface SyncContext {
  readonly txnLog: TxnLog;
  readonly logger: Logger;
  /**
   * Called with true when the backlog waiting for the log passes the high-water mark and
   * with false when it has drained below the low one; the server stops reading from
   * clients meanwhile.
   */
  setSyncBacklogged?(backlogged: boolean): void;
  /**
   * Called after each commit: the txns it made durable, the requests it released (reads
   * queued behind them too: Java's toFlush), and how long the log took.
   */
  onCommit?(txns: number, elapsedMs: number, requests: number): void;
  /** Time for the commit-latency figure (the server's clock). */
  now?(): number;
  /** Periodic snapshots; without this the log only grows. */
  snapshots?: PeriodicSnapshots;
}

/** What the sync stage needs to take a snapshot every snapCount txns or so. */
export interface PeriodicSnapshots {
  /** zookeeper.snapCount: a snapshot comes after snapCount/2 to snapCount txns. */
  readonly snapCount: number;
  /** Rolls the spread, so that not every server of an ensemble snapshots at once. */
  readonly random: Random;
  /** ZKDatabase.rollLog: txns after this one go to a new log file. */
  rollLog(): void;
  /**
   * Starts a fuzzy snapshot of the tree as it is now, in the background; settles when it
   * is written. Called only when the previous one has settled.
   */
  takeSnapshot(): Promise<unknown>;
}

export interface SyncOptions {
  /** Backlog (requests waiting behind an unfinished commit) that throttles clients. */
  highWaterMark?: number;
  /** Backlog at which clients are let in again. */
  lowWaterMark?: number;
}

/** Counters a test or `mntr` can read. */
export interface SyncStats {
  commits: number;
  txnsLogged: number;
  lastBatchSize: number;
  maxBatchSize: number;
  /** Requests currently waiting for a commit (txns and the reads queued behind them). */
  backlog: number;
  /** Snapshots started, and ones skipped because the previous one was still being written. */
  snapshotsStarted?: number;
  snapshotsSkipped?: number;
  /** Requests that entered the stage (mntr's sync_processor_request_queued). */
  requestsQueued: number;
}

/**
 * SyncRequestProcessor.shouldSnapshot / resetSnapshotStats: counts logged txns and, past
 * snapCount/2 + a random roll in [0, snapCount/2), rolls the log and starts a snapshot in
 * the background unless one is still being written ("Too busy to snap, skipping").
 */
export class SnapshotTrigger {
  private logCount = 0;
  private randRoll: number;
  private running = false;

  constructor(
    private readonly p: PeriodicSnapshots,
    private readonly logger: Logger,
    private readonly stats: SyncStats,
  ) {
    this.randRoll = this.roll();
  }

  private roll(): number {
    const half = Math.floor(this.p.snapCount / 2);
    return half > 0 ? this.p.random.int(half) : 0;
  }

  /** After each txn appended to the log. */
  txnAppended(): void {
    if (++this.logCount <= Math.floor(this.p.snapCount / 2) + this.randRoll) return;
    this.logCount = 0;
    this.randRoll = this.roll();
    this.p.rollLog();
    if (this.running) {
      this.logger.warn('Too busy to snap, skipping');
      this.stats.snapshotsSkipped = (this.stats.snapshotsSkipped ?? 0) + 1;
      return;
    }
    this.running = true;
    this.stats.snapshotsStarted = (this.stats.snapshotsStarted ?? 0) + 1;
    let started: Promise<unknown>;
    try {
      started = this.p.takeSnapshot();
    } catch (err) {
      started = Promise.reject(err);
    }
    started
      // The log holds everything the snapshot would: a failed one costs restart time only.
      .catch((err: unknown) => this.logger.warn({ err }, 'Unexpected exception taking a snapshot'))
      .finally(() => (this.running = false));
  }
}

/**
 * Reads that need not wait for other sessions' txns: a read that arrives while those are
 * still waiting for the log may be answered before them, as if it had come first (it is
 * concurrent with them; none is acknowledged yet). A session's own order is kept: its
 * read still waits behind its own txns and queued requests. Sync and the watch-managing
 * requests keep Java's place in line.
 */
const READS_PASSING_OTHER_SESSIONS: ReadonlySet<number> = new Set([
  OpCode.exists,
  OpCode.getData,
  OpCode.getChildren,
  OpCode.getChildren2,
  OpCode.getACL,
  OpCode.getAllChildrenNumber,
  OpCode.multiRead,
  OpCode.ping,
]);

export function txnEntryOf(r: Request): TxnEntry {
  return { hdr: r.hdr!, txn: r.txn, digest: r.digest, bytes: r.txnBytes };
}

/**
 * ZooKeeper's SyncRequestProcessor as an RxJS operator, with group commit: a txn is
 * appended to the log as it arrives, and one TxnLog.commit() makes durable every txn
 * appended while the previous commit was in flight (or in the same synchronous burst).
 * That next commit starts as soon as the previous one is durable, before its batch is
 * answered, so the log's write overlaps the apply and the replies of the batch before.
 * Requests leave in the order they came, each txn only after its commit, and a read
 * waits behind the txns that came before it (Java's toFlush queue); a read with nothing
 * pending passes straight through, and so does a plain read whose own session has
 * nothing queued (see READS_PASSING_OTHER_SESSIONS).
 *
 * A commit that fails is fatal, as in Java (the server stops): the stream errors and
 * nothing it held is answered, since none of it is known durable.
 *
 * With `ctx.snapshots`, every snapCount/2 to snapCount txns the log is rolled and a
 * fuzzy snapshot started right after the append that crossed the line, as Java's does.
 */
export function syncRequestProcessor(
  ctx: SyncContext,
  opts: SyncOptions = {},
  stats: SyncStats = { commits: 0, txnsLogged: 0, lastBatchSize: 0, maxBatchSize: 0, backlog: 0, requestsQueued: 0 },
): OperatorFunction<Request, Request> {
  const high = opts.highWaterMark ?? 10_000;
  const low = opts.lowWaterMark ?? Math.floor(high / 2);
  const now = ctx.now ?? (() => 0);
  const deferCommit = ctx.txnLog.deferCommit?.bind(ctx.txnLog);

  return (source) =>
    new Observable<Request>((subscriber) => {
      const snapshots = ctx.snapshots ? new SnapshotTrigger(ctx.snapshots, ctx.logger, stats) : null;
      /** toFlush: txns appended but not yet committed, and the reads queued behind them. */
      let pending: Request[] = [];
      let pendingTxns = 0;
      let committing = false;
      let flushScheduled = false;
      let sourceDone = false;
      let backlogged = false;
      let failed = false;
      /** Requests of the batch being committed. */
      let inCommit = 0;
      /** Requests per session in `pending` or in the batch being committed. */
      // Renewing: every request's session is added and, once answered, deleted (see
      // renewing-collections.ts).
      const queuedBySession = new RenewingMap<bigint, number>();

      const queue = (r: Request): void => {
        pending.push(r);
        queuedBySession.set(r.sessionId, (queuedBySession.get(r.sessionId) ?? 0) + 1);
      };

      const release = (r: Request): void => {
        const n = (queuedBySession.get(r.sessionId) ?? 1) - 1;
        if (n === 0) queuedBySession.delete(r.sessionId);
        else queuedBySession.set(r.sessionId, n);
        subscriber.next(r);
      };

      const updateBacklog = (): void => {
        stats.backlog = pending.length + inCommit;
        if (!ctx.setSyncBacklogged) return;
        if (!backlogged && stats.backlog > high) {
          backlogged = true;
          ctx.setSyncBacklogged(true);
        } else if (backlogged && stats.backlog <= low) {
          backlogged = false;
          ctx.setSyncBacklogged(false);
        }
      };

      const maybeComplete = (): void => {
        if (sourceDone && !committing && !flushScheduled && pending.length === 0) subscriber.complete();
      };

      const fail = (err: unknown): void => {
        if (failed) return;
        failed = true;
        ctx.logger.error({ err }, 'txn log failed; no further requests are answered');
        pending = [];
        inCommit = 0;
        queuedBySession.clear();
        updateBacklog();
        subscriber.error(err);
      };

      const scheduleFlush = (): void => {
        if (flushScheduled || committing) return;
        flushScheduled = true;
        // At least every txn of one synchronous burst (one TCP chunk of pipelined
        // requests, one multi-session tick) shares the commit; the log may wait longer
        // (see TxnLog.deferCommit).
        if (deferCommit) deferCommit(flush);
        else queueMicrotask(flush);
      };

      /**
       * Passes on the reads at the head of the queue: nothing is ahead of them any more.
       * Downstream may re-enter (final submitting a closeSession); what it adds lands at
       * the end of `pending` and keeps its place.
       */
      const drainLeadingReads = (): void => {
        let i = 0;
        while (i < pending.length && !pending[i].isTxn()) release(pending[i++]);
        if (i > 0) pending = pending.slice(i);
      };

      const flush = (): void => {
        flushScheduled = false;
        if (failed || subscriber.closed) return;
        drainLeadingReads();
        if (pending.length === 0) {
          updateBacklog();
          maybeComplete();
          return;
        }
        const batch = pending;
        const txns = pendingTxns;
        pending = [];
        pendingTxns = 0;
        beginCommit(batch, txns);
      };

      const beginCommit = (batch: Request[], txns: number): void => {
        committing = true;
        inCommit = batch.length;
        updateBacklog();
        const started = now();
        ctx.txnLog.commit().then(
          () => committed(batch, txns, started),
          (err: unknown) => {
            committing = false;
            fail(err);
          },
        );
      };

      const committed = (batch: Request[], txns: number, started: number): void => {
        if (failed || subscriber.closed) return;
        stats.commits++;
        stats.lastBatchSize = txns;
        if (txns > stats.maxBatchSize) stats.maxBatchSize = txns;
        ctx.onCommit?.(txns, now() - started, batch.length);
        // The txns appended while this batch was written go to the log now, before this
        // batch is answered: one thread applies and replies here, where Java spreads that
        // over threads, so the write is what can overlap it (benchmarks/PERFORMANCE-LOG.md,
        // "The next commit before the answers"). Reads ahead of those txns stay queued
        // and go right after this batch.
        let next: Request[] | null = null;
        if (pendingTxns > 0) {
          let lead = 0;
          while (!pending[lead].isTxn()) lead++;
          next = lead === 0 ? pending : pending.slice(lead);
          pending = lead === 0 ? [] : pending.slice(0, lead);
          const nextTxns = pendingTxns;
          pendingTxns = 0;
          beginCommit(next, nextTxns);
        }
        // Still "committing" while the batch goes out, so nothing overtakes it.
        for (const r of batch) release(r);
        if (next === null) {
          committing = false;
          inCommit = 0;
          if (pendingTxns > 0) scheduleFlush();
          else drainLeadingReads();
        } else {
          drainLeadingReads();
        }
        updateBacklog();
        maybeComplete();
      };

      const sub = source.subscribe({
        next(r) {
          if (failed) return;
          stats.requestsQueued++;
          if (r.isTxn()) {
            try {
              ctx.txnLog.append(txnEntryOf(r));
            } catch (err) {
              fail(err);
              return;
            }
            stats.txnsLogged++;
            snapshots?.txnAppended();
            queue(r);
            pendingTxns++;
            scheduleFlush();
            updateBacklog();
          } else if ((!committing && pending.length === 0) || (READS_PASSING_OTHER_SESSIONS.has(r.type) && !queuedBySession.has(r.sessionId))) {
            subscriber.next(r);
          } else {
            queue(r);
            updateBacklog();
          }
        },
        error: (err) => fail(err),
        complete() {
          sourceDone = true;
          maybeComplete();
        },
      });
      return () => sub.unsubscribe();
    });
}
