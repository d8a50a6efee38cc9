import { Observable, type OperatorFunction } from 'rxjs';
import type { Logger } from '../../core/logger';
import type { TxnEntry, TxnLog } from '../../persistence/txn-log';
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
  /** Called after each commit with its size, for stats. */
  onCommit?(batchSize: number, elapsedMs: number): void;
  /** Time for the commit-latency figure (the server's clock). */
  now?(): number;
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
}

export function txnEntryOf(r: Request): TxnEntry {
  return { hdr: r.hdr!, txn: r.txn, digest: r.digest };
}

/**
 * ZooKeeper's SyncRequestProcessor as an RxJS operator, with group commit: a txn is
 * appended to the log as it arrives, and one TxnLog.commit() makes durable every txn
 * appended while the previous commit was in flight (or in the same synchronous burst).
 * Requests leave in the order they came, each txn only after its commit, and a read
 * waits behind the txns that came before it (Java's toFlush queue); a read with nothing
 * pending passes straight through.
 *
 * A commit that fails is fatal, as in Java (the server stops): the stream errors and
 * nothing it held is answered, since none of it is known durable.
 */
export function syncRequestProcessor(
  ctx: SyncContext,
  opts: SyncOptions = {},
  stats: SyncStats = { commits: 0, txnsLogged: 0, lastBatchSize: 0, maxBatchSize: 0, backlog: 0 },
): OperatorFunction<Request, Request> {
  const high = opts.highWaterMark ?? 10_000;
  const low = opts.lowWaterMark ?? Math.floor(high / 2);
  const now = ctx.now ?? (() => 0);

  return (source) =>
    new Observable<Request>((subscriber) => {
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
        updateBacklog();
        subscriber.error(err);
      };

      const scheduleFlush = (): void => {
        if (flushScheduled || committing) return;
        flushScheduled = true;
        // A microtask, so that every txn of one synchronous burst (one TCP chunk of
        // pipelined requests, one multi-session tick) shares the commit.
        queueMicrotask(flush);
      };

      /**
       * Passes on the reads at the head of the queue: nothing is ahead of them any more.
       * Downstream may re-enter (final submitting a closeSession); what it adds lands at
       * the end of `pending` and keeps its place.
       */
      const drainLeadingReads = (): void => {
        let i = 0;
        while (i < pending.length && !pending[i].isTxn()) subscriber.next(pending[i++]);
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
        committing = true;
        inCommit = batch.length;
        updateBacklog();
        const started = now();
        ctx.txnLog.commit().then(
          () => {
            if (failed || subscriber.closed) return;
            stats.commits++;
            stats.lastBatchSize = txns;
            if (txns > stats.maxBatchSize) stats.maxBatchSize = txns;
            ctx.onCommit?.(txns, now() - started);
            // Still "committing" while the batch goes out, so nothing overtakes it.
            for (const r of batch) subscriber.next(r);
            committing = false;
            inCommit = 0;
            if (pendingTxns > 0) scheduleFlush();
            else drainLeadingReads();
            updateBacklog();
            maybeComplete();
          },
          (err: unknown) => {
            committing = false;
            fail(err);
          },
        );
      };

      const sub = source.subscribe({
        next(r) {
          if (failed) return;
          if (r.isTxn()) {
            try {
              ctx.txnLog.append(txnEntryOf(r));
            } catch (err) {
              fail(err);
              return;
            }
            stats.txnsLogged++;
            pending.push(r);
            pendingTxns++;
            scheduleFlush();
            updateBacklog();
          } else if (!committing && pending.length === 0) {
            subscriber.next(r);
          } else {
            pending.push(r);
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
