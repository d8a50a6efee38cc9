import { ZooKeeper } from '../../lib/client';
import { ensureBuilt, ProcessEnsemble, seeded, sleep } from './support/process-ensemble';

jest.setTimeout(120_000);

const SEED = Number(process.env.ZOOLAB_SEED ?? 20240611);
const WRITERS = 4;
const ROUNDS = 5;

const transient = (e: unknown) => ['ConnectionLossError', 'OperationTimeoutError', 'SessionMovedError'].includes((e as Error).name);

/**
 * One writer: creates /load/w<k>-<i> one after another, through whichever server its
 * client reaches. A create is acknowledged when it returns; one whose answer was lost
 * is tried again under the same name until it is known to have happened (NodeExists
 * then proves it did), so every name it records was committed by the ensemble.
 */
async function writer(k: number, connectString: string, stop: () => boolean, acked: string[]): Promise<void> {
  let zk: ZooKeeper | null = null;
  for (let i = 0; !stop(); i++) {
    const path = `/load/w${k}-${i}`;
    for (;;) {
      if (stop()) return void (await zk?.close().catch(() => undefined));
      try {
        zk ??= await ZooKeeper.connect(connectString, { sessionTimeout: 4000, connectTimeoutMs: 10_000 });
        await zk.create(path, Buffer.from(`${k}:${i}`));
        acked.push(path);
        break;
      } catch (e) {
        if ((e as Error).name === 'NodeExistsError') {
          acked.push(path);
          break;
        }
        if ((e as Error).name === 'SessionExpiredError') {
          await zk?.close().catch(() => undefined);
          zk = null;
        } else if (!transient(e)) throw e;
        await sleep(50);
      }
    }
  }
  await zk?.close().catch(() => undefined);
}

describe('acknowledged writes under SIGKILLs of random servers (seeded)', () => {
  let e: ProcessEnsemble;

  beforeAll(async () => {
    ensureBuilt();
    e = await ProcessEnsemble.create({ nodes: 3, tickTime: 200 });
    e.startAll();
    await e.waitForLeader();
  });
  afterAll(async () => {
    await e?.close();
  });

  it(`loses no acknowledged write while one server at a time is SIGKILLed and restarted (seed ${SEED})`, async () => {
    const rnd = seeded(SEED);
    const setup = await ZooKeeper.connect(e.connectString(), { sessionTimeout: 4000 });
    await setup.create('/load');
    await setup.close();

    const acked: string[][] = Array.from({ length: WRITERS }, () => []);
    let stopping = false;
    const writers = acked.map((list, k) => writer(k, e.connectString(), () => stopping, list));
    const killed: string[] = [];
    try {
      for (let round = 0; round < ROUNDS; round++) {
        await sleep(400 + Math.floor(rnd() * 1000));
        const victim = e.ids[Math.floor(rnd() * e.ids.length)];
        const wasLeading = (await e.mode(victim)) === 'leader';
        killed.push(`server.${victim}${wasLeading ? ' (leader)' : ''}`);
        await e.kill(victim, 'SIGKILL');
        await sleep(200 + Math.floor(rnd() * 800));
        e.start(victim);
        // One server down at a time: wait for the ensemble to be whole again.
        await e.waitForLeader(30_000);
      }
      await sleep(500);
    } finally {
      stopping = true;
      await Promise.all(writers);
    }

    const all = acked.flat();
    if (process.env.ZOOLAB_VERBOSE) console.log(`${all.length} acknowledged creates; killed ${killed.join(", ")}`);
    // The load was real: writes went on between and around the kills.
    expect(all.length).toBeGreaterThan(100);
    await e.waitForLeader();
    const expected = new Set(all);
    const seen: string[][] = [];
    for (const id of e.ids) {
      const zk = await ZooKeeper.connect(e.connectString([id]), { sessionTimeout: 4000, connectTimeoutMs: 20_000 });
      try {
        await zk.sync('/load');
        const children = new Set((await zk.getChildren('/load')).map((c) => `/load/${c}`));
        const missing = [...expected].filter((p) => !children.has(p));
        expect({ server: id, kills: killed, missing: missing.slice(0, 10) }).toEqual({ server: id, kills: killed, missing: [] });
        seen.push([...children].sort());
        // The data is what each writer wrote, not just the names.
        const sample = all.filter((_, i) => i % 7 === 0);
        const datas = await Promise.all(sample.map((p) => zk.getData(p)));
        datas.forEach((d, i) => expect(d.data?.toString()).toBe(sample[i].slice('/load/w'.length).replace('-', ':')));
      } finally {
        await zk.close();
      }
    }
    // Every server holds the same children (writes not acknowledged may be there too, on all).
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[2]).toEqual(seen[0]);
  });
});
