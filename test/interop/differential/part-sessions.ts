import { CreateMode, EventType } from '../../../lib/protocol';
import type { Dsl } from './dsl';

/**
 * Session life: timeout negotiation, reattaching with the same id, wrong passwords,
 * expiry that deletes ephemerals and fires watches, closeSession, getEphemerals and
 * getAllChildrenNumber. Waits are on notifications, never on wall-clock sleeps.
 */
export async function sessions(d: Dsl): Promise<void> {
  d.r.beginPart('sessions');
  const A = 'A';
  await d.r.connect('A', { timeout: 4000 });
  // Requested timeouts are clamped to [2, 20] ticks (tickTime 200 ms here).
  await d.r.connect('T1', { timeout: 100 });
  await d.r.closeSession('T1');
  await d.r.connect('T2', { timeout: 600_000 });
  await d.r.closeSession('T2');
  await d.r.connect('T3', { timeout: 0 });
  await d.r.closeSession('T3');

  await d.create(A, '/e', '');
  await d.create(A, '/e/a', 'a', { flags: CreateMode.EPHEMERAL });
  await d.create(A, '/e/a-', 'a', { flags: CreateMode.EPHEMERAL_SEQUENTIAL });
  await d.create(A, '/e/p', 'p');
  await d.create(A, '/e/p/deep', 'd', { flags: CreateMode.EPHEMERAL });
  await d.getEphemerals(A, '/');
  await d.getEphemerals(A, '/e/p');
  await d.getEphemerals(A, '/e/a');
  await d.getEphemerals(A, '/none');
  await d.getEphemerals(A, '');
  await d.getAllChildrenNumber(A, '/e');
  await d.getAllChildrenNumber(A, '/e/p/deep');
  await d.getAllChildrenNumber(A, '/');
  await d.getAllChildrenNumber(A, '/none');

  // B: short session, no pings; its ephemerals vanish when it expires.
  await d.r.connect('B', { timeout: 800, autoPing: false });
  await d.create('B', '/e/b', 'b', { flags: CreateMode.EPHEMERAL });
  await d.create(A, '/e2', '');
  await d.create('B', '/e2/b-', 'b', { flags: CreateMode.EPHEMERAL_SEQUENTIAL });
  await d.getEphemerals('B', '/');
  await d.getEphemerals(A, '/');
  await d.exists(A, '/e/b', true);
  await d.getChildren(A, '/e', true);
  const b = d.r.disconnect('B');
  await d.r.client(A).waitForEvent((e) => e.type === EventType.NodeDeleted && e.path === '/e/b', 10000);
  await d.r.settle();
  await d.getChildren(A, '/e');
  await d.r.connect('B#after-expiry', { timeout: 800, sessionId: b.sessionId, passwd: b.session.passwd!, autoPing: false });

  // A reattaches to its session: ephemerals survive a dropped connection.
  const a = d.r.disconnect(A);
  await d.r.connect('A#wrong-password', { timeout: 4000, sessionId: a.sessionId, passwd: Buffer.alloc(16, 7) });
  await d.r.connect('A#reattach', { timeout: 4000, sessionId: a.sessionId, passwd: a.session.passwd!, lastZxidSeen: a.lastZxid });
  await d.exists(A, '/e/a');
  await d.getEphemerals(A, '/');

  // A client that has seen a newer zxid than the server is refused.
  await d.r.connect('F', { timeout: 4000, lastZxidSeen: a.lastZxid + 1000n }).catch((e) => d.r.note('F refused', String(e)));
  d.r.drainArrivals();

  // closeSession deletes ephemerals at once; watchers see it. (One watcher per path: Java
  // deletes a session's ephemerals in HashSet order, so their relative order is arbitrary.)
  await d.r.connect('C', { timeout: 4000 });
  await d.r.connect('D', { timeout: 4000 });
  await d.exists('C', '/e/a', true);
  await d.getChildren('D', '/e/p', true);
  await d.r.closeSession(A);
  await d.getChildren('C', '/e');
  await d.exists('C', '/e/p/deep');
  await d.getEphemerals('C', '/');
  await d.r.connect('A#after-close', { timeout: 4000, sessionId: a.sessionId, passwd: a.session.passwd! });
  await d.r.closeAll();
}
