import { KeeperState, NotReadOnlyError, States, type WatchedEvent } from '../../lib/client';
import { fourLetterWord } from '../support/four-letter';
import { javaZooKeeperMissing } from '../support/java-zookeeper';
import { Clients, record, sleep, stateBecomes, uniquePath, until } from './support/helpers';
import { startJavaEnsemble, type JavaEnsemble } from './support/java-ensemble';

/**
 * Read-only mode against real Apache ZooKeeper 3.8 servers (zoolab has no ensemble yet):
 * with two of three members down, the survivor serves canBeReadOnly clients read-only;
 * when the quorum is back, the client finds a read-write server by "isro" and moves there.
 */
const maybe = javaZooKeeperMissing() ? describe.skip : describe;

maybe('client read-only mode against a Java ensemble', () => {
  const clients = new Clients();
  let ensemble: JavaEnsemble;

  beforeAll(async () => {
    ensemble = await startJavaEnsemble();
  }, 60000);
  afterAll(async () => {
    await clients.closeAll();
    await ensemble?.dispose();
  }, 30000);

  it('serves reads read-only without a quorum, refuses writes, and returns to read-write', async () => {
    const [a] = ensemble.clientAddresses;
    // Write through member 0, the one left running: it answers only after applying the
    // commit itself, so the node is there when it turns read-only (through another member
    // the commit could still be on its way to member 0 when the other two stop).
    const writer = await clients.connect(a, { sessionTimeout: 6000 });
    const p = uniquePath('ro');
    await writer.create(p, 'before');
    await writer.close();

    await ensemble.stop(1);
    await ensemble.stop(2);
    // Until member 0 has noticed it lost the quorum it still serves read-write: a client
    // connecting then gets a read-write session, which a read-only server cannot revive
    // after member 0 drops its clients (seen once on a loaded machine: CONNECTED, then
    // CLOSED). So wait for member 0 to say "ro" first.
    const [host, port] = a.split(':');
    const deadline = Date.now() + 40000;
    while ((await fourLetterWord(host, Number(port), 'isro').catch(() => '')) !== 'ro') {
      if (Date.now() > deadline) throw new Error('member 0 did not turn read-only within 40 s');
      await sleep(100);
    }
    const zk = clients.create(a, { canBeReadOnly: true, sessionTimeout: 6000, reconnectDelayMs: 100, spinDelayMs: 200 });
    const events = record(zk.events$);
    await stateBecomes(zk, States.CONNECTEDREADONLY, 40000);
    expect((await zk.getData(p)).data!.toString()).toBe('before');
    await expect(zk.setData(p, 'x')).rejects.toBeInstanceOf(NotReadOnlyError);
    expect(events.events.map((e: WatchedEvent) => e.state)).toContain(KeeperState.ConnectedReadOnly);

    // Quorum back: member 0 leaves read-only mode and joins the ensemble; the client,
    // probing with "isro", moves to read-write (a new session: none existed read-write).
    await ensemble.start(1);
    await stateBecomes(zk, States.CONNECTED, 60000);
    await until(() => events.events.some((e) => e.state === KeeperState.SyncConnected), 5000, 'SyncConnected');
    await zk.setData(p, 'after');
    expect((await zk.getData(p)).data!.toString()).toBe('after');
  }, 150000);
});
