import { CreateMode, EventType, OpCode } from '../../../lib/protocol';
import type { Dsl } from './dsl';

/**
 * Containers and TTL nodes (created, reaped by the server, flag / opcode mismatches),
 * quota nodes and the statistics the server keeps in them, reconfig on a standalone
 * server and the /zookeeper/config node.
 */
export async function extended(d: Dsl): Promise<void> {
  d.r.beginPart('extended');
  const A = 'A';
  await d.r.connect('A', { timeout: 4000 });
  const deleted = (path: string) =>
    d.r.client(A).waitForEvent((e) => e.type === EventType.NodeDeleted && e.path === path, 10000);

  // A container is reaped once it had a child and has none left.
  await d.createContainer(A, '/c', 'c');
  await d.exists(A, '/c');
  await d.create(A, '/c/child', 'x');
  await d.create(A, '/c/eph', 'x', { flags: CreateMode.EPHEMERAL });
  await d.delete(A, '/c/child');
  await d.delete(A, '/c/eph');
  await d.exists(A, '/c', true);
  await deleted('/c');
  await d.r.settle();
  await d.exists(A, '/c');
  await d.createContainer(A, '/c2', '', 0);
  await d.createContainer(A, '/c3', '', CreateMode.EPHEMERAL);
  await d.create(A, '/c4', '', { flags: CreateMode.CONTAINER, op: OpCode.create });
  await d.create(A, '/c5', '', { flags: CreateMode.CONTAINER, op: OpCode.create2 });
  await d.createContainer(A, '/missing/c', '');
  await d.getChildren(A, '/');

  // TTL nodes: reaped when childless and unmodified for ttl ms.
  await d.createTTL(A, '/t', 300n, { data: 't' });
  await d.exists(A, '/t', true);
  await deleted('/t');
  await d.r.settle();
  await d.createTTL(A, '/ts-', 60000n, { flags: CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL });
  await d.createTTL(A, '/t0', 0n);
  await d.createTTL(A, '/tneg', -5n);
  await d.createTTL(A, '/thuge', 1n << 41n);
  await d.createTTL(A, '/tflags', 60000n, { flags: CreateMode.PERSISTENT });
  await d.createTTL(A, '/tflags-e', 60000n, { flags: CreateMode.EPHEMERAL });
  await d.createTTL(A, '/tcreate', 60000n, { op: OpCode.create });
  await d.create(A, '/tplain', '', { flags: CreateMode.PERSISTENT_WITH_TTL });
  await d.createTTL(A, '/tp', 60000n, { data: 'parent' });
  await d.create(A, '/tp/child', '');
  await d.getChildren(A, '/');

  // Quotas: limits and stats nodes under /zookeeper/quota; the server keeps stats current.
  await d.create(A, '/q', '12345');
  await d.create(A, '/q/1', 'abc');
  await d.create(A, '/zookeeper/quota/q', '');
  await d.create(A, '/zookeeper/quota/q/zookeeper_limits', 'count=3,bytes=-1');
  await d.create(A, '/zookeeper/quota/q/zookeeper_stats', 'count=0,bytes=0');
  await d.getData(A, '/zookeeper/quota/q/zookeeper_stats');
  await d.create(A, '/q/2', 'defgh');
  await d.create(A, '/q/3', '');
  await d.create(A, '/q/2/deep', 'zz');
  await d.setData(A, '/q/1', 'abcdefghij');
  await d.getData(A, '/zookeeper/quota/q/zookeeper_stats');
  await d.getData(A, '/zookeeper/quota/q/zookeeper_limits');
  await d.delete(A, '/q/2/deep');
  await d.getData(A, '/zookeeper/quota/q/zookeeper_stats');
  await d.getAllChildrenNumber(A, '/zookeeper');

  // reconfig is refused on a standalone server.
  await d.reconfig(A, 'server.2=127.0.0.1:2888:3888;2181', null, null);
  await d.reconfig(A, null, '1', null);
  await d.reconfig(A, null, null, null);
  await d.getData(A, '/zookeeper/config');
  await d.whoAmI(A);
  await d.r.closeAll();
}
