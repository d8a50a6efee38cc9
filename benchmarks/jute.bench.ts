/**
 * Jute serde throughput for the records on ZooKeeper's hot paths.
 *
 *   npm run bench                      (builds, then runs this)
 *   node dist/benchmarks/jute.bench.js [--seconds 3] [--rounds 5] [--warmup 1] [--json]
 *
 * Each scenario is one message as the server handles it (a header and a body in one
 * buffer). Encode and decode are timed separately, after a warm-up, for a fixed wall-clock
 * time each, split into rounds; the table shows the best round (the machine is shared, and
 * interference only ever makes a round slower) as messages, records and bytes per second.
 */
import {
  ACL,
  BinaryInputArchive,
  BinaryOutputArchive,
  CreateTxn,
  encode,
  GetDataRequest,
  GetDataResponse,
  Id,
  ReplyHeader,
  RequestHeader,
  SetDataRequest,
  Stat,
  TxnHeader,
} from '../lib/jute';
import type { JuteRecord, RecordClass } from '../lib/jute';

interface Scenario {
  name: string;
  records: JuteRecord[];
}

const KIB = Buffer.alloc(1024, 0x5a);

const stat = new Stat({
  czxid: 0x100000005n,
  mzxid: 0x1000003e8n,
  ctime: 1_700_000_000_000n,
  mtime: 1_700_000_123_456n,
  version: 17,
  cversion: 0,
  aversion: 0,
  ephemeralOwner: 0n,
  dataLength: 1024,
  numChildren: 0,
  pzxid: 0x100000005n,
});
const worldAnyone = new ACL({ perms: 31, id: new Id({ scheme: 'world', id: 'anyone' }) });

const SCENARIOS: Scenario[] = [
  {
    name: 'RequestHeader + GetDataRequest',
    records: [new RequestHeader({ xid: 42, type: 4 }), new GetDataRequest({ path: '/app/config/service-a', watch: true })],
  },
  {
    name: 'ReplyHeader + GetDataResponse 1 KiB',
    records: [new ReplyHeader({ xid: 42, zxid: 0x1000003e8n, err: 0 }), new GetDataResponse({ data: KIB, stat })],
  },
  {
    name: 'SetDataRequest 1 KiB',
    records: [new SetDataRequest({ path: '/app/config/service-a', data: KIB, version: 16 })],
  },
  {
    name: 'TxnHeader + CreateTxn',
    records: [
      new TxnHeader({ clientId: 0x0100000000000a5n, cxid: 7, zxid: 0x100000006n, time: 1_700_000_000_000n, type: 1 }),
      new CreateTxn({ path: '/app/locks/lock-0000000042', data: Buffer.from('host-1'), acl: [worldAnyone], ephemeral: true, parentCVersion: 42 }),
    ],
  },
];

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const SECONDS = arg('seconds', 3);
const ROUNDS = Math.max(1, arg('rounds', 5));
const WARMUP_SECONDS = arg('warmup', 1);
const BATCH = 2000;

let sink = 0; // keeps results observable so the JIT cannot drop the work

/** Runs `op` in batches for `seconds` of wall-clock time; returns operations per second. */
function measure(op: () => void, seconds: number): number {
  const budget = BigInt(Math.round(seconds * 1e9));
  const start = process.hrtime.bigint();
  let ops = 0;
  let elapsed = 0n;
  do {
    for (let i = 0; i < BATCH; i++) op();
    ops += BATCH;
    elapsed = process.hrtime.bigint() - start;
  } while (elapsed < budget);
  return (ops * 1e9) / Number(elapsed);
}

interface Row {
  scenario: string;
  op: 'encode' | 'encode, reused' | 'decode';
  'bytes/msg': number;
  'msgs/s': number;
  'records/s': number;
  'MiB/s': number;
  'ns/msg': number;
}

function run(s: Scenario): Row[] {
  const types = s.records.map((r) => r.constructor as RecordClass<JuteRecord>);
  // `encode` is what callers do today (a fresh archive, then a copy of the bytes out);
  // `encode, reused` keeps one archive, the floor for the serializers themselves.
  const encodeFresh = (): void => {
    sink += encode(...s.records).length;
  };
  const oa = new BinaryOutputArchive();
  const encodeReused = (): void => {
    oa.reset();
    for (const r of s.records) r.serialize(oa);
    sink += oa.length;
  };
  const bytes = encode(...s.records);
  const decodeOnce = (): void => {
    const ia = new BinaryInputArchive(bytes);
    for (const t of types) t.deserialize(ia);
    sink += ia.offset;
  };

  const rows: Row[] = [];
  for (const [op, fn] of [
    ['encode', encodeFresh],
    ['encode, reused', encodeReused],
    ['decode', decodeOnce],
  ] as const) {
    measure(fn, WARMUP_SECONDS);
    let perSec = 0;
    for (let i = 0; i < ROUNDS; i++) perSec = Math.max(perSec, measure(fn, SECONDS / ROUNDS));
    rows.push({
      scenario: s.name,
      op,
      'bytes/msg': bytes.length,
      'msgs/s': Math.round(perSec),
      'records/s': Math.round(perSec * s.records.length),
      'MiB/s': Math.round((perSec * bytes.length) / 1048576),
      'ns/msg': Math.round(1e9 / perSec),
    });
  }
  return rows;
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

function main(): void {
  const rows = SCENARIOS.flatMap(run);
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  console.log(
    `jute serde, node ${process.version}: best of ${ROUNDS} rounds in ${SECONDS} s per row, after ${WARMUP_SECONDS} s warm-up\n`,
  );
  const cols = Object.keys(rows[0]) as (keyof Row)[];
  const cells = rows.map((r) => cols.map((c) => (typeof r[c] === 'number' ? fmt(r[c] as number) : String(r[c]))));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const line = (vals: string[]): string =>
    '| ' + vals.map((v, i) => (i < 2 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join(' | ') + ' |';
  console.log(line(cols));
  console.log('|' + widths.map((w, i) => (i < 2 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|');
  for (const c of cells) console.log(line(c));
  if (sink === 0.5) console.log(''); // never true; reads sink
}

main();
