import { ZooKeeper } from '../../lib/client';
import { startInProcessEnsemble, type StartedEnsemble } from '../../plugins/ensemble';
import { systemClock } from '../../lib/core/clock';
import { SeededRandom } from '../../lib/core/random';
import { MemoryNetwork } from '../../plugins/transport-memory';

let started: StartedEnsemble | null = null;
afterEach(async () => {
  await started?.close();
  started = null;
});

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`${what} did not happen within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Retries what a real application retries: a request caught by a server going away. */
async function retry<T>(op: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await op();
    } catch (e) {
      if (i > 20 || (e as Error).name !== 'ConnectionLossError') throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('startInProcessEnsemble on the wall clock', () => {
  it('three servers with TCP client ports elect, serve and fail over in real time', async () => {
    // The peer channels are the memory network on the wall clock (the TCP peer transport is
    // plugins/transport-tcp's); clients use real sockets.
    const peers = new MemoryNetwork(systemClock, new SeededRandom(9), { latency: [0, 2] }).peerTransport;
    started = await startInProcessEnsemble({ nodes: 3, transport: 'tcp', peerTransport: peers, config: { tickTime: 100, maxSessionTimeout: 20_000 } });
    const e = started.ensemble;
    await until(() => e.isServing(), 20_000, 'serving');
    const zk = await ZooKeeper.connect(e.connectString(), { sessionTimeout: 10_000 });
    try {
      await zk.create('/tcp', Buffer.from('yes'));
      const leader = e.leaders()[0];
      await e.stopNode(leader.myId);
      await until(() => e.isServing(), 20_000, 'serving again');
      expect((await retry(() => zk.getData('/tcp'))).data?.toString()).toBe('yes');
      await retry(() => zk.setData('/tcp', Buffer.from('still')));
    } finally {
      await zk.close();
    }
  }, 60_000);

  it('three servers over the TCP peer transport elect, serve and fail over', async () => {
    started = await startInProcessEnsemble({ nodes: 3, transport: 'tcp', config: { tickTime: 100, maxSessionTimeout: 20_000 } });
    const e = started.ensemble;
    await until(() => e.isServing(), 30_000, 'serving');
    const zk = await ZooKeeper.connect(e.connectString(), { sessionTimeout: 10_000 });
    try {
      await zk.create('/tcp', Buffer.from('yes'));
      await e.stopNode(e.leaders()[0].myId);
      await until(() => e.isServing(), 30_000, 'serving again');
      expect((await retry(() => zk.getData('/tcp'))).data?.toString()).toBe('yes');
      await retry(() => zk.setData('/tcp', Buffer.from('still')));
    } finally {
      await zk.close();
    }
  }, 90_000);
});
