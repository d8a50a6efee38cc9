import { CreateMode, NodeExistsError, SessionExpiredError, States } from '../../lib/client';
import { Barrier, DistributedQueue, DoubleBarrier } from '../../lib/client/recipes';
import { targets } from '../support/targets';
import { useRecipeHarness } from './recipes-support/harness';
import { sleep, stateBecomes, uniquePath } from './support/helpers';

/** How barriers and the queue behave when the connection or the session goes. */
describe.each(targets)('barrier and queue recipes and the session against $name', (target) => {
  const h = useRecipeHarness(target);

  it('a barrier waiter keeps waiting across a dropped connection and passes when the barrier goes', async () => {
    const path = uniquePath('barrierdrop') + '/b';
    const admin = await h.connect();
    await new Barrier(admin, path).setBarrier();
    const { zk, proxy } = await h.connectViaProxy({ sessionTimeout: 4000 });
    let passed = false;
    const waiting = new Barrier(zk, path).waitOnBarrier().then(() => (passed = true));
    await sleep(100);
    proxy.dropAll();
    await stateBecomes(zk, States.CONNECTED);
    expect(passed).toBe(false);
    await new Barrier(admin, path).removeBarrier();
    await waiting;
  });

  it('a barrier waiter whose session expires is rejected, never let through', async () => {
    const path = uniquePath('barrierexpire') + '/b';
    await new Barrier(await h.connect(), path).setBarrier();
    const { zk, proxy } = await h.connectViaProxy({ sessionTimeout: 1000 });
    const waiting = new Barrier(zk, path).waitOnBarrier();
    await sleep(100);
    await h.cutUntilExpired(zk, proxy);
    await expect(waiting).rejects.toBeInstanceOf(SessionExpiredError);
  });

  it('a double-barrier participant whose session expires while waiting to enter is rejected, and its node is gone', async () => {
    const path = uniquePath('doubleexpire');
    const { zk, proxy } = await h.connectViaProxy({ sessionTimeout: 1000 });
    const entering = new DoubleBarrier(zk, path, 2, 'a').enter();
    await sleep(200);
    await h.cutUntilExpired(zk, proxy);
    await expect(entering).rejects.toBeInstanceOf(SessionExpiredError);
    expect(await (await h.connect()).getChildren(path)).toEqual([]);
  });

  it('a double-barrier enter retried after a lost connection finds its own node', async () => {
    const path = uniquePath('doubleretry');
    const zk = await h.connect();
    const b = new DoubleBarrier(zk, path, 1, 'solo');
    await b.enter();
    await b.enter(); // as a retry would: the node is ours already
    await b.leave();
    expect(await zk.getChildren(path)).toEqual([]);
    // Someone else's node under that name is a clash, not ours.
    const clash = new DoubleBarrier(await h.connect(), path, 2, 'taken');
    await zk.create(`${path}/taken`, null, { mode: CreateMode.EPHEMERAL });
    await expect(clash.enter()).rejects.toBeInstanceOf(NodeExistsError);
  });

  it('a queue consumer waiting across a dropped connection still takes the next element', async () => {
    const path = uniquePath('queuedrop');
    const { zk, proxy } = await h.connectViaProxy({ sessionTimeout: 4000 });
    const taking = new DistributedQueue(zk, path).take();
    await sleep(100);
    proxy.dropAll();
    await stateBecomes(zk, States.CONNECTED);
    await new DistributedQueue(await h.connect(), path).offer('after-reconnect');
    expect((await taking).toString()).toBe('after-reconnect');
  });

  it('a queue consumer whose session expires while waiting is rejected with SessionExpired', async () => {
    const path = uniquePath('queueexpire');
    const { zk, proxy } = await h.connectViaProxy({ sessionTimeout: 1000 });
    const taking = new DistributedQueue(zk, path).take();
    await sleep(100);
    await h.cutUntilExpired(zk, proxy);
    await expect(taking).rejects.toBeInstanceOf(SessionExpiredError);
  });
});
