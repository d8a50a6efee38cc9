import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateRequest, SetDataRequest } from '../../lib/jute';
import { Code, CreateMode, OpCode } from '../../lib/protocol';
import { LogFileScanner } from '../../plugins/storage-file/log-file-scanner';
import { nodeFileIO } from '../../plugins/storage-file/node-file-io';
import { javaZooKeeperMissing } from '../support/java-zookeeper';
import { RawClient } from '../support/raw-client';
import { encodeMulti, OPEN_ACL } from '../support/raw-ops';
import { runProcess } from '../support/run-process';
import { ensureBuilt, killAll, runZoolab, spawnZoolab } from './support/zoolab-process';

jest.setTimeout(120_000);

const CP = '/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-nop.jar';
const JAVA = ['-Duser.timezone=UTC', '-Duser.language=en', '-Duser.country=US', '-XX:TieredStopAtLevel=1', '-Xmx128m', '-cp', CP];

let work: string;
/** A data dir a zoolab server wrote: several snapshots and log files. */
let dataDir: string;
let v2: string;

beforeAll(async () => {
  const missing = javaZooKeeperMissing();
  if (missing) throw new Error(missing);
  ensureBuilt();
  work = mkdtempSync(join(tmpdir(), 'zoolab-clitools-'));
  dataDir = join(work, 'data');
  v2 = join(dataDir, 'version-2');
  const s = await spawnZoolab(['--data-dir', dataDir, '--log-level', 'warn', '-D', 'snapCount=8']);
  try {
    await s.serving();
    const c = await RawClient.connect('127.0.0.1', s.port, { timeout: 30_000 });
    const ok = async (p: Promise<{ err: number }>) => expect((await p).err).toBe(Code.OK);
    await ok(c.request(OpCode.create, new CreateRequest({ path: '/app', data: Buffer.from('top'), acl: OPEN_ACL(), flags: 0 })));
    for (let i = 0; i < 40; i++) {
      await ok(c.request(OpCode.create, new CreateRequest({ path: `/app/n${i}`, data: Buffer.from(`value ${i}`), acl: OPEN_ACL(), flags: i % 5 === 0 ? CreateMode.EPHEMERAL : 0 })));
      if (i % 4 === 0) await ok(c.request(OpCode.setData, new SetDataRequest({ path: `/app/n${i}`, data: Buffer.from(`again ${i}`), version: -1 })));
    }
    await ok(c.requestBytes(OpCode.multi, encodeMulti([{ op: 'create', path: '/m', data: 'x' }, { op: 'delete', path: '/app/n1' }])));
    c.destroy();
  } finally {
    await s.kill('SIGTERM');
  }
});
afterAll(async () => {
  await killAll();
  rmSync(work, { recursive: true, force: true });
});

const names = (dir: string, prefix: string) => readdirSync(dir).filter((f) => f.startsWith(prefix));
const zxidOf = (name: string) => BigInt(`0x${name.split('.')[1]}`);
const byZxid = (a: string, b: string) => (zxidOf(a) < zxidOf(b) ? -1 : 1);

describe('zoolab log dump (LogFormatter / TxnLogToolkit)', () => {
  it('prints a log file exactly as Java\'s TxnLogToolkit -d does', async () => {
    const file = join(v2, names(v2, 'log.').sort(byZxid)[0]);
    const ours = runZoolab(['log', 'dump', file, '--time-zone', 'UTC']);
    const java = await runProcess('java', [...JAVA, 'org.apache.zookeeper.server.persistence.TxnLogToolkit', '-d', file], { timeoutMs: 60_000 });
    expect(ours.code).toBe(0);
    expect(ours.stdout).toBe(java.stdout);
    expect(ours.stdout).toMatch(/^ZooKeeper Transactional Log File with dbid 0 txnlog format version 2\n/);
  });

  it('prints every log file of a data directory, oldest first', () => {
    const r = runZoolab(['log', 'dump', dataDir, '--time-zone', 'UTC']);
    expect(r.code).toBe(0);
    const logs = names(v2, 'log.').sort(byZxid);
    expect(logs.length).toBeGreaterThan(3);
    const headers = [...r.stdout.matchAll(/^(\/.*\/log\.[0-9a-f]+):$/gm)].map((m) => m[1]);
    expect(headers).toEqual(logs.map((l) => join(v2, l)));
    expect(r.stdout).toMatch(/ multi create:.*;delete:/);
  });

  it('stops at a corrupt entry with exit code 1, naming the file and byte offset, after printing what came before', async () => {
    const copy = join(work, 'corrupt.log');
    const file = join(v2, names(v2, 'log.').sort(byZxid)[0]);
    cpSync(file, copy);
    const scanner = await LogFileScanner.open(nodeFileIO, copy);
    const offsets: number[] = [];
    for (let e = await scanner.next(); e; e = await scanner.next()) offsets.push(e.offset);
    await scanner.close();
    const bytes = readFileSync(copy);
    bytes[offsets[3] + 20] ^= 0xff;
    writeFileSync(copy, bytes);
    const r = runZoolab(['log', 'dump', copy, '--time-zone', 'UTC']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`zoolab: ${copy}: corrupt txn log entry at byte offset ${offsets[3]}`);
    expect(r.stdout.match(/ zxid 0x/g)).toHaveLength(3);
  });

  it('reports a missing file as an error', () => {
    const r = runZoolab(['log', 'dump', join(work, 'nope')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^zoolab: .*no such file or directory/);
  });
});

describe('zoolab snapshot dump (SnapshotFormatter)', () => {
  const newest = () => join(v2, names(v2, 'snapshot.').sort(byZxid).at(-1)!);

  it.each([[[]], [['-d']]])('prints what Java\'s SnapshotFormatter prints (flags %j)', async (flags: string[]) => {
    const file = newest();
    const ours = runZoolab(['snapshot', 'dump', ...flags, file, '--time-zone', 'UTC']);
    const java = await runProcess('java', [...JAVA, 'org.apache.zookeeper.server.SnapshotFormatter', ...flags, file], { timeoutMs: 60_000 });
    expect(ours.code).toBe(0);
    expect(ours.stderr).toBe('');
    expect(ours.stdout).toBe(java.stdout);
    expect(ours.stdout).toContain('/app/n30');
  });

  it('prints ncdu JSON with -json (one dash, as Java) or --json', () => {
    for (const flag of ['-json', '--json']) {
      const r = runZoolab(['snapshot', 'dump', newest(), flag]);
      expect(r.code).toBe(0);
      const parsed = JSON.parse(r.stdout);
      expect(parsed[2]).toMatchObject({ progname: 'SnapshotFormatter.java' });
      expect(JSON.stringify(parsed[3])).toContain('"name":"n30"');
    }
  });

  it('refuses -d with -json, and a file that is not a snapshot', () => {
    const both = runZoolab(['snapshot', 'dump', '-d', '-json', newest()]);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('Cannot specify both data dump (-d) and json mode (-json) in same call');
    const notSnap = join(work, 'snapshot.99');
    writeFileSync(notSnap, 'definitely not a snapshot');
    const bad = runZoolab(['snapshot', 'dump', notSnap]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^zoolab: .*snapshot/);
  });
});

describe('zoolab purge (PurgeTxnLog)', () => {
  function copyOfData(split: boolean): { d: string; l: string } {
    const d = join(work, `purge-${Math.random().toString(36).slice(2)}`);
    const l = split ? `${d}-log` : d;
    mkdirSync(join(d, 'version-2'), { recursive: true });
    mkdirSync(join(l, 'version-2'), { recursive: true });
    for (const f of readdirSync(v2)) cpSync(join(v2, f), join(f.startsWith('log.') ? l : d, 'version-2', f));
    return { d, l };
  }

  it('keeps the newest N snapshots and the logs they need, deleting the rest', () => {
    const { d } = copyOfData(false);
    const snaps = names(v2, 'snapshot.').sort(byZxid);
    expect(snaps.length).toBeGreaterThan(4);
    const r = runZoolab(['purge', '--data-dir', d, '-n', '3']);
    expect(r.code).toBe(0);
    const kept = snaps.slice(-3);
    expect(names(join(d, 'version-2'), 'snapshot.').sort(byZxid)).toEqual(kept);
    const oldest = zxidOf(kept[0]);
    const logs = names(join(d, 'version-2'), 'log.').sort(byZxid);
    // The first log kept starts at or before the oldest kept snapshot; none before it is needed.
    expect(zxidOf(logs[0])).toBeLessThanOrEqual(oldest);
    expect(logs.length).toBeLessThan(names(v2, 'log.').length);
    expect(r.stdout).toMatch(/^Removing file: /m);
    expect(r.stdout).toContain(`Kept 3 snapshot(s)`);
  });

  it('purges a separate dataLogDir with --data-log-dir', () => {
    const { d, l } = copyOfData(true);
    const r = runZoolab(['purge', '--data-dir', d, '--data-log-dir', l, '-n', '3']);
    expect(r.code).toBe(0);
    expect(names(join(d, 'version-2'), 'snapshot.')).toHaveLength(3);
    expect(names(join(l, 'version-2'), 'log.').length).toBeLessThan(names(v2, 'log.').length);
  });

  it('refuses a count below 3 and a directory that does not exist', () => {
    const low = runZoolab(['purge', '--data-dir', dataDir, '-n', '2']);
    expect(low.code).toBe(1);
    expect(low.stderr).toContain('count should be greater than or equal to 3');
    const missing = runZoolab(['purge', '--data-dir', join(work, 'missing'), '-n', '3']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`path '${join(work, 'missing')}' does not exist`);
  });
});
