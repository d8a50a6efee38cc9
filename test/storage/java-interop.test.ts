import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACL, Id } from '../../lib/jute/records/data';
import { CloseSessionTxn, CreateSessionTxn, CreateTxn, DeleteTxn, MultiTxn, SetACLTxn, SetDataTxn, TxnHeader } from '../../lib/jute/records/txn';
import { OpCode } from '../../lib/protocol/op-code';
import type { TxnEntry } from '../../lib/persistence/txn-log';
import { FileTxnLog } from '../../plugins/storage-file/file-txn-log';
import { dumpTxnLog } from '../../plugins/storage-file/log-dump';
import { javaOpName } from '../../plugins/storage-file/log-formatter';
import { javaZooKeeperMissing, startJavaZooKeeper, type JavaZooKeeper } from '../support/java-zookeeper';
import { runProcess } from '../support/run-process';
import { collect, entries } from './txn-fixtures';

jest.setTimeout(120_000);

// node-zookeeper-client ships no types; this is the part used here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const zookeeper = require('node-zookeeper-client');
type Callback = (err: Error | null, ...rest: any[]) => void;
interface Client {
  once(event: string, fn: () => void): void;
  connect(): void;
  close(): void;
  create(path: string, data: Buffer | null, acl: unknown, mode: number, cb: Callback): void;
  setData(path: string, data: Buffer, version: number, cb: Callback): void;
  remove(path: string, version: number, cb: Callback): void;
  setACL(path: string, acl: unknown, version: number, cb: Callback): void;
  getData(path: string, cb: Callback): void;
  getChildren(path: string, cb: Callback): void;
  transaction(): any;
}

const CP = '/usr/share/java/zookeeper.jar:/usr/share/java/slf4j-nop.jar';
const JAVA_LOCALE = ['-Duser.timezone=UTC', '-Duser.language=en', '-Duser.country=US', '-XX:TieredStopAtLevel=1', '-Xmx128m'];

/** Java's own TxnLogToolkit -d on one log file. */
async function javaDump(file: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runProcess('java', [...JAVA_LOCALE, '-cp', CP, 'org.apache.zookeeper.server.persistence.TxnLogToolkit', '-d', file], { timeoutMs: 60_000 });
}

async function ourDump(file: string): Promise<string> {
  let out = '';
  await dumpTxnLog(file, { out: (s) => (out += s), timeZone: 'UTC' });
  return out;
}

function connect(connectString: string): Promise<Client> {
  const client = zookeeper.createClient(connectString, { sessionTimeout: 10000, retries: 0 });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('client did not connect')), 20000);
    client.once('connected', () => {
      clearTimeout(timer);
      resolve(client);
    });
    client.connect();
  });
}

const call = <T>(fn: (cb: (err: Error | null, v?: T) => void) => void): Promise<T> =>
  new Promise((resolve, reject) => fn((err, v) => (err ? reject(err) : resolve(v as T))));

let work: string;
beforeAll(() => {
  const missing = javaZooKeeperMissing();
  if (missing) throw new Error(missing);
  work = mkdtempSync(join(tmpdir(), 'zoolab-javalog-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('cross-compatibility with Apache ZooKeeper 3.8', () => {
  it('reads every txn of a log written by the real Java server, with the right types, paths and digests', async () => {
    const dataLogDir = join(work, 'java-written');
    let zk: JavaZooKeeper | undefined;
    let client: Client | undefined;
    try {
      zk = await startJavaZooKeeper({ extraConfig: { dataLogDir, forceSync: 'no' } });
      client = await connect(`${zk.host}:${zk.port}`);
      const c = client;
      const open = zookeeper.ACL.OPEN_ACL_UNSAFE;
      await call((cb) => c.create('/a', Buffer.from('hello'), open, zookeeper.CreateMode.PERSISTENT, cb));
      await call((cb) => c.create('/a/b', Buffer.from([0xff, 0x00]), open, zookeeper.CreateMode.PERSISTENT, cb));
      await call((cb) => c.setData('/a', Buffer.from('world'), -1, cb));
      await call((cb) => c.create('/eph', Buffer.from('e'), open, zookeeper.CreateMode.EPHEMERAL, cb));
      await call((cb) => c.create('/seq-', null, open, zookeeper.CreateMode.PERSISTENT_SEQUENTIAL, cb));
      await call((cb) => c.remove('/a/b', -1, cb));
      await call((cb) => c.setACL('/a', [new zookeeper.ACL(zookeeper.Permission.ALL, new zookeeper.Id('world', 'anyone'))], -1, cb));
      await call((cb) => c.transaction().create('/m1', Buffer.from('one')).setData('/a', Buffer.from('z'), -1).remove('/m1', -1).commit(cb));
      await call((cb) => c.transaction().create('/m2').remove('/nope', -1).commit(cb)).catch(() => undefined);
      await new Promise<void>((resolve) => {
        c.once('disconnected', () => resolve());
        c.close();
      });
      client = undefined;

      const dir = join(dataLogDir, 'version-2');
      // The closeSession txn is logged after the client sees its session closed: wait for it.
      let got: TxnEntry[] = [];
      for (let i = 0; i < 50; i++) {
        const log = await FileTxnLog.open({ dir, repairTornTail: false });
        got = await collect(log.read(0n));
        await log.close();
        if (got.some((e) => e.hdr.type === OpCode.closeSession)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const summary = got.map((e) => `${javaOpName(e.hdr.type)} ${(e.txn as { path?: string } | null)?.path ?? ''}`.trim());
      expect(summary).toEqual([
        'createSession',
        'create /a',
        'create /a/b',
        'setData /a',
        'create /eph',
        'create /seq-0000000002',
        'delete /a/b',
        'setACL /a',
        'multi',
        'multi',
        'closeSession',
      ]);
      expect(got.map((e) => e.hdr.zxid)).toEqual(got.map((_, i) => BigInt(i + 1)));
      expect(got[0].txn).toBeInstanceOf(CreateSessionTxn);
      // the helper's maxSessionTimeout (20 ticks of 200 ms) caps the 10 s asked for
      expect((got[0].txn as CreateSessionTxn).timeOut).toBe(4000);
      expect((got[1].txn as CreateTxn).data?.toString()).toBe('hello');
      expect((got[2].txn as CreateTxn).data).toEqual(Buffer.from([0xff, 0x00]));
      expect(got[3].txn).toBeInstanceOf(SetDataTxn);
      expect((got[4].txn as CreateTxn).ephemeral).toBe(true);
      expect(got[6].txn).toBeInstanceOf(DeleteTxn);
      expect(got[7].txn).toBeInstanceOf(SetACLTxn);
      const multi = got[8].txn as MultiTxn;
      expect(multi.txns!.map((t) => t.type)).toEqual([OpCode.create, OpCode.setData, OpCode.delete]);
      // A failed multi logs the ops before the failing one with their own type (3.8 keeps
      // their txn bytes) and the failing one as an error.
      expect((got[9].txn as MultiTxn).txns!.map((t) => t.type)).toEqual([OpCode.create, OpCode.error]);
      expect((got[10].txn as CloseSessionTxn).paths2Delete).toEqual(['/eph']);
      // 3.8 appends a TxnDigest (version 2) to every txn by default.
      expect(got.every((e) => e.digest?.version === 2)).toBe(true);

      const files = readdirSync(dir).filter((n) => n.startsWith('log.'));
      expect(files).toEqual(['log.1']);
      const file = join(work, 'java-log.1');
      copyFileSync(join(dir, 'log.1'), file);
      const java = await javaDump(file);
      expect(java.code).toBe(0);
      expect(await ourDump(file)).toBe(java.stdout);
    } finally {
      client?.close();
      await zk?.stop();
    }
  });

  it("a log written here is read by Java's TxnLogToolkit without error, printing the same txns", async () => {
    const dir = join(work, 'zoolab-written');
    const log = await FileTxnLog.open({ dir, preAllocSize: 64 * 1024, forceSync: false });
    for (const e of [...entries(1, 12), ...entries(13, 20, { digest: false })]) log.append(e);
    await log.commit();
    await log.close();
    const file = join(dir, 'log.1');
    const java = await javaDump(file);
    expect(java.stderr).toBe('');
    expect(java.code).toBe(0);
    expect(java.stdout).toMatch(/^ZooKeeper Transactional Log File with dbid 0 txnlog format version 2\n/);
    expect(java.stdout).toMatch(/\nEOF reached after 20 txns\.\n$/);
    expect(java.stdout).not.toMatch(/CRC ERROR/);
    expect(await ourDump(file)).toBe(java.stdout);
  });

  it('the Java server restores its data tree from a log written here', async () => {
    const dataLogDir = join(work, 'restore');
    const dir = join(dataLogDir, 'version-2');
    mkdirSync(dir, { recursive: true });
    const session = 0x1000000abcd0000n;
    const t = BigInt(Date.now());
    let zxid = 0n;
    const hdr = (type: number, cxid: number) => new TxnHeader({ clientId: session, cxid, zxid: ++zxid, time: t, type });
    const open = [new ACL({ perms: 31, id: new Id({ scheme: 'world', id: 'anyone' }) })];
    const log = await FileTxnLog.open({ dir, forceSync: false });
    log.append({ hdr: hdr(OpCode.createSession, 0), txn: new CreateSessionTxn({ timeOut: 4000 }) });
    log.append({ hdr: hdr(OpCode.create, 1), txn: new CreateTxn({ path: '/fromzoolab', data: Buffer.from('v1'), acl: open, ephemeral: false, parentCVersion: 1 }) });
    log.rollLog();
    log.append({ hdr: hdr(OpCode.create, 2), txn: new CreateTxn({ path: '/fromzoolab/child', data: null, acl: open, ephemeral: false, parentCVersion: 1 }) });
    log.append({ hdr: hdr(OpCode.setData, 3), txn: new SetDataTxn({ path: '/fromzoolab', data: Buffer.from('v2'), version: 1 }) });
    log.append({ hdr: hdr(OpCode.closeSession, 4), txn: new CloseSessionTxn({ paths2Delete: [] }) });
    await log.commit();
    await log.close();
    expect(readdirSync(dir).sort()).toEqual(['log.1', 'log.3']);

    let zk: JavaZooKeeper | undefined;
    let client: Client | undefined;
    try {
      // With no snapshot, Java only replays a log when told to trust the empty snapshot.
      zk = await startJavaZooKeeper({ extraConfig: { dataLogDir, forceSync: 'no', 'snapshot.trust.empty': true } });
      client = await connect(`${zk.host}:${zk.port}`);
      const c = client;
      const [data, stat] = await new Promise<[Buffer, { version: number }]>((resolve, reject) =>
        c.getData('/fromzoolab', (err: Error | null, d: Buffer, s: { version: number }) => (err ? reject(err) : resolve([d, s]))),
      );
      expect(data.toString()).toBe('v2');
      expect(stat.version).toBe(1);
      const children = await call<string[]>((cb) => c.getChildren('/fromzoolab', cb));
      expect(children).toEqual(['child']);
    } finally {
      client?.close();
      await zk?.stop();
    }
  });
});
