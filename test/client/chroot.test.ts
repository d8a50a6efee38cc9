import { toArray, firstValueFrom } from 'rxjs';
import {
  AddWatchMode,
  BadArgumentsError,
  CreateMode,
  CreateResult,
  EventType,
  InvalidConnectStringError,
  Op,
  ZooKeeper,
  type WatchedEvent,
} from '../../lib/client';
import { targets, useServer } from '../support/targets';
import { Clients, nextEvents, record, sleep, uniquePath, until } from './support/helpers';

describe.each(targets)('client with a chroot against $name', (target) => {
  const server = useServer(target);
  const clients = new Clients();
  let root: ZooKeeper;
  let zk: ZooKeeper;
  let chroot: string;

  beforeAll(async () => {
    root = await clients.connect(server().connectString);
    chroot = uniquePath('chroot');
    await root.create(chroot);
    zk = await clients.connect(`${server().connectString}${chroot}`);
  });
  afterAll(() => clients.closeAll());

  it('prefixes every path with the chroot and strips it from what comes back', async () => {
    expect(zk.chrootPath).toBe(chroot);
    expect(await zk.create('/a', 'x')).toBe('/a');
    expect(await zk.create('/a/s-', null, { mode: CreateMode.PERSISTENT_SEQUENTIAL })).toBe('/a/s-0000000000');
    expect((await zk.create2('/b')).path).toBe('/b');
    expect((await zk.createContainer('/c')).path).toBe('/c');
    expect((await root.getData(`${chroot}/a`)).data!.toString()).toBe('x');
    expect((await zk.getChildren('/')).sort()).toEqual(['a', 'b', 'c']);
    expect((await zk.getData('/')).stat.numChildren).toBe(3);
    expect(await zk.exists('/a/s-0000000000')).not.toBeNull();
    await zk.setData('/a', 'y');
    await zk.sync('/a');
    expect(await zk.getAllChildrenNumber('/a')).toBe(1);
    await zk.delete('/b');
    expect(await root.exists(`${chroot}/b`)).toBeNull();
  });

  it('refuses to delete "/" even under a chroot, as Java does', async () => {
    await expect(zk.delete('/')).rejects.toBeInstanceOf(BadArgumentsError);
  });

  it('reports ephemerals and multi results as client paths', async () => {
    const e = await zk.create('/eph-', null, { mode: CreateMode.EPHEMERAL_SEQUENTIAL });
    expect(e).toMatch(/^\/eph-\d{10}$/);
    expect(await zk.getEphemerals('/')).toEqual([e]);
    const r = await zk.multi([Op.create('/m1'), Op.create('/m1/s-', null, { mode: CreateMode.PERSISTENT_SEQUENTIAL })]);
    expect(r).toEqual([new CreateResult('/m1'), new CreateResult('/m1/s-0000000000')]);
    expect(await root.exists(`${chroot}/m1/s-0000000000`)).not.toBeNull();
  });

  it('delivers watch events with client paths, for the chroot itself as "/"', async () => {
    await zk.create('/w', 'v');
    const data = await zk.getData('/w', { watch: true });
    const top = await zk.getChildren('/', { watch: true });
    await root.setData(`${chroot}/w`, 'v2');
    await root.create(`${chroot}/w2`);
    expect((await nextEvents(data.watch))[0].path).toBe('/w');
    const topEvent = await nextEvents(top.watch);
    expect([topEvent[0].type, topEvent[0].path]).toEqual([EventType.NodeChildrenChanged, '/']);
    const rec = await zk.addWatch('/', AddWatchMode.PERSISTENT_RECURSIVE);
    const seen = record(rec);
    await root.create(`${chroot}/w3`);
    await root.setData(chroot, 'root-data');
    await until(() => seen.events.length >= 2, 10000, 'recursive events');
    expect(seen.events.map((e: WatchedEvent) => [e.type, e.path])).toEqual([
      [EventType.NodeCreated, '/w3'],
      [EventType.NodeDataChanged, '/'],
    ]);
  });

  it('re-registers chrooted watches with their server paths after a reconnect', async () => {
    await zk.create('/rw', 'a');
    const { watch } = await zk.getData('/rw', { watch: true });
    zk.dropConnectionForTesting();
    await zk.waitForConnected();
    await sleep(100);
    await root.setData(`${chroot}/rw`, 'b');
    const events = await firstValueFrom(watch.pipe(toArray()));
    expect(events.filter((e) => e.type !== EventType.None).map((e) => [e.type, e.path])).toEqual([[EventType.NodeDataChanged, '/rw']]);
  });

  it('rejects a connect string with an invalid chroot', () => {
    expect(() => new ZooKeeper('127.0.0.1:1/a//b')).toThrow(InvalidConnectStringError);
  });
});
