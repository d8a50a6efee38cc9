import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Command, Reply, WorkerEvent } from './protocol';

const HERE = __dirname;
const ROOT = join(HERE, '..', '..', '..');

/**
 * One recipe worker process (worker.ts), started from the TypeScript sources through
 * swc-register, in its own process group so it can be frozen (SIGSTOP) and killed whole.
 */
export class RecipeWorker {
  readonly events: WorkerEvent[] = [];
  private readonly child: ChildProcess;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; what: string }>();
  private readonly eventWaiters: { pred: (e: WorkerEvent) => boolean; resolve: (e: WorkerEvent) => void }[] = [];
  private exited: string | null = null;
  readonly ready: Promise<void>;
  private stderr = '';

  constructor(readonly name: string) {
    this.child = fork(join(HERE, 'worker.ts'), [], {
      cwd: ROOT,
      execArgv: ['-r', join(HERE, 'swc-register.js')],
      env: { ...process.env, RECIPE_WORKER_ID: name },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      detached: true,
    });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString('utf8')).slice(-4000)));
    this.ready = this.nextEvent((e) => e.event === 'ready', 20000).then(() => undefined);
    this.child.on('message', (m: Reply | WorkerEvent) => {
      if ('id' in m) {
        const w = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        if (!w) return;
        if (m.ok) w.resolve(m.value);
        else w.reject(new Error(`worker ${this.name} ${w.what}: ${m.error}`));
        return;
      }
      this.events.push(m);
      for (const w of this.eventWaiters.slice()) {
        if (w.pred(m)) {
          this.eventWaiters.splice(this.eventWaiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    });
    this.child.on('exit', (code, signal) => {
      this.exited = `worker ${this.name} exited (code ${code}, signal ${signal}) ${this.stderr}`;
      for (const w of this.waiting.values()) w.reject(new Error(this.exited));
      this.waiting.clear();
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Sends a command and resolves with its answer (rejects with the worker's error, or after timeoutMs). */
  call<T = unknown>(command: Command, timeoutMs = 20000): Promise<T> {
    if (this.exited) return Promise.reject(new Error(this.exited));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`worker ${this.name}: no answer to ${command.op} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, {
        resolve: (v) => (clearTimeout(timer), resolve(v as T)),
        reject: (e) => (clearTimeout(timer), reject(e)),
        what: command.op,
      });
      this.child.send({ id, command });
    });
  }

  /** The first event (already seen or still to come) that matches. */
  nextEvent(pred: (e: WorkerEvent) => boolean, timeoutMs = 20000): Promise<WorkerEvent> {
    const seen = this.events.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker ${this.name}: no matching event within ${timeoutMs} ms; saw ${JSON.stringify(this.events)}`)), timeoutMs);
      this.eventWaiters.push({ pred, resolve: (e) => (clearTimeout(timer), resolve(e)) });
    });
  }

  freeze(): void {
    process.kill(this.pid, 'SIGSTOP');
  }

  thaw(): void {
    process.kill(this.pid, 'SIGCONT');
  }

  kill(): void {
    if (this.exited) return;
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

/** Starts n workers and waits until each is ready; kill them all with killAll. */
export async function startWorkers(n: number, prefix = 'w'): Promise<RecipeWorker[]> {
  const ws = Array.from({ length: n }, (_, i) => new RecipeWorker(`${prefix}${i}`));
  live.push(...ws);
  await Promise.all(ws.map((w) => w.ready));
  return ws;
}

const live: RecipeWorker[] = [];
process.once('exit', () => live.forEach((w) => w.kill()));

export function killAll(ws: RecipeWorker[]): void {
  for (const w of ws) {
    w.kill();
    const i = live.indexOf(w);
    if (i >= 0) live.splice(i, 1);
  }
}
