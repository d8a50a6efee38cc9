import { ZooKeeper, CreateMode } from '../lib';
import { startDefaultStandaloneServer } from '../plugins/defaults';
import { startInProcessEnsemble } from '../plugins/ensemble';

// The README's library example, kept compiling and running.
test('the README library example runs', async () => {
  const server = await startDefaultStandaloneServer({ clientPort: 0 });
  const zk = await ZooKeeper.connect(`127.0.0.1:${server.port}`, { sessionTimeout: 10000 });
  try {
    await zk.create('/app', Buffer.from('hi'), { mode: CreateMode.PERSISTENT });
    const { data, watch } = await zk.getData('/app', { watch: true });
    expect(data?.toString()).toBe('hi');
    const event = new Promise((resolve) => watch.subscribe(resolve));
    await zk.setData('/app', Buffer.from('ho'));
    expect(await event).toMatchObject({ path: '/app' });
  } finally {
    await zk.close();
    await server.close();
  }
  const sim = await startInProcessEnsemble({ nodes: 5, transport: 'memory', seed: 42, faults: { drop: 0.1 } });
  await sim.close();
});
