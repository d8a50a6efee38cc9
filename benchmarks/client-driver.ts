/**
 * One measurement of the client benchmark, in a process of its own (so its CPU time is the
 * client's alone): connect one client (zoolab or node-zookeeper-client), keep `depth`
 * requests in flight for a warm-up and then a measured window, and print one JSON line
 * with the requests completed and the process's CPU time in the window.
 *
 *     node dist/benchmarks/client-driver.js '{"client":"zoolab","op":"getData",…}'
 */
import { ZooKeeper } from '../lib/client';

export type ClientName = 'zoolab' | 'node-zookeeper-client';
export type ClientOp = 'getData' | 'exists' | 'setData';

export interface DriverSpec {
  client: ClientName;
  op: ClientOp;
  connectString: string;
  path: string;
  /** Requests kept in flight. */
  depth: number;
  warmupMs: number;
  durationMs: number;
  dataSize: number;
}

export interface DriverResult {
  requests: number;
  errors: number;
  wallMs: number;
  cpuUserUs: number;
  cpuSystemUs: number;
}

/** Issues one request; calls done(ok) when it is answered. */
type Issue = (done: (ok: boolean) => void) => void;

async function zoolabIssuer(spec: DriverSpec): Promise<{ issue: Issue; close: () => Promise<void> }> {
  const zk = await ZooKeeper.connect(spec.connectString, { sessionTimeout: 30000 });
  const data = Buffer.alloc(spec.dataSize, 0x61);
  const ok = () => true;
  const bad = () => false;
  const call: () => Promise<unknown> =
    spec.op === 'getData' ? () => zk.getData(spec.path) : spec.op === 'exists' ? () => zk.exists(spec.path) : () => zk.setData(spec.path, data);
  return {
    issue: (done) => void call().then(ok, bad).then(done),
    close: () => zk.close(),
  };
}

async function nzcIssuer(spec: DriverSpec): Promise<{ issue: Issue; close: () => Promise<void> }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const nzc = require('node-zookeeper-client');
  const client = nzc.createClient(spec.connectString, { sessionTimeout: 30000, spinDelay: 100, retries: 0 });
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('node-zookeeper-client did not connect')), 10000);
    client.once('connected', () => (clearTimeout(t), resolve()));
    client.connect();
  });
  const data = Buffer.alloc(spec.dataSize, 0x61);
  const issue: Issue =
    spec.op === 'getData'
      ? (done) => client.getData(spec.path, (e: unknown) => done(!e))
      : spec.op === 'exists'
        ? (done) => client.exists(spec.path, (e: unknown) => done(!e))
        : (done) => client.setData(spec.path, data, -1, (e: unknown) => done(!e));
  return { issue, close: async () => client.close() };
}

/** Keeps `depth` requests in flight until `ms` have passed, then waits for the last ones. */
function pipeline(issue: Issue, depth: number, ms: number): Promise<{ requests: number; errors: number }> {
  return new Promise((resolve) => {
    const stopAt = performance.now() + ms;
    let inflight = 0;
    let requests = 0;
    let errors = 0;
    let stopping = false;
    const done = (ok: boolean) => {
      inflight--;
      requests++;
      if (!ok) errors++;
      if (!stopping && (requests & 63) === 0 && performance.now() >= stopAt) stopping = true;
      if (!stopping) issue(done), inflight++;
      else if (inflight === 0) resolve({ requests, errors });
    };
    for (let i = 0; i < depth; i++) {
      inflight++;
      issue(done);
    }
  });
}

export async function drive(spec: DriverSpec): Promise<DriverResult> {
  const { issue, close } = spec.client === 'zoolab' ? await zoolabIssuer(spec) : await nzcIssuer(spec);
  try {
    await pipeline(issue, spec.depth, spec.warmupMs);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await pipeline(issue, spec.depth, spec.durationMs);
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return { ...r, wallMs, cpuUserUs: cpu.user, cpuSystemUs: cpu.system };
  } finally {
    await close();
  }
}

if (require.main === module) {
  const spec = JSON.parse(process.argv[2] ?? '{}') as DriverSpec;
  drive(spec).then(
    (r) => {
      process.stdout.write(`${JSON.stringify(r)}\n`);
      process.exit(0);
    },
    (e: Error) => {
      process.stderr.write(`${e.stack ?? e.message}\n`);
      process.exit(1);
    },
  );
}
