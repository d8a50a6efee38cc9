import { runChurn } from './churn-driver';
import { FanoutWorker } from './fanout-worker';
import { deriveSeed, SeededRandom } from './key-chooser';
import { LoadSession } from './load-session';
import { runPipelined, type DriverHooks } from './pipelined-driver';
import { opSource } from './requests';
import type { ParentMessage, WorkerInit, WorkerMessage, WorkerRun } from './worker-protocol';

/**
 * A load-generator process: forked by the suite (load-runner.ts), it opens its sessions,
 * runs the workload when told, and sends back its measurements over IPC.
 */

const send = (m: WorkerMessage): void => {
  if (process.connected) process.send!(m);
};

let init: WorkerInit | null = null;
let sessions: LoadSession[] = [];
let writer: LoadSession | null = null;
let fanout: FanoutWorker | null = null;

/** Where session k of this worker connects: round robin over an ensemble's members. */
function addressOf(i: WorkerInit, k: number): { host: string; port: number } {
  const servers = i.servers && i.servers.length > 0 ? i.servers : [{ host: i.host, port: i.port }];
  return servers[((i.firstSession ?? 0) + k) % servers.length];
}

/** Opens n sessions, a batch at a time (a burst of thousands of SYNs overflows the accept backlog). */
async function openSessions(i: WorkerInit, n: number): Promise<LoadSession[]> {
  const out: LoadSession[] = [];
  for (let k = 0; k < n; k += 64) {
    const batch = Math.min(64, n - k);
    out.push(
      ...(await Promise.all(
        Array.from({ length: batch }, (_, b) => {
          const a = addressOf(i, k + b);
          return LoadSession.connect(a.host, a.port, { sessionTimeoutMs: i.sessionTimeoutMs });
        }),
      )),
    );
  }
  return out;
}

const hooks: DriverHooks = {
  progress: (phase, done, elapsedMs) => send({ type: 'progress', phase, done, elapsedMs }),
  window: (edge) => send({ type: 'window', edge }),
};

async function onInit(m: WorkerInit): Promise<void> {
  init = m;
  if (m.driver !== 'churn') sessions = await openSessions(m, m.sessions);
  if (m.driver === 'fanout') {
    if (m.fanoutWriter) writer = (await openSessions(m, 1))[0];
    fanout = new FanoutWorker(sessions, writer, m.request.payloadBytes, send);
  }
  send({ type: 'ready' });
}

async function onRun(run: WorkerRun): Promise<void> {
  const i = init!;
  const result =
    i.driver === 'churn'
      ? await runChurn(i.host, i.port, i.sessions, i.sessionTimeoutMs, run, hooks, i.progressEveryMs)
      : await runPipelined(
          sessions,
          sessions.map((_, k) => opSource(i.workload, i.request, new SeededRandom(deriveSeed(i.request.seed, i.index, k)))),
          i.outstanding,
          run,
          hooks,
          i.progressEveryMs,
        );
  send({ type: 'result', result });
}

async function onClose(): Promise<void> {
  if (fanout) send({ type: 'result', result: fanout.meter.result(fanout.failure()) });
  await Promise.all([...sessions, ...(writer ? [writer] : [])].map((s) => s.close(3000)));
  process.disconnect?.();
  process.exit(0);
}

function handle(m: ParentMessage): Promise<void> | void {
  switch (m.type) {
    case 'init':
      return onInit(m);
    case 'run':
      return onRun(m);
    case 'arm':
      return fanout!.arm();
    case 'fire':
      return fanout!.fire();
    case 'measure':
      if (m.edge === 'start') fanout!.meter.start();
      else fanout!.meter.end();
      return;
    case 'close':
      return onClose();
  }
}

process.on('message', (m: ParentMessage) => {
  Promise.resolve()
    .then(() => handle(m))
    .catch((e: unknown) => {
      send({ type: 'error', message: e instanceof Error ? e.message : String(e) });
      for (const s of sessions) s.destroy();
      setTimeout(() => process.exit(1), 100);
    });
});
process.on('disconnect', () => process.exit(0));
