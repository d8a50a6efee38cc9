import { CreateMode } from '../../../lib/protocol';
import type { Dsl } from './dsl';

/** Create / read / update / delete with every version and path error the server reports. */
export async function basics(d: Dsl): Promise<void> {
  d.r.beginPart('basics');
  await d.r.connect('A', { timeout: 4000 });
  const A = 'A';

  await d.create(A, '/d', 'v0');
  await d.create2(A, '/d/a', 'a');
  await d.create(A, '/d', 'again');
  await d.create(A, '/missing/x', 'x');
  await d.create(A, '/d/', 'trailing slash');
  await d.create(A, 'd2', 'relative');
  await d.create(A, '/d//x', 'empty component');
  await d.create(A, '/d/./x', 'dot');
  await d.create(A, '/d/\u0001x', 'control char');
  await d.create(A, '/', 'root');
  await d.create(A, '/d/bad-flags', 'x', { flags: 7 });
  await d.create(A, '/d/null-acl', 'x', { acl: null });
  await d.create(A, '/d/empty-acl', 'x', { acl: [] });
  await d.create(A, '/d/null-data', null);
  await d.getData(A, '/d/null-data');
  await d.create(A, '/d/empty-data', '');
  await d.getData(A, '/d/empty-data');

  // Sequence numbers come from the parent's cversion, which every child create bumps.
  await d.create(A, '/d/seq-', 's1', { flags: CreateMode.PERSISTENT_SEQUENTIAL });
  await d.create2(A, '/d/seq-', 's2', { flags: CreateMode.PERSISTENT_SEQUENTIAL });
  await d.create(A, '/d/', 'seq with trailing slash', { flags: CreateMode.PERSISTENT_SEQUENTIAL });
  await d.create2(A, '/d/eph', 'e', { flags: CreateMode.EPHEMERAL });
  await d.create(A, '/d/eph/child', 'c');
  await d.create2(A, '/d/eseq-', 'es', { flags: CreateMode.EPHEMERAL_SEQUENTIAL });

  await d.exists(A, '/d');
  await d.exists(A, '/d/nothing');
  await d.exists(A, 'bad-path');
  await d.getData(A, '/d');
  await d.getData(A, '/d/nothing');
  await d.setData(A, '/d', 'v1', 0);
  await d.setData(A, '/d', 'v2', 0);
  await d.setData(A, '/d', 'v2', 5);
  await d.setData(A, '/d', 'v3', -1);
  await d.setData(A, '/d', null, -1);
  await d.setData(A, '/d/nothing', 'x', -1);
  await d.getData(A, '/d');
  await d.getChildren(A, '/d');
  await d.getChildren2(A, '/d');
  await d.getChildren(A, '/d/nothing');
  await d.getChildren2(A, '/d/nothing');
  await d.getChildren(A, '/');
  await d.getChildren(A, '/zookeeper');
  await d.getData(A, '/zookeeper');
  await d.getData(A, '/zookeeper/config');
  await d.getData(A, '/zookeeper/quota');
  await d.exists(A, '/');

  await d.delete(A, '/d', 9);
  await d.delete(A, '/d', -1);
  await d.delete(A, '/d/nothing', -1);
  await d.delete(A, '/d/a', 3);
  await d.delete(A, '/d/a', 0);
  await d.delete(A, '/d/a', -1);
  await d.delete(A, '/', -1);
  await d.delete(A, '/zookeeper', -1);
  await d.delete(A, '/zookeeper/config', -1);
  await d.delete(A, '/zookeeper/quota', -1);
  await d.setData(A, '/zookeeper/config', 'x', -1);
  await d.setData(A, '/zookeeper', 'x', -1);
  await d.create(A, '/zookeeper/mine', 'x');
  await d.getChildren2(A, '/d');

  // check outside a multi, sync and ping are requests of their own.
  await d.check(A, '/d', 4);
  await d.check(A, '/d', 0);
  await d.check(A, '/d/nothing', -1);
  await d.sync(A, '/d');
  await d.sync(A, '/d/nothing');
  await d.sync(A, '/');
  await d.ping(A);

  // A large value round-trips byte for byte.
  await d.create(A, '/d/big', 'x'.repeat(100_000));
  await d.exists(A, '/d/big');
  await d.getData(A, '/d/big');
  await d.r.closeSession(A);
}
