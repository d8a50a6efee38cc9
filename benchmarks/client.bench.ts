/**
 * Client-side cost per request: how many requests one client process can push with
 * pipelining, and how much of that process's CPU each request takes, for the zoolab client
 * and node-zookeeper-client 1.1.3 against the same server.
 *
 *   npm run bench:client
 *   node dist/benchmarks/client.bench.js [--seconds 3] [--warmup 1] [--depth 128] [--rounds 1]
 *                                        [--java] [--ops getData,exists,setData] [--json]
 *
 * The server is zoolab started as a child process (the built binary, in-memory txn log, no
 * fsync) and, with --java, Apache ZooKeeper 3.8 too (forceSync=no). Each measurement runs
 * in a fresh client process (client-driver.ts), so its process.cpuUsage() is the client's
 * alone: CPU µs/request = (user + system CPU in the window) / requests answered in it.
 * With --rounds > 1 the row shows the best round's throughput and its CPU figure.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ZooKeeper } from '../lib/client';
import type { ClientName, ClientOp, DriverResult, DriverSpec } from './client-driver';
import { DEFAULT_SERVER_SETTINGS, type ServerSettings, type Target } from './targets/target';
import { startZoolabTarget } from './targets/zoolab-target';
import { startZooKeeperTarget } from './targets/zookeeper-target';

interface Options {
  seconds: number;
  warmup: number;
  depth: number;
  rounds: number;
  java: boolean;
  ops: ClientOp[];
  json: boolean;
}

const CLIENTS: ClientName[] = ['zoolab', 'node-zookeeper-client'];
const PATH = '/bench-client';
const DATA_SIZE = 1024;

function parseArgs(argv: string[]): Options {
  const o: Options = { seconds: 3, warmup: 1, depth: 128, rounds: 1, java: false, ops: ['getData', 'exists', 'setData'], json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = (name: string) => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} needs a positive number, got ${argv[i]}`);
      return v;
    };
    if (a === '--seconds') o.seconds = num(a);
    else if (a === '--warmup') o.warmup = num(a);
    else if (a === '--depth') o.depth = Math.floor(num(a));
    else if (a === '--rounds') o.rounds = Math.floor(num(a));
    else if (a === '--java') o.java = true;
    else if (a === '--json') o.json = true;
    else if (a === '--ops') {
      const ops = (argv[++i] ?? '').split(',').filter(Boolean);
      const bad = ops.filter((x) => !['getData', 'exists', 'setData'].includes(x));
      if (ops.length === 0 || bad.length) throw new Error(`--ops takes getData,exists,setData; got ${argv[i]}`);
      o.ops = ops as ClientOp[];
    } else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: client.bench [--seconds 3] [--warmup 1] [--depth 128] [--rounds 1] [--java] [--ops getData,exists,setData] [--json]\n');
      process.exit(0);
    } else throw new Error(`unknown option ${a} (see --help)`);
  }
  return o;
}

function runDriver(spec: DriverSpec): Promise<DriverResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, 'client-driver.js'), JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(JSON.parse(out.trim().split('\n').pop()!) as DriverResult);
      else reject(new Error(`driver for ${spec.client} ${spec.op} exited ${code}: ${err.slice(-2000)}`));
    });
  });
}

interface Row {
  target: string;
  op: ClientOp;
  client: ClientName;
  reqPerSec: number;
  cpuUsPerReq: number;
  /** CPU time over wall time: how many cores the client kept busy. */
  cpuCores: number;
  errors: number;
}

function toRow(target: string, op: ClientOp, client: ClientName, r: DriverResult): Row {
  const cpuUs = r.cpuUserUs + r.cpuSystemUs;
  return {
    target,
    op,
    client,
    reqPerSec: r.requests / (r.wallMs / 1000),
    cpuUsPerReq: cpuUs / Math.max(1, r.requests),
    cpuCores: cpuUs / 1000 / r.wallMs,
    errors: r.errors,
  };
}

async function prepare(t: Target): Promise<void> {
  const zk = await ZooKeeper.connect(`${t.host}:${t.port}`, { sessionTimeout: 30000 });
  try {
    await zk.create(PATH, Buffer.alloc(DATA_SIZE, 0x61)).catch(() => zk.setData(PATH, Buffer.alloc(DATA_SIZE, 0x61)));
  } finally {
    await zk.close();
  }
}

function table(rows: Row[]): string {
  const head = ['server', 'op', 'client', 'req/s', 'client CPU µs/req', 'client CPU (cores)', 'errors'];
  const body = rows.map((r) => [
    r.target,
    r.op,
    r.client,
    Math.round(r.reqPerSec).toLocaleString('en-US'),
    r.cpuUsPerReq.toFixed(1),
    r.cpuCores.toFixed(2),
    String(r.errors),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  const ratios = rows
    .filter((r) => r.client === 'zoolab')
    .map((z) => {
      const n = rows.find((r) => r.target === z.target && r.op === z.op && r.client === 'node-zookeeper-client');
      if (!n) return null;
      return `${z.target} ${z.op}: zoolab ${(z.reqPerSec / n.reqPerSec).toFixed(2)}× the requests/s, ${(z.cpuUsPerReq / n.cpuUsPerReq).toFixed(2)}× the CPU per request of node-zookeeper-client`;
    })
    .filter(Boolean);
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line), '', ...ratios].join('\n');
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const settings: ServerSettings = { ...DEFAULT_SERVER_SETTINGS, forceSync: false, storage: 'memory' };
  const starts: [string, () => Promise<Target>][] = [['zoolab', () => startZoolabTarget({ bin: join(__dirname, '..', 'plugins', 'cli.js'), settings })]];
  if (o.java) starts.push(['zookeeper', () => startZooKeeperTarget(settings)]);
  const rows: Row[] = [];
  for (const [name, start] of starts) {
    process.stderr.write(`starting ${name} server …\n`);
    const t = await start();
    try {
      await prepare(t);
      for (const op of o.ops) {
        const best = new Map<ClientName, Row>();
        for (let round = 0; round < o.rounds; round++) {
          // Alternate the clients, so drift in the machine's load hits both alike.
          for (const client of round % 2 === 0 ? CLIENTS : [...CLIENTS].reverse()) {
            const spec: DriverSpec = {
              client,
              op,
              connectString: `${t.host}:${t.port}`,
              path: PATH,
              depth: o.depth,
              warmupMs: o.warmup * 1000,
              durationMs: o.seconds * 1000,
              dataSize: DATA_SIZE,
            };
            const row = toRow(name, op, client, await runDriver(spec));
            process.stderr.write(`  ${name} ${op} ${client}: ${Math.round(row.reqPerSec)} req/s, ${row.cpuUsPerReq.toFixed(1)} µs CPU/req\n`);
            const prev = best.get(client);
            if (!prev || row.reqPerSec > prev.reqPerSec) best.set(client, row);
          }
        }
        for (const c of CLIENTS) rows.push(best.get(c)!);
      }
    } finally {
      await t.stop();
    }
  }
  process.stdout.write(o.json ? `${JSON.stringify(rows, null, 2)}\n` : `\n${table(rows)}\n`);
}

main().catch((e: Error) => {
  process.stderr.write(`${e.message}\n`);
  process.exit(1);
});
