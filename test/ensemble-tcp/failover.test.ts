import { ZooKeeper } from '../../lib/client';
import { ensureBuilt, ProcessEnsemble, until } from './support/process-ensemble';

jest.setTimeout(90_000);

/** A request caught by its server going away is retried, as an application would. */
async function retry<T>(op: () => Promise<T>, tries = 60): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await op();
    } catch (e) {
      const name = (e as Error).name;
      if (i >= tries || (name !== 'ConnectionLossError' && name !== 'OperationTimeoutError')) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/**
 * Three `zoolab server zoo.cfg` processes over the TCP peer transport: one suite, one
 * ensemble, the steps in order (each leaves the ensemble serving for the next).
 */
describe('a three-process ensemble over TCP', () => {
  let e: ProcessEnsemble;
  const clients: ZooKeeper[] = [];
  const connect = async (ids?: number[]) => {
    const zk = await ZooKeeper.connect(e.connectString(ids), { sessionTimeout: 4000, connectTimeoutMs: 20_000 });
    clients.push(zk);
    return zk;
  };
  const readOn = async (id: number, path: string) => {
    const zk = await connect([id]);
    await retry(() => zk.sync(path));
    const r = (await retry(() => zk.getData(path))) as { data: Buffer | null };
    await zk.close();
    return r.data?.toString();
  };

  beforeAll(async () => {
    ensureBuilt();
    e = await ProcessEnsemble.create({ nodes: 3, tickTime: 200 });
    e.startAll();
  });
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await e?.close();
  });

  it('elects one leader, and the others follow it', async () => {
    const leader = await e.waitForLeader();
    expect(e.ids).toContain(leader);
    const modes = await Promise.all(e.ids.map((id) => e.mode(id)));
    expect(modes.filter((m) => m === 'leader')).toHaveLength(1);
    expect(modes.filter((m) => m === 'follower')).toHaveLength(2);
  });

  it('takes writes through every server and serves them from every server', async () => {
    for (const id of e.ids) {
      const zk = await connect([id]);
      await zk.create(`/via-${id}`, Buffer.from(`written through server.${id}`));
      await zk.close();
    }
    for (const reader of e.ids) {
      for (const writer of e.ids) expect(await readOn(reader, `/via-${writer}`)).toBe(`written through server.${writer}`);
    }
  });

  it('elects a new leader when the leader is SIGKILLed, and writes go on; the old leader rejoins and catches up', async () => {
    const old = await e.waitForLeader();
    const zk = await connect(e.ids.filter((id) => id !== old));
    await e.kill(old, 'SIGKILL');
    const next = await e.waitForLeader();
    expect(next).not.toBe(old);
    for (let i = 0; i < 20; i++) await retry(() => zk.create(`/after-kill-${i}`, Buffer.from(String(i))));
    e.start(old);
    await until(async () => (await e.mode(old)) === 'follower', 30_000, `server.${old} following again`, e.diagnostics);
    expect(await e.waitForLeader()).toBe(next);
    expect(await readOn(old, '/after-kill-19')).toBe('19');
    expect(await readOn(old, '/via-1')).toBe('written through server.1');
  });

  it('lets a SIGKILLed follower rejoin and catch up on what it missed', async () => {
    const leader = await e.waitForLeader();
    const follower = e.ids.find((id) => id !== leader)!;
    const zk = await connect([leader]);
    await e.kill(follower, 'SIGKILL');
    for (let i = 0; i < 50; i++) await zk.create(`/missed-${i}`, Buffer.from(String(i)));
    await zk.setData('/via-1', Buffer.from('changed while down'));
    e.start(follower);
    await until(async () => (await e.mode(follower)) === 'follower', 30_000, `server.${follower} following again`, e.diagnostics);
    expect(await readOn(follower, '/missed-49')).toBe('49');
    expect(await readOn(follower, '/via-1')).toBe('changed while down');
    const direct = await connect([follower]);
    const children = (await direct.getChildren('/')) as string[];
    expect(children.filter((c) => c.startsWith('missed-'))).toHaveLength(50);
  });
});

describe('a three-process ensemble with UDP elections', () => {
  let e: ProcessEnsemble;
  beforeAll(async () => {
    ensureBuilt();
    e = await ProcessEnsemble.create({ nodes: 3, tickTime: 200, transport: 'udp' });
    e.startAll();
  });
  afterAll(async () => {
    await e?.close();
  });

  it('elects again when the leader is SIGKILLed, and the restarted server follows the new leader', async () => {
    const old = await e.waitForLeader();
    await e.kill(old, 'SIGKILL');
    const next = await e.waitForLeader();
    expect(next).not.toBe(old);
    const zk = await ZooKeeper.connect(e.connectString([next]), { sessionTimeout: 4000 });
    await zk.create('/udp-after-kill', Buffer.from('x'));
    await zk.close();
    // A new incarnation of the old leader: the others resend their last votes to it.
    e.start(old);
    await until(async () => (await e.mode(old)) === 'follower', 30_000, `server.${old} following`, e.diagnostics);
    expect(await e.waitForLeader()).toBe(next);
  });
});
