import { createLogger } from '../../lib/core/logger';
import { CreateMode, EventType, KeeperState, States, type WatchedEvent } from '../../lib/client';
import { targets } from '../support/targets';
import { Clients, record, sleep, stateBecomes, uniquePath, until } from './support/helpers';
import { MAX_SESSION_TIMEOUT, startRestartable, type RestartableServer } from './support/restartable-server';

describe.each(targets)('client across a restart of $name', (target) => {
  const clients = new Clients();
  let server: RestartableServer;

  beforeAll(async () => {
    server = await startRestartable(target.name);
  }, 60000);
  afterAll(async () => {
    await clients.closeAll();
    await server?.dispose();
  }, 30000);

  it('keeps its session, ephemerals and watches when the server restarts within the session timeout', async () => {
    const clientLog: string[] = [];
    const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void clientLog.push(`${Date.now()} ${line.trim()}`) } });
    const zk = await clients.connect(server.connectString, { sessionTimeout: MAX_SESSION_TIMEOUT, logger });
    const id = zk.sessionId;
    const p = uniquePath('restart');
    await zk.create(p, 'before');
    await zk.create(`${p}/eph`, null, { mode: CreateMode.EPHEMERAL });
    const { watch } = await zk.getData(p, { watch: true });
    const events = record(watch);
    await server.kill();
    await stateBecomes(zk, States.CONNECTING);
    await sleep(500);
    const startedAt = Date.now();
    await server.start();
    const startMs = Date.now() - startedAt;
    await stateBecomes(zk, States.CONNECTED, 30000).catch((e: Error) => {
      // Both sides' logs: a failure under a loaded CI run cannot be replayed, and these are
      // what found the Java server's startup window (see restartable-server.ts).
      const serverLines = server.log().split('\n').filter((l) => /session|expir|refus|bind|address|error|warn/i.test(l)).slice(-60);
      throw new Error(
        `${e.message}; the server took ${startMs} ms to start again (started at ${startedAt})\n` +
          `client log:\n${clientLog.slice(-40).join('\n')}\nserver log:\n${serverLines.join('\n')}`,
      );
    });
    expect(zk.sessionId).toBe(id);
    expect(await zk.exists(`${p}/eph`)).not.toBeNull();
    const writer = await clients.connect(server.connectString);
    await writer.setData(p, 'after');
    await until(() => events.events.some((e: WatchedEvent) => e.type === EventType.NodeDataChanged), 10000, 'the data event');
    expect(events.events.filter((e) => e.type !== EventType.None).map((e) => [e.type, e.state, e.path])).toEqual([
      [EventType.NodeDataChanged, KeeperState.SyncConnected, p],
    ]);
  }, 90000);
});
