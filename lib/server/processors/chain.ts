import { Observable, type OperatorFunction, type Subscriber } from 'rxjs';
import { ReplyHeader } from '../../jute/records/proto';
import { Code } from '../../protocol/keeper-exception';
import { opName } from '../../protocol/op-code';
import type { Request } from '../request';
import type { ZooKeeperServer } from '../zookeeper-server';
import { FinalRequestProcessor } from './final-request-processor';
import { PrepRequestProcessor } from './prep-request-processor';
import { syncRequestProcessor } from './sync-request-processor';

/** A stage of a processor chain: requests in, requests out, in order. */
export type Processor = OperatorFunction<Request, Request>;

/** Builds a server's chain; a role (standalone, leader, follower) has one of these. */
export type ChainFactory = (zks: ZooKeeperServer) => Processor[];

/** One synchronous step on a request (a processor's pRequest / processRequest). */
export type RequestStep = (request: Request) => void;

/**
 * The standalone chain, as ZooKeeperServer.setupRequestProcessors builds it:
 * PrepRequestProcessor → SyncRequestProcessor → FinalRequestProcessor.
 */
export const standaloneChain: ChainFactory = (zks) => [prep(zks), sync(zks), final(zks)];

/** Prep: assigns zxids and turns requests into txns, synchronously (map-like: ~100 ns). */
export function prep(zks: ZooKeeperServer): Processor {
  const p = new PrepRequestProcessor(zks);
  return guarded('prep', (r) => p.pRequest(r), zks);
}

/** Sync: logs txns with group commit (see sync-request-processor.ts). */
export function sync(zks: ZooKeeperServer): Processor {
  return syncRequestProcessor(
    {
      txnLog: zks.zkDb.txnLog,
      logger: zks.logger,
      setSyncBacklogged: (b) => zks.setSyncBacklogged(b),
      now: () => zks.clock.now(),
      onCommit: (_txns, ms, requests) => zks.metrics.committed(ms, requests),
      snapshots: zks.periodicSnapshots() ?? undefined,
    },
    { highWaterMark: zks.syncHighWaterMark },
    zks.syncStats,
  );
}

/** Final: applies txns to the DataTree and answers the client, synchronously. */
export function final(zks: ZooKeeperServer): Processor {
  const p = new FinalRequestProcessor(zks);
  return guarded('final', (r) => p.processRequest(r), zks);
}

/**
 * Runs a synchronous processor as a map-like operator (no per-request subscription), so
 * that one request it cannot handle costs that request (answered with a system error, its
 * connection closed, dropped from the chain) and not the chain: an exception escaping a
 * `map` would end the stream for every client.
 */
export function guarded(stage: string, step: RequestStep, zks: ZooKeeperServer): Processor {
  return (source) =>
    new Observable<Request>((subscriber) =>
      source.subscribe({
        next(r) {
          try {
            step(r);
          } catch (err) {
            zks.logger.error({ err, stage, type: opName(r.type), sessionId: r.sessionId.toString(16) }, 'request processor failed');
            if (r.cnxn) {
              r.cnxn.sendResponse(new ReplyHeader({ xid: r.cxid, zxid: zks.getLastProcessedZxid(), err: Code.SYSTEMERROR }), null);
              r.cnxn.close(`${stage} failed on ${opName(r.type)}`);
            }
            zks.requestDropped(r);
            return;
          }
          subscriber.next(r);
        },
        error: (e) => subscriber.error(e),
        complete: () => subscriber.complete(),
      }),
    );
}

/**
 * The head of a chain: what a Subject would be, without the closure and the iterator
 * over its observers that Subject.next makes for every request. It has one subscriber,
 * the chain; requests before that subscription or after complete() are dropped.
 */
export class RequestSource {
  private sink: Subscriber<Request> | null = null;
  private done = false;
  readonly requests = new Observable<Request>((subscriber) => {
    if (this.done) {
      subscriber.complete();
      return;
    }
    this.sink = subscriber;
    return () => {
      if (this.sink === subscriber) this.sink = null;
    };
  });

  next(r: Request): void {
    if (!this.done) this.sink?.next(r);
  }

  complete(): void {
    if (this.done) return;
    this.done = true;
    this.sink?.complete();
  }
}
