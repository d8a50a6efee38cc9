import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../lib/core/logger';
import { FourLetterWords } from '../../lib/server/four-letter-words';
import type { StandaloneServer } from '../../lib/server';
import { startDefaultStandaloneServer } from '../../plugins/defaults';
import { fourLetterWord } from '../support/four-letter';
import { javaAnswer, keyValueKeys, mntrEntries, shape, shapeLines, valueForm } from './java-fixtures';

// node-zookeeper-client ships no types; this is the part used here.
type Callback = (err: Error | null, value?: unknown) => void;
interface Client {
  once(event: 'connected', fn: () => void): void;
  connect(): void;
  close(): void;
  create(path: string, data: Buffer, cb: Callback): void;
  create(path: string, data: Buffer, mode: number, cb: Callback): void;
  getData(path: string, watcher: () => void, cb: Callback): void;
  getChildren(path: string, watcher: () => void, cb: Callback): void;
  exists(path: string, watcher: () => void, cb: Callback): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const zookeeper = require('node-zookeeper-client') as {
  createClient(connect: string, opts: { sessionTimeout: number; retries: number }): Client;
  CreateMode: { EPHEMERAL: number };
};

function connectClient(port: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const c = zookeeper.createClient(`127.0.0.1:${port}`, { sessionTimeout: 10000, retries: 0 });
    const timer = setTimeout(() => reject(new Error('client did not connect')), 5000);
    c.once('connected', () => {
      clearTimeout(timer);
      resolve(c);
    });
    c.connect();
  });
}

const call = (f: (cb: Callback) => void): Promise<unknown> =>
  new Promise((resolve, reject) => f((err, v) => (err ? reject(err) : resolve(v))));

/** capture.py's workload: two sessions, /app with an ephemeral child, four watches. */
async function workload(a: Client, b: Client): Promise<void> {
  await call((cb) => a.create('/app', Buffer.from('x'), cb));
  await call((cb) => a.create('/app/eph', Buffer.alloc(0), zookeeper.CreateMode.EPHEMERAL, cb));
  await call((cb) => a.getData('/app', () => undefined, cb));
  await call((cb) => a.getChildren('/app', () => undefined, cb));
  await call((cb) => b.exists('/missing', () => undefined, cb));
  await call((cb) => b.getData('/app', () => undefined, cb));
}

describe('four-letter words on a running zoolab server, against Java 3.8\'s answers', () => {
  let dir: string;
  let server: StandaloneServer;
  let clients: Client[] = [];
  const ask = (word: string) => fourLetterWord('127.0.0.1', server.port, word);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'zoolab-4lw-'));
    server = await startDefaultStandaloneServer(
      { clientPort: 0, clientPortAddress: '127.0.0.1', dataDir: join(dir, 'data'), fourLetterWordWhitelist: ['*'] },
      { logger: silentLogger, fourLetterWords: new FourLetterWords({ whitelist: ['*'] }) },
    );
    clients = [await connectClient(server.port), await connectClient(server.port)];
    await workload(clients[0], clients[1]);
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ruok and isro', async () => {
    expect(await ask('ruok')).toBe(javaAnswer('ruok'));
    expect(await ask('isro')).toBe(javaAnswer('isro'));
  });

  it('srvr has the shape of Java\'s, with this workload\'s zxid and node count', async () => {
    const out = await ask('srvr');
    expect(shape(out)).toBe(shape(javaAnswer('srvr')));
    expect(out).toMatch(/\nZxid: 0x4\nMode: standalone\nNode count: 7\n$/);
    expect(out).toMatch(/^Zookeeper version: 3\.8\.0-zoolab-/);
  });

  it('stat and cons list the two sessions and the asking connection', async () => {
    expect(shapeLines(await ask('stat'))).toEqual(shapeLines(javaAnswer('stat')));
    expect(shapeLines(await ask('cons'))).toEqual(shapeLines(javaAnswer('cons')));
  });

  it('conf, dirs and envi have Java\'s keys', async () => {
    const conf = await ask('conf');
    expect(keyValueKeys(conf)).toEqual(keyValueKeys(javaAnswer('conf')));
    expect(conf).toContain(`dataDir=${join(dir, 'data', 'version-2')}\n`);
    expect(conf).toContain(`clientPort=${server.port}\n`);
    expect(shape(await ask('dirs'))).toBe(shape(javaAnswer('dirs')));
    expect(keyValueKeys(await ask('envi'))).toEqual(keyValueKeys(javaAnswer('envi')));
  });

  it('wchs, wchc and wchp report the same watches as Java', async () => {
    expect(await ask('wchs')).toBe(javaAnswer('wchs'));
    expect(shapeLines(await ask('wchc'))).toEqual(shapeLines(javaAnswer('wchc')));
    expect(shapeLines(await ask('wchp'))).toEqual(shapeLines(javaAnswer('wchp')));
  });

  it('dump lists the sessions, the ephemeral and the connections', async () => {
    const out = await ask('dump');
    expect(out).toMatch(/^SessionTracker dump:\nSession Sets \(\d+\)\/\(2\):\n/);
    expect(out).toContain('ephemeral nodes dump:\nSessions with Ephemerals (1):\n');
    expect(out).toContain(':\n\t/app/eph\nConnections dump:\n');
  });

  it('mntr has every key of Java\'s standalone mntr with the same value forms', async () => {
    const ours = mntrEntries(await ask('mntr'));
    // Java also prints per-namespace metrics (zk_*_app_*_per_namespace) for the /app reads
    // and writes; zoolab does not keep those yet.
    const java = mntrEntries(javaAnswer('mntr')).filter(([k]) => !k.endsWith('_per_namespace'));
    expect(ours.map(([k, v]) => [k, valueForm(v)])).toEqual(java.map(([k, v]) => [k, valueForm(v)]));
    const m = new Map(ours);
    for (const k of ['zk_znode_count', 'zk_ephemerals_count', 'zk_global_sessions', 'zk_watch_count', 'zk_num_alive_connections']) {
      expect([k, m.get(k)]).toEqual([k, new Map(mntrEntries(javaAnswer('mntr'))).get(k)]);
    }
  });

  it('mntr reports what the server measured: latency percentiles, commits, fsync and snapshot times, the restore', async () => {
    const m = new Map(mntrEntries(await ask('mntr')));
    const n = (k: string) => Number(m.get(`zk_${k}`));
    // Java's answer to the same workload: 8 requests into the sync stage, 4 group commits.
    expect(n('sync_processor_request_queued')).toBeGreaterThanOrEqual(8);
    expect(n('cnt_sync_processor_batch_size')).toBeGreaterThanOrEqual(4);
    expect(n('cnt_fsynctime')).toBe(n('cnt_sync_processor_batch_size'));
    expect(n('cnt_snapshottime')).toBeGreaterThanOrEqual(1);
    expect(n('cnt_startup_snap_load_time')).toBe(1);
    expect(n('cnt_startup_txns_loaded')).toBe(Number(new Map(mntrEntries(javaAnswer('mntr'))).get('zk_cnt_startup_txns_loaded')));
    expect(n('cnt_updatelatency')).toBeGreaterThanOrEqual(4);
    expect(n('p50_updatelatency')).toBeLessThanOrEqual(n('p99_updatelatency'));
    expect(n('p99_updatelatency')).toBeLessThanOrEqual(n('max_updatelatency'));
  });

  it('crst and srst reset the stats', async () => {
    expect(await ask('crst')).toBe(javaAnswer('crst'));
    expect(shapeLines(await ask('cons'))).toEqual(shapeLines(javaAnswer('cons-after-crst')));
    expect(await ask('srst')).toBe(javaAnswer('srst'));
  });
});
