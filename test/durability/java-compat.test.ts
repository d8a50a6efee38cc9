import { closeSync, cpSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createLogger } from '../../lib/core/logger';
import { DIGEST_VERSION } from '../../lib/data/digest-calculator';
import { AuthPacket, CreateRequest, CreateTTLRequest, DeleteRequest, SetACLRequest, SetDataRequest, type JuteRecord } from '../../lib/jute';
import { Code, CreateMode, OpCode, Perms, Xid } from '../../lib/protocol';
import { adler32 } from '../../lib/persistence/adler32';
import type { StandaloneServer } from '../../lib/server';
import { startDefaultStandaloneServer } from '../../plugins/defaults';
import { nodeFileIO } from '../../plugins/storage-file';
import { LogFileScanner, type ScannedEntry } from '../../plugins/storage-file/log-file-scanner';
import { fourLetterWord } from '../support/four-letter';
import { generateDigest, javaZooKeeperMissing, startJavaZooKeeper, type JavaZooKeeper } from '../support/java-zookeeper';
import { RawClient } from '../support/raw-client';
import { acl, encodeMulti, OPEN_ACL } from '../support/raw-ops';
import { diffTrees, walkTree, type NodeView } from './support/tree-walk';

jest.setTimeout(150_000);

/** Both servers get these, so sessions and TTLs outlive the hand-over by far. */
const TICK = 2000;
const SNAP_COUNT = 20;
const USER = 'durable:secret';
const AUTH: Array<[string, string]> = [['digest', USER]];

let work: string;
const clients: RawClient[] = [];
const stops: Array<() => Promise<void>> = [];

beforeAll(() => {
  const missing = javaZooKeeperMissing();
  if (missing) throw new Error(missing);
  work = mkdtempSync(join(tmpdir(), 'zoolab-javacompat-'));
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of stops.splice(0).reverse()) await s().catch(() => undefined);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function client(host: string, port: number, timeout = 30_000): Promise<RawClient> {
  const c = await RawClient.connect(host, port, { timeout });
  clients.push(c);
  return c;
}

async function ok(c: RawClient, op: number, body: JuteRecord | null): Promise<bigint> {
  const r = await c.request(op, body);
  if (r.err !== Code.OK) throw new Error(`op ${op} failed with ${r.err}`);
  return r.zxid;
}

const create = (path: string, data: string | Buffer | null, flags = 0, acls = OPEN_ACL()) =>
  new CreateRequest({ path, data: data === null ? null : Buffer.from(data), acl: acls, flags });

/**
 * The same writes on either server, over ~80 txns so that several snapshots come and a
 * log follows the last: ephemerals of a session that closed and of one still open,
 * sequential nodes, a container, a TTL node, digest / ip / world ACLs and a setACL, a
 * multi, setData bumping versions, deletes, and a node of 200 KB.
 */
async function populate(host: string, port: number, dataDir: string): Promise<void> {
  const main = await client(host, port);
  expect((await main.request(OpCode.auth, new AuthPacket({ type: 0, scheme: 'digest', auth: Buffer.from(USER) }), { xid: Xid.auth })).err).toBe(Code.OK);
  await ok(main, OpCode.create, create('/app', 'root of the app'));
  await ok(main, OpCode.create, create('/eph', null));
  for (let i = 0; i < 12; i++) await ok(main, OpCode.create, create(`/app/n${i}`, `value ${i}`));
  for (let i = 0; i < 12; i += 3) await ok(main, OpCode.setData, new SetDataRequest({ path: `/app/n${i}`, data: Buffer.from(`v2 ${i}`), version: 0 }));
  await ok(main, OpCode.delete, new DeleteRequest({ path: '/app/n4', version: -1 }));

  const closing = await client(host, port);
  await ok(closing, OpCode.create, create('/eph/gone-a', 'x', CreateMode.EPHEMERAL));
  await ok(closing, OpCode.create, create('/eph/gone-seq-', 'y', CreateMode.EPHEMERAL_SEQUENTIAL));
  await closing.closeSession();
  const staying = await client(host, port);
  await ok(staying, OpCode.create, create('/eph/stays', 'z', CreateMode.EPHEMERAL));
  await ok(staying, OpCode.create, create('/eph/stays-seq-', 'w', CreateMode.EPHEMERAL_SEQUENTIAL));

  await ok(main, OpCode.create, create('/seq', null));
  for (let i = 0; i < 6; i++) await ok(main, OpCode.create, create('/seq/s-', `seq ${i}`, CreateMode.PERSISTENT_SEQUENTIAL));
  await ok(main, OpCode.delete, new DeleteRequest({ path: '/seq/s-0000000002', version: -1 }));

  await ok(main, OpCode.createContainer, create('/box', 'container', CreateMode.CONTAINER));
  await ok(main, OpCode.create, create('/box/item', 'in the box'));
  await ok(main, OpCode.createTTL, new CreateTTLRequest({ path: '/ttl', data: Buffer.from('lives long'), acl: OPEN_ACL(), flags: CreateMode.PERSISTENT_WITH_TTL, ttl: 3_600_000n }));

  const digestId = generateDigest(USER);
  await ok(main, OpCode.create, create('/acl-digest', 'secret', 0, [acl(Perms.ALL, 'digest', digestId), acl(Perms.READ, 'world', 'anyone')]));
  await ok(main, OpCode.create, create('/acl-ip', 'local', 0, [acl(Perms.ALL, 'ip', '127.0.0.1')]));
  await ok(main, OpCode.create, create('/acl-set', 'changed acl', 0));
  await ok(main, OpCode.setACL, new SetACLRequest({ path: '/acl-set', acl: [acl(Perms.READ | Perms.WRITE, 'world', 'anyone')], version: 0 }));

  const multi = await main.requestBytes(
    OpCode.multi,
    encodeMulti([
      { op: 'create', path: '/multi', data: 'm' },
      { op: 'create', path: '/multi/child', data: 'mc' },
      { op: 'setData', path: '/app/n1', data: 'set in a multi', version: 0 },
      { op: 'check', path: '/app/n2', version: 0 },
      { op: 'delete', path: '/app/n5' },
    ]),
  );
  expect(multi.err).toBe(Code.OK);
  await ok(main, OpCode.create, create('/big', Buffer.alloc(200_000, 7)));
  for (let i = 0; i < 10; i++) await ok(main, OpCode.setData, new SetDataRequest({ path: '/app/n0', data: Buffer.from(`round ${i}`), version: -1 }));
  // Snapshots come every snapCount/2..snapCount txns, and one due while the last is still
  // being written is skipped ("Too busy to snap"): on a busy machine the txns above
  // brought two once. Write on until there are three.
  const snapshotsTaken = () => snapshotAndLogs(dataDir).snapshots.filter((z) => z > 0n).length;
  for (let i = 0; i < 5 * SNAP_COUNT && snapshotsTaken() < 3; i++) {
    await ok(main, OpCode.setData, new SetDataRequest({ path: '/app/n0', data: Buffer.from(`more ${i}`), version: -1 }));
  }
  // A last few txns after whatever snapshot came last, so the log has to be replayed.
  let last = 0n;
  for (let i = 0; i < 3; i++) last = await ok(main, OpCode.create, create(`/tail${i}`, `tail ${i}`));
  // Both servers snapshot after a random snapCount/2..snapCount txns, and a snapshot is
  // fuzzy: one started on the last txns is named for them, leaving no log to replay. Then
  // a few more txns (fewer than snapCount/2, so no further snapshot can start) make a tail.
  const newest = await settledSnapshots(dataDir);
  if (newest >= last) for (let i = 3; i < 6; i++) await ok(main, OpCode.create, create(`/tail${i}`, `tail ${i}`));
}

/** The zxid of the newest snapshot once no snapshot is still being written. */
async function settledSnapshots(dataDir: string): Promise<bigint> {
  const look = () =>
    readdirSync(join(dataDir, 'version-2'))
      .filter((n) => n.startsWith('snapshot.'))
      .map((n) => `${n}:${statSync(join(dataDir, 'version-2', n)).size}`)
      .sort()
      .join(',');
  let seen = look();
  for (;;) {
    await new Promise((r) => setTimeout(r, 300));
    const now = look();
    if (now === seen) break;
    seen = now;
  }
  const { snapshots } = snapshotAndLogs(dataDir);
  return snapshots.reduce((a, b) => (a > b ? a : b), 0n);
}

function snapshotAndLogs(dataDir: string): { snapshots: bigint[]; logs: bigint[] } {
  const names = readdirSync(join(dataDir, 'version-2'));
  const zxids = (prefix: string) => names.filter((n) => n.startsWith(prefix)).map((n) => BigInt(`0x${n.slice(prefix.length).split('.')[0]}`));
  return { snapshots: zxids('snapshot.'), logs: zxids('log.') };
}

/** `logLines`: the server's log at info and above goes there, for a failure's message. */
async function startZoolab(dataDir: string, digestEnabled = true, logLines?: string[]): Promise<StandaloneServer> {
  const s = await startDefaultStandaloneServer(
    {
      clientPort: 0,
      clientPortAddress: '127.0.0.1',
      tickTime: TICK,
      dataDir,
      dataLogDir: dataDir,
      snapCount: SNAP_COUNT,
      extendedTypesEnabled: true,
      fourLetterWordWhitelist: ['*'],
      digestEnabled,
    },
    {
      logger:
        logLines === undefined
          ? createLogger({ level: process.env.ZOOLAB_LOG_LEVEL ?? 'silent' })
          : pino({ level: 'info' }, { write: (line: string) => void logLines.push(line.trim()) }),
    },
  );
  stops.push(() => s.close());
  return s;
}

async function startJava(dataDir: string): Promise<JavaZooKeeper> {
  const zk = await startJavaZooKeeper({ tickTime: TICK, extraConfig: { dataDir, snapCount: SNAP_COUNT }, containerCheckIntervalMs: 60_000 });
  stops.push(() => zk.stop());
  return zk;
}

function expectSameTrees(reference: Map<string, NodeView>, restored: Map<string, NodeView>, names: [string, string]): void {
  expect(diffTrees(reference, restored, names)).toEqual([]);
  // The walk covered what the workload made (a guard against comparing two empty trees).
  for (const p of ['/eph/stays', '/seq/s-0000000005', '/box/item', '/ttl', '/acl-digest', '/multi/child', '/big', '/tail2']) {
    expect(reference.has(p)).toBe(true);
  }
  expect(reference.has('/eph/gone-a')).toBe(false);
}

describe('cross-compatibility of data directories with Apache ZooKeeper 3.8', () => {
  it('Java ZooKeeper starts on a data directory a zoolab server wrote (snapshots + log) and serves the same tree', async () => {
    const dataDir = join(work, 'written-by-zoolab');
    mkdirSync(dataDir);
    const zoolab = await startZoolab(dataDir);
    await populate(zoolab.host, zoolab.port, dataDir);
    const reference = await walkTree(zoolab.host, zoolab.port, { auth: AUTH });
    const lastZxid = zoolab.server.getLastProcessedZxid();
    for (const c of clients.splice(0)) c.destroy();
    await zoolab.close();
    const files = snapshotAndLogs(dataDir);
    expect(files.snapshots.filter((z) => z > 0n).length).toBeGreaterThan(2);
    expect(files.snapshots.every((z) => z < lastZxid)).toBe(true);

    const java = await startJava(dataDir);
    const restored = await walkTree(java.host, java.port, { auth: AUTH });
    expectSameTrees(reference, restored, ['zoolab before', 'Java after']);
    // No digest mismatch, no txn or snapshot it could not read.
    expect(java.log()).not.toMatch(/digest|mismatch|Unable to load|Unsupported|corrupt/i);
  });

  it('Java ZooKeeper (digests on) starts on a data directory zoolab wrote with digest.enabled=false and serves the same tree', async () => {
    const dataDir = join(work, 'written-by-zoolab-without-digests');
    mkdirSync(dataDir);
    const zoolab = await startZoolab(dataDir, false);
    await populate(zoolab.host, zoolab.port, dataDir);
    const reference = await walkTree(zoolab.host, zoolab.port, { auth: AUTH });
    for (const c of clients.splice(0)) c.destroy();
    await zoolab.close();
    expect(snapshotAndLogs(dataDir).snapshots.filter((z) => z > 0n).length).toBeGreaterThan(2);

    const java = await startJava(dataDir);
    const restored = await walkTree(java.host, java.port, { auth: AUTH });
    expectSameTrees(reference, restored, ['zoolab before', 'Java after']);
    expect(java.log()).not.toMatch(/mismatch|Unable to load|Unsupported|corrupt/i);
  });

  it('zoolab starts on a data directory Java ZooKeeper wrote (snapshots + log) and serves the same tree', async () => {
    const written = await javaWritten();
    const dataDir = copyOf(written.dataDir, 'java-written-for-zoolab');
    const logLines: string[] = [];
    const zoolab = await startZoolab(dataDir, true, logLines);
    const restore = zoolab.server.zkDb.lastRestore!;
    expect(restore.snapshot).not.toBeNull();
    expect(restore.txnsLoaded).toBeGreaterThan(0);
    // A mismatch was seen once in a full CI run and never alone. A snapshot is fuzzy, so
    // Java's own files can carry one: what counts is that zoolab judges them as Java does.
    const mismatches = zoolab.server.zkDb.dataTree.digests.mismatches;
    if (mismatches !== 0) {
      const javaCounts = await javaDigestMismatches(copyOf(written.dataDir, 'java-written-for-java'));
      if (javaCounts !== mismatches) {
        const show = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `0x${x.toString(16)}` : x));
        throw new Error(
          `${mismatches} digest mismatch(es), where Java counts ${javaCounts} on the same files; Java's snapshots ${show(written.files.snapshots)}; ` +
            `restore ${show(restore)}\n${logLines.join('\n')}`,
        );
      }
    }
    const restored = await walkTree(zoolab.host, zoolab.port, { auth: AUTH });
    expectSameTrees(written.reference, restored, ['Java before', 'zoolab after']);
  });

  it('a logged txn whose digest Java wrote wrong is a digest mismatch to zoolab, as it is to Java', async () => {
    const written = await javaWritten();
    const forZoolab = copyOf(written.dataDir, 'java-tampered-for-zoolab');
    const zxid = await breakLastTxnDigest(forZoolab);
    const logLines: string[] = [];
    const zoolab = await startZoolab(forZoolab, true, logLines);
    expect(zoolab.server.zkDb.lastRestore!.lastProcessedZxid).toBe(zxid);
    const mismatches = zoolab.server.zkDb.dataTree.digests.mismatches;
    expect(mismatches).toBeGreaterThanOrEqual(1);
    expect(logLines.join('\n')).toContain(`Digests are not matching. Value is Zxid. ${zxid}`);

    const forJava = copyOf(written.dataDir, 'java-tampered-for-java');
    expect(await breakLastTxnDigest(forJava)).toBe(zxid);
    expect(await javaDigestMismatches(forJava)).toBe(mismatches);
    // The tree itself is whole: only the logged digest was wrong.
    const restored = await walkTree(zoolab.host, zoolab.port, { auth: AUTH });
    expectSameTrees(written.reference, restored, ['Java before', 'zoolab after']);
  });
});

interface JavaWritten {
  dataDir: string;
  reference: Map<string, NodeView>;
  files: { snapshots: bigint[]; logs: bigint[] };
}

let javaWrittenOnce: Promise<JavaWritten> | null = null;

/** A data directory Java wrote under populate() and then left by SIGKILL, shared by the tests that read it (each reads a copy). */
function javaWritten(): Promise<JavaWritten> {
  javaWrittenOnce ??= (async () => {
    const dataDir = join(work, 'written-by-java');
    mkdirSync(dataDir);
    const java = await startJava(dataDir);
    await populate(java.host, java.port, dataDir);
    const reference = await walkTree(java.host, java.port, { auth: AUTH });
    for (const c of clients.splice(0)) c.destroy();
    await java.stop(); // SIGKILL: what Java answered is on disk
    const files = snapshotAndLogs(dataDir);
    expect(files.snapshots.filter((z) => z > 0n).length).toBeGreaterThan(2);
    return { dataDir, reference, files };
  })();
  return javaWrittenOnce;
}

function copyOf(dataDir: string, name: string): string {
  const to = join(work, name);
  cpSync(dataDir, to, { recursive: true });
  return to;
}

/** Java ZooKeeper's digest_mismatches_count (mntr) once it has started on `dataDir`. */
async function javaDigestMismatches(dataDir: string): Promise<number> {
  const java = await startJava(dataDir);
  try {
    const m = /zk_digest_mismatches_count\t(\d+)/.exec(await fourLetterWord(java.host, java.port, 'mntr'));
    if (!m) throw new Error('Java\'s mntr has no zk_digest_mismatches_count');
    return Number(m[1]);
  } finally {
    await java.stop();
  }
}

/**
 * Flips a bit of the tree digest logged with the newest log's last txn, and checksums the
 * entry again, so that it reads as a whole entry whose TxnDigest is wrong. Returns its zxid.
 */
async function breakLastTxnDigest(dataDir: string): Promise<bigint> {
  const dir = join(dataDir, 'version-2');
  const newest = snapshotAndLogs(dataDir).logs.reduce((a, b) => (a > b ? a : b));
  const path = join(dir, `log.${newest.toString(16)}`);
  const scanner = await LogFileScanner.open(nodeFileIO, path);
  let last: ScannedEntry | null = null;
  try {
    for (let e = await scanner.next(); e; e = await scanner.next()) last = e;
  } finally {
    await scanner.close();
  }
  if (last === null) throw new Error(`${path} holds no txn`);
  // Util.marshallTxnEntry: TxnHeader, the txn, then TxnDigest (int version, long treeDigest).
  const payload = Buffer.from(last.payload);
  expect(payload.readInt32BE(payload.length - 12)).toBe(DIGEST_VERSION);
  payload[payload.length - 1] ^= 1;
  const checksum = Buffer.alloc(8);
  checksum.writeUInt32BE(adler32(payload), 4);
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, checksum, 0, 8, last.offset);
    writeSync(fd, payload, 0, payload.length, last.offset + 12);
  } finally {
    closeSync(fd);
  }
  return last.zxid;
}
