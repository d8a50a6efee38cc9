import { ZooKeeper } from '../../lib/client';
import type { PeerTransport } from '../../lib/transport/peer-transport';
import { startInProcessEnsemble, type StartedEnsemble } from '../../plugins/ensemble';
import { tcpPeerTransport } from '../../plugins/transport-tcp';
import { udpPeerTransport } from '../../plugins/transport-udp';
import { until } from './support/process-ensemble';

let started: StartedEnsemble | null = null;
afterEach(async () => {
  await started?.close();
  started = null;
});

/** Retries what a real application retries: a request caught by a server going away. */
async function retry<T>(op: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await op();
    } catch (e) {
      if (i > 40 || (e as Error).name !== 'ConnectionLossError') throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** The peer transports in one process, on loopback sockets and the wall clock. */
describe.each<[string, () => PeerTransport]>([
  ['TCP', () => tcpPeerTransport()],
  ['UDP elections + TCP learners', () => udpPeerTransport()],
])('an in-process ensemble over the %s peer transport', (_name, transport) => {
  it('elects, serves, and fails over when the leader stops', async () => {
    started = await startInProcessEnsemble({ nodes: 3, transport: 'tcp', peerTransport: transport(), config: { tickTime: 100, maxSessionTimeout: 20_000 } });
    const e = started.ensemble;
    await until(() => e.isServing(), 20_000, 'serving');
    const zk = await ZooKeeper.connect(e.connectString(), { sessionTimeout: 10_000 });
    try {
      await zk.create('/peer', Buffer.from('yes'));
      const leader = e.leaders()[0];
      await e.stopNode(leader.myId);
      await until(() => e.isServing(), 20_000, 'serving again');
      expect(e.leaders()[0].myId).not.toBe(leader.myId);
      expect((await retry(() => zk.getData('/peer'))).data?.toString()).toBe('yes');
      await retry(() => zk.setData('/peer', Buffer.from('still')));
      await e.startNode(leader.myId);
      await until(() => e.isServing() && e.nodes.size === 3, 20_000, 'all three serving');
    } finally {
      await zk.close();
    }
  }, 60_000);
});
