import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ParentMessage, WorkerMessage } from './worker-protocol';

type Of<T extends WorkerMessage['type']> = Extract<WorkerMessage, { type: T }>;

/** The compiled worker script beside this file (the suite runs from dist/). */
export function workerScript(): string {
  const script = join(__dirname, 'load-worker.js');
  if (!existsSync(script)) {
    throw new Error(`the load generator runs from the build: ${script} is missing (run npm run build)`);
  }
  return script;
}

/**
 * One forked load-generator process and its IPC messages. `next(type)` takes the next
 * message of that type, whether it already arrived or is still to come; an `error`
 * message or the process dying rejects everything waited for.
 */
export class WorkerHandle {
  onProgress: (m: Of<'progress'>) => void = () => undefined;
  onWindow: (m: Of<'window'>) => void = () => undefined;
  private readonly inbox = new Map<string, WorkerMessage[]>();
  private readonly waiters = new Map<string, Array<(m: WorkerMessage) => void>>();
  private failure: Error | null = null;
  private readonly failWaiters = new Set<(e: Error) => void>();
  readonly exited: Promise<void>;

  private constructor(readonly index: number, private readonly child: ChildProcess) {
    child.on('message', (m: WorkerMessage) => this.deliver(m));
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        // Nothing more can arrive: whoever still waits learns why.
        this.fail(new Error(`load worker ${index} exited (code ${code}, signal ${signal})`));
        resolve();
      });
    });
    child.on('error', (e) => this.fail(e));
  }

  static fork(index: number, execArgv: readonly string[] = []): WorkerHandle {
    // The generator's own heap and flags stay the defaults (unless profiled); it inherits stderr for crashes.
    const child = fork(workerScript(), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv: [...execArgv] });
    return new WorkerHandle(index, child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  post(m: ParentMessage): void {
    if (this.child.connected) this.child.send(m);
  }

  next<T extends WorkerMessage['type']>(type: T, timeoutMs = 600_000): Promise<Of<T>> {
    const queued = this.inbox.get(type);
    if (queued && queued.length > 0) return Promise.resolve(queued.shift() as Of<T>);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`load worker ${this.index}: no ${type} message within ${timeoutMs} ms`));
      }, timeoutMs);
      const onFail = (e: Error): void => {
        cleanup();
        reject(e);
      };
      const onMessage = (m: WorkerMessage): void => {
        cleanup();
        resolve(m as Of<T>);
      };
      const cleanup = (): void => {
        clearTimeout(timer);
        this.failWaiters.delete(onFail);
        const list = this.waiters.get(type) ?? [];
        const at = list.indexOf(onMessage);
        if (at >= 0) list.splice(at, 1);
      };
      this.failWaiters.add(onFail);
      const list = this.waiters.get(type) ?? [];
      list.push(onMessage);
      this.waiters.set(type, list);
    });
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private deliver(m: WorkerMessage): void {
    if (m.type === 'progress') return this.onProgress(m);
    if (m.type === 'window') return this.onWindow(m);
    if (m.type === 'error') return this.fail(new Error(`load worker ${this.index}: ${m.message}`));
    const waiting = this.waiters.get(m.type);
    if (waiting && waiting.length > 0) {
      waiting[0](m);
      return;
    }
    const q = this.inbox.get(m.type) ?? [];
    q.push(m);
    this.inbox.set(m.type, q);
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    for (const f of [...this.failWaiters]) f(e);
  }
}
