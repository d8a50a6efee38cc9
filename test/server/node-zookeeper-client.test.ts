import { promisify } from 'node:util';
import type { StandaloneServer } from '../../lib/server';
import { TestWorld, eventually } from './helpers/server';
// node-zookeeper-client ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const zookeeper = require('node-zookeeper-client');

const world = new TestWorld();
afterEach(() => world.stopAll());

interface Transaction {
  create(p: string, d: Buffer): Transaction;
  commit(cb: (e: unknown, r: unknown) => void): void;
}

interface Zk {
  create(path: string, data: Buffer | null, mode: number): Promise<string>;
  getData(path: string, watcher?: (e: unknown) => void): Promise<[Buffer, { version: number }]>;
  setData(path: string, data: Buffer, version: number): Promise<{ version: number }>;
  remove(path: string, version: number): Promise<void>;
  getChildren(path: string, watcher?: (e: unknown) => void): Promise<string[]>;
  exists(path: string): Promise<unknown>;
  transaction(): Transaction;
  sessionId: Buffer;
  close(): Promise<void>;
  raw: { on(ev: string, cb: (...a: unknown[]) => void): void; getState(): { name: string } };
}

async function connectClient(s: StandaloneServer, sessionTimeout = 4000): Promise<Zk> {
  const c = zookeeper.createClient(`${s.host}:${s.port}`, { sessionTimeout, retries: 0 });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2000);
      c.once('disconnected', () => {
        clearTimeout(timer);
        resolve();
      });
      c.close();
    });
  };
  world.onCleanup(close);
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('node-zookeeper-client did not connect')), 5000);
    c.once('connected', () => {
      clearTimeout(t);
      resolve();
    });
    c.connect();
  });
  const cb = <T>(f: (...a: any[]) => void) =>
    (...args: any[]) =>
      new Promise<T>((resolve, reject) =>
        f.call(c, ...args, (err: unknown, ...rest: unknown[]) => (err ? reject(err) : resolve((rest.length > 1 ? rest : rest[0]) as T))),
      );
  return {
    create: (p, d, mode) => cb<string>(c.create)(p, d, mode),
    getData: (p, w) => (w ? cb<[Buffer, { version: number }]>(c.getData)(p, w) : cb<[Buffer, { version: number }]>(c.getData)(p)),
    setData: (p, d, v) => cb<{ version: number }>(c.setData)(p, d, v),
    remove: (p, v) => cb<void>(c.remove)(p, v),
    getChildren: async (p, w) => (await (w ? cb<[string[]]>(c.getChildren)(p, w) : cb<[string[]]>(c.getChildren)(p)))[0],
    exists: (p) => cb<unknown>(c.exists)(p),
    transaction: () => c.transaction(),
    get sessionId() {
      return c.getSessionId();
    },
    close,
    raw: c,
  };
}

const M = zookeeper.CreateMode;

describe('node-zookeeper-client against a standalone server', () => {
  it('creates, reads, updates, lists and deletes znodes', async () => {
    const s = await world.server();
    const zk = await connectClient(s);
    expect(await zk.create('/app', Buffer.from('v1'), M.PERSISTENT)).toBe('/app');
    const [data, stat] = await zk.getData('/app');
    expect(data.toString()).toBe('v1');
    expect(stat.version).toBe(0);
    expect((await zk.setData('/app', Buffer.from('v2'), 0)).version).toBe(1);
    await expect(zk.setData('/app', Buffer.from('v3'), 0)).rejects.toMatchObject({ code: -103 }); // BadVersion
    const seq = await zk.create('/app/item-', null, M.PERSISTENT_SEQUENTIAL);
    expect(seq).toBe('/app/item-0000000000');
    await zk.create('/app/b', null, M.PERSISTENT);
    expect((await zk.getChildren('/app')).sort()).toEqual(['b', 'item-0000000000']);
    await expect(zk.remove('/app', -1)).rejects.toMatchObject({ code: -111 }); // NotEmpty
    await zk.remove('/app/b', -1);
    await zk.remove(seq, -1);
    await zk.remove('/app', -1);
    expect(await zk.exists('/app')).toBeFalsy();
    await expect(zk.getData('/missing')).rejects.toMatchObject({ code: -101 }); // NoNode
  });

  it('fires data and child watches once', async () => {
    const s = await world.server();
    const a = await connectClient(s);
    const b = await connectClient(s);
    await a.create('/w', Buffer.from('0'), M.PERSISTENT);
    const events: string[] = [];
    await a.getData('/w', (e: any) => events.push(`data ${e.getName()} ${e.getPath()}`));
    await a.getChildren('/w', (e: any) => events.push(`child ${e.getName()} ${e.getPath()}`));
    await b.setData('/w', Buffer.from('1'), -1);
    await b.create('/w/c', null, M.PERSISTENT);
    await b.setData('/w', Buffer.from('2'), -1); // the data watch already fired
    await eventually(() => events.length >= 2, 3000, 'both watches to fire');
    expect(events.sort()).toEqual(['child NODE_CHILDREN_CHANGED /w', 'data NODE_DATA_CHANGED /w']);
  });

  it("removes a session's ephemerals when it closes, and tells watchers", async () => {
    const s = await world.server();
    const owner = await connectClient(s);
    const observer = await connectClient(s);
    await owner.create('/lock', Buffer.from('me'), M.EPHEMERAL);
    const seen: string[] = [];
    await observer.getData('/lock', (e: any) => seen.push(e.getName()));
    await owner.close();
    await eventually(() => seen.includes('NODE_DELETED'), 3000, 'the ephemeral to go');
    expect(await observer.exists('/lock')).toBeFalsy();
  });

  it('runs a multi (transaction) atomically', async () => {
    const s = await world.server();
    const zk = await connectClient(s);
    const commit = (t: Transaction) => new Promise<{ err: unknown }>((resolve) => t.commit((err) => resolve({ err })));
    const ok = await commit(zk.transaction().create('/t1', Buffer.from('a')).create('/t2', Buffer.from('b')));
    expect(ok.err).toBeFalsy();
    const bad = await commit(zk.transaction().create('/t3', Buffer.from('c')).create('/t1', Buffer.from('dup')));
    expect(bad.err).toBeTruthy();
    expect(await zk.exists('/t3')).toBeFalsy(); // nothing of a failed multi is applied
  });
});
