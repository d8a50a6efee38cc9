import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Container } from 'inversify';
import { DATA_PURGER } from '../../lib/persistence/snapshot-purge';
import { parseSnapshot } from '../../lib/persistence/snapshot-format';
import { formatSnapshot, hexPadded, javaDateToString } from '../../lib/persistence/snapshot-formatter';
import { javaHashOrder, javaLongHash, javaStringHash } from '../../lib/persistence/snapshot-java-order';
import { serializeSnapshotToBuffer } from '../../lib/persistence/snapshot-serializer';
import { SNAPSHOT_STORE } from '../../lib/persistence/snapshot-store';
import { dumpSnapshot, FileSnapshotStore, storageFileModule } from '../../plugins/storage-file';
import { compressionOfFileName } from '../../plugins/storage-file/snapshot-dump';
import { MemorySnapshotStore, MemoryTxnLog, storageMemoryModule } from '../../plugins/storage-memory';
import { Workload } from './snapshot-fixtures';

let work: string;
beforeAll(() => (work = mkdtempSync(join(tmpdir(), 'zoolab-snapdump-'))));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('Java iteration order (HashMap / HashSet), as SnapshotFormatter sees it', () => {
  // Each expectation is what Java 17 printed for the same insertions.
  it('hashes strings and longs as Java does', () => {
    expect(javaStringHash('hello')).toBe(99162322);
    expect(javaStringHash('')).toBe(0);
    expect(javaLongHash(0x1000000aa0001n)).toBe(11206657);
    expect(javaLongHash(-5n)).toBe(4);
  });

  it('orders a HashSet(8) of child names across several resizes', () => {
    const names = Array.from({ length: 40 }, (_, i) => `n${i}`);
    expect(javaHashOrder(names, javaStringHash, 8).join(',')).toBe(
      'n0,n1,n2,n3,n4,n5,n6,n7,n8,n30,n9,n10,n32,n31,n12,n34,n11,n33,n14,n36,n13,n35,n16,n38,n15,n37,n18,n17,n39,n19,n21,n20,n23,n22,n25,n24,n27,n26,n29,n28',
    );
    const mixed = ['zookeeper', 'app', 'secure', 'seq-0000000006', 'container', 'ttl', 'other-eph', 'ünïcødé', 'm'];
    expect(javaHashOrder(mixed, javaStringHash, 8).join(',')).toBe('app,container,other-eph,zookeeper,seq-0000000006,ünïcødé,secure,ttl,m');
  });

  it('resizes a small table when one bucket collects nine keys, as treeifyBin does', () => {
    const colliding = ['AaAaAa', 'AaAaBB', 'AaBBAa', 'AaBBBB', 'BBAaAa', 'BBAaBB', 'BBBBAa', 'BBBBBB', 'AaAa', 'BBBB', 'x', 'AaBB'];
    expect(javaHashOrder(colliding, javaStringHash, 8).join(',')).toBe('AaAaAa,AaAaBB,AaBBAa,AaBBBB,BBAaAa,BBAaBB,BBBBAa,BBBBBB,x,AaAa,BBBB,AaBB');
  });

  it('orders a HashMap<Long, Integer> of session ids', () => {
    const ids = [0x1000000aa0001n, 0x1000000aa0002n, 0x72ab3c0000010000n, -5n, 0x100000000n, 7n, 0x1000000aa0009n];
    expect(javaHashOrder(ids, javaLongHash).map((v) => BigInt.asUintN(64, v).toString(16)).join(',')).toBe(
      '100000000,1000000aa0009,fffffffffffffffb,7,1000000aa0002,1000000aa0001,72ab3c0000010000',
    );
  });
});

describe('dumpSnapshot (SnapshotFormatter)', () => {
  it('prints nodes depth first with their stats, then sessions and the last zxid', async () => {
    const w = new Workload(null, { extendedTypesEnabled: false });
    w.createSession(0x100000abcn, 5000);
    w.create('/a', 'hello');
    w.create('/a/e', 'x', { owner: 0x100000abcn });
    const file = join(work, `snapshot.${w.zxid.toString(16)}`);
    writeFileSync(file, serializeSnapshotToBuffer(w.tree, w.sessions).bytes);
    const dump = await dumpSnapshot(file, { timeZone: 'UTC' });
    expect(dump).toMatchObject({ checksumValid: true, nodes: 6, sessions: 1 });
    const stat = (czxid: string, time: string, pzxid: string, cversion: number, owner = '0x00000000000000', aversion = 0) => [
      `  cZxid = ${czxid}`,
      `  ctime = ${time}`,
      `  mZxid = ${czxid}`,
      `  mtime = ${time}`,
      `  pZxid = ${pzxid}`,
      `  cversion = ${cversion}`,
      '  dataVersion = 0',
      `  aclVersion = ${aversion}`,
      `  ephemeralOwner = ${owner}`,
    ];
    const epoch = 'Thu Jan 01 00:00:00 UTC 1970';
    const t = (zxid: number) => javaDateToString(Number(1_764_225_187_000n) + zxid, 'UTC');
    expect(dump.text.split('\n')).toEqual([
      'ZNode Details (count=7):',
      '----',
      '/',
      ...stat('0x00000000000000', epoch, '0x00000000000002', 1),
      '  dataLength = 0',
      '----',
      '/a',
      ...stat('0x00000000000002', t(2), '0x00000000000003', 1),
      '  dataLength = 5',
      '----',
      '/a/e',
      ...stat('0x00000000000003', t(3), '0x00000000000003', 0, '0x00000100000abc'),
      '  dataLength = 1',
      '----',
      '/zookeeper',
      ...stat('0x00000000000000', epoch, '0x00000000000000', 0),
      '  dataLength = 0',
      '----',
      '/zookeeper/config',
      // DataTree sets its ACL with version -1 (ZOOKEEPER-2014)
      ...stat('0x00000000000000', epoch, '0x00000000000000', 0, '0x00000000000000', -1),
      '  dataLength = 0',
      '----',
      '/zookeeper/quota',
      ...stat('0x00000000000000', epoch, '0x00000000000000', 0),
      '  dataLength = 0',
      '----',
      'Session Details (sid, timeout, ephemeralCount):',
      '0x00000100000abc, 5000, 1',
      '----',
      'Last zxid: 0x3',
      '',
    ]);
    expect(t(2)).toBe('Thu Nov 27 06:33:07 UTC 2025');
    const withData = await dumpSnapshot(file, { timeZone: 'UTC', dumpData: true });
    expect(withData.text).toContain('/a\n' + stat('0x00000000000002', t(2), '0x00000000000003', 1).join('\n') + '\n  data = aGVsbG8=\n');
    const json = await dumpSnapshot(file, { json: true, now: 42 });
    expect(json.text).toBe(
      '[1,0,{"progname":"SnapshotFormatter.java","progver":"0.01","timestamp":42},[{"name":"/","asize":0,"dsize":0,"dev":0,"ino":1001},' +
        '[{"name":"a","asize":5,"dsize":5,"dev":0,"ino":1002},{"name":"e","asize":1,"dsize":1,"dev":0,"ino":1003}],' +
        '[{"name":"zookeeper","asize":0,"dsize":0,"dev":0,"ino":1004},{"name":"config","asize":0,"dsize":0,"dev":0,"ino":1005},{"name":"quota","asize":0,"dsize":0,"dev":0,"ino":1006}]]]',
    );
    await expect(dumpSnapshot(file, { json: true, dumpData: true })).rejects.toThrow(/Cannot specify both/);
  });

  it('prints a snapshot whose seal does not match (SnapshotFormatter does not check) and says so', async () => {
    const w = new Workload().populate();
    const bytes = Buffer.from(serializeSnapshotToBuffer(w.tree, w.sessions).bytes);
    bytes[bytes.length - 40] ^= 1; // inside the first seal's checksum
    const file = join(work, 'snapshot.badseal');
    writeFileSync(file, bytes);
    const dump = await dumpSnapshot(file, { timeZone: 'UTC' });
    expect(dump.checksumValid).toBe(false);
    expect(dump.text).toMatch(/^ZNode Details \(count=\d+\):/);
    // "badseal" is no hex zxid: the last zxid comes from the nodes, as in Java
    expect(dump.text).toMatch(/Last zxid: 0x[0-9a-f]+\n$/);
    expect(() => parseSnapshot(bytes)).toThrow(/CRC corruption/);
  });

  it('picks the decoder from the last extension, as SnapStream.getStreamMode does', () => {
    expect(compressionOfFileName('snapshot.1a.gz')).toBe('gz');
    expect(compressionOfFileName('snapshot.1a.SNAPPY')).toBe('snappy');
    expect(compressionOfFileName('snapshot.1a')).toBe('none');
    expect(compressionOfFileName('copy-of-snapshot')).toBe('none');
  });

  it('formats hex and dates as Java: %#016x and Date.toString', () => {
    expect(hexPadded(0n)).toBe('0x00000000000000');
    expect(hexPadded(-1n)).toBe('0xffffffffffffffff');
    expect(hexPadded(0x8000000000000000n)).toBe('0x8000000000000000');
    expect(javaDateToString(0, 'UTC')).toBe('Thu Jan 01 00:00:00 UTC 1970');
    expect(javaDateToString(1_700_000_000_000, 'America/Los_Angeles')).toBe('Tue Nov 14 14:13:20 PST 2023');
    const w = new Workload();
    const parsed = parseSnapshot(serializeSnapshotToBuffer(w.tree, w.sessions).bytes);
    expect(formatSnapshot(parsed, { fileNameZxid: 0x99n, timeZone: 'UTC' })).toMatch(/Last zxid: 0x99\n$/);
  });

  it('prints each zookeeper_stats node recounted from its subtree, as loading the file into a DataTree does', () => {
    const w = new Workload(null, { extendedTypesEnabled: false });
    w.create('/app', 'root');
    w.create('/app/a', 'xyz');
    w.create('/zookeeper/quota/app', null);
    w.create('/zookeeper/quota/app/zookeeper_limits', 'count=100,bytes=-1');
    w.create('/zookeeper/quota/app/zookeeper_stats', 'count=0,bytes=0');
    const parsed = parseSnapshot(serializeSnapshotToBuffer(w.tree, w.sessions).bytes);
    // A fuzzy snapshot can carry a stats node out of step with the nodes it counts.
    const stats = parsed.nodes.find(([p]) => p === '/zookeeper/quota/app/zookeeper_stats')![1];
    stats.data = Buffer.from('count=9,bytes=999');
    const text = formatSnapshot(parsed, { fileNameZxid: -1n, timeZone: 'UTC', dumpData: true });
    const block = text.split('----\n').find((b) => b.startsWith('/zookeeper/quota/app/zookeeper_stats\n'))!;
    expect(block).toContain(`data = ${Buffer.from('count=2,bytes=7').toString('base64')}`);
  });
});

describe('the storage plugins bind the snapshot store and the purger', () => {
  it('storage-file: SNAPSHOT_STORE over <dataDir>/version-2 and DATA_PURGER', async () => {
    const c = new Container();
    c.load(storageFileModule({ dataLogDir: join(work, 'logs'), dataDir: join(work, 'data'), snapshotCompression: 'gz' }));
    const store = c.get(SNAPSHOT_STORE) as FileSnapshotStore;
    expect(store).toBeInstanceOf(FileSnapshotStore);
    expect(store.dir).toBe(join(work, 'data', 'version-2'));
    expect(store.compression).toBe('gz');
    const w = new Workload().populate();
    expect((await store.save(w.tree, w.sessions)).name).toMatch(/\.gz$/);
    await expect(c.get(DATA_PURGER).purge(3)).resolves.toMatchObject({ removed: [] });
  });

  it('storage-memory: a restarted server given the old log finds the old snapshots', async () => {
    const log = new MemoryTxnLog();
    const first = new Container();
    first.load(storageMemoryModule({ txnLog: log }));
    const w = new Workload().populate();
    await first.get(SNAPSHOT_STORE).save(w.tree, w.sessions);
    const second = new Container();
    second.load(storageMemoryModule({ txnLog: log }));
    expect(second.get(SNAPSHOT_STORE)).toBeInstanceOf(MemorySnapshotStore);
    expect((await second.get(SNAPSHOT_STORE).list()).map((i) => i.zxid)).toEqual([w.zxid]);
    const fresh = new Container();
    fresh.load(storageMemoryModule());
    expect(await fresh.get(SNAPSHOT_STORE).list()).toEqual([]);
  });
});
