import { ZooKeeper } from '../../lib/client';
import { startInProcessEnsemble, type StartedEnsemble } from '../../plugins/ensemble';
import { udpPeerTransport } from '../../plugins/transport-udp';

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
it('in-process over real TCP peer transport', async () => {
  const t0 = Date.now();
  started = await startInProcessEnsemble({ nodes: 3, transport: 'tcp', peerTransport: process.env.UDP ? udpPeerTransport() : undefined, config: { tickTime: 100 } });
  const e = started.ensemble;
  await until(() => e.isServing(), 20_000, 'serving');
  console.log('serving after', Date.now() - t0);
  const zk = await ZooKeeper.connect(e.connectString(), { sessionTimeout: 4000 });
  await zk.create('/tcp', Buffer.from('yes'));
  const leader = e.leaders()[0];
  const t1 = Date.now();
  await e.stopNode(leader.myId);
  await until(() => e.isServing(), 20_000, 'serving again');
  console.log('failover', Date.now() - t1);
  await zk.close();
}, 60_000);
