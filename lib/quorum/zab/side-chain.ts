import { Subject, type Observable } from 'rxjs';
import type { Logger } from '../../core/logger';
import type { Processor } from '../../server/processors/chain';
import type { Request } from '../../server/request';

/**
 * A second pipeline fed by hand: the txns a role logs besides its main chain (the
 * leader's and a follower's [sync → ack], an observer's [sync]). `close()` lets queued
 * txns reach the log and resolves once the pipeline is drained.
 */
export class SideChain {
  private readonly input = new Subject<Request>();
  private readonly done: Promise<void>;
  private closed = false;
  failed: unknown = null;

  constructor(stages: Processor[], logger: Logger, onError: (err: unknown) => void) {
    const out = stages.reduce<Observable<Request>>((o, op) => o.pipe(op), this.input);
    this.done = new Promise((resolve) => {
      out.subscribe({
        error: (err: unknown) => {
          this.failed = err;
          logger.error({ err }, 'txn logging failed');
          onError(err);
          resolve();
        },
        complete: () => resolve(),
      });
    });
  }

  push(r: Request): void {
    if (!this.closed && this.failed === null) this.input.next(r);
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.input.complete();
    }
    return this.done;
  }
}
