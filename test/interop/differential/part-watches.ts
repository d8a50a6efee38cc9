import { AddWatchMode, WatcherType } from '../../../lib/protocol';
import type { Dsl } from './dsl';

/**
 * One-shot data / exist / child watches, persistent and persistent-recursive watches,
 * checkWatches / removeWatches, and watches restored by SetWatches after a reconnect.
 * Arrival lists show whether a notification comes before or after the reply that caused it.
 */
export async function watches(d: Dsl): Promise<void> {
  d.r.beginPart('watches');
  await d.r.connect('A', { timeout: 4000 });
  await d.r.connect('B', { timeout: 4000 });
  const [A, B] = ['A', 'B'];

  await d.create(A, '/w', 'w');
  await d.getData(B, '/w', true);
  await d.exists(B, '/w/new', true);
  await d.getChildren(B, '/w', true);
  await d.exists(B, '/w', true);
  await d.getData(B, '/w/none', true);
  await d.getChildren(B, '/w/none', true);
  await d.checkWatches(B, '/w', WatcherType.Data);
  await d.checkWatches(B, '/w', WatcherType.Children);
  await d.checkWatches(B, '/w', WatcherType.Any);
  await d.checkWatches(B, '/w/new', WatcherType.Data);
  await d.checkWatches(B, '/w/none', WatcherType.Any);
  await d.setData(A, '/w', 'w1');
  await d.setData(A, '/w', 'w2');
  await d.create(A, '/w/new', 'n');
  await d.create(A, '/w/none', 'n');
  await d.checkWatches(B, '/w', WatcherType.Data);
  await d.checkWatches(B, '/w', WatcherType.Children);

  // A session watching its own change: notification and reply order.
  await d.getData(A, '/w/new', true);
  await d.exists(A, '/w/new', true);
  await d.setData(A, '/w/new', 'n1');
  await d.getData(A, '/w/new', true);
  await d.getChildren(A, '/w', true);
  await d.delete(A, '/w/new');
  await d.exists(A, '/w/gone', true);
  await d.exists(B, '/w/gone', true);
  await d.create(A, '/w/gone', '');
  await d.getData(B, '/w/gone', true);
  await d.getChildren(B, '/w/gone', true);
  await d.delete(A, '/w/gone');

  // removeWatches: per type, and NOWATCHER when there is none.
  await d.getData(B, '/w', true);
  await d.getChildren(B, '/w', true);
  await d.removeWatches(B, '/w', WatcherType.Data);
  await d.removeWatches(B, '/w', WatcherType.Data);
  await d.checkWatches(B, '/w', WatcherType.Children);
  await d.removeWatches(B, '/w', WatcherType.Any);
  await d.removeWatches(B, '/w', WatcherType.Any);
  await d.removeWatches(B, '/w/none', WatcherType.Children);
  await d.removeWatches(B, '/nowhere', WatcherType.Data);
  await d.setData(A, '/w', 'w3');

  // Persistent: every change of the node and its children list, until removed.
  await d.addWatch(B, '/p', AddWatchMode.PERSISTENT);
  await d.create(A, '/p', 'p');
  await d.setData(A, '/p', 'p1');
  await d.create(A, '/p/c', 'c');
  await d.setData(A, '/p/c', 'c1');
  await d.create(A, '/p/c/g', '');
  await d.delete(A, '/p/c/g');
  await d.delete(A, '/p/c');
  await d.setData(A, '/p', 'p2');
  await d.checkWatches(B, '/p', WatcherType.Persistent);
  await d.checkWatches(B, '/p', WatcherType.Data);
  await d.checkWatches(B, '/p', WatcherType.Any);
  await d.removeWatches(B, '/p', WatcherType.Persistent);
  await d.setData(A, '/p', 'p3');

  // Persistent recursive: data, create and delete events for the whole subtree, no child events.
  await d.addWatch(B, '/r', AddWatchMode.PERSISTENT_RECURSIVE);
  await d.create(A, '/r', '');
  await d.create(A, '/r/x', '');
  await d.create(A, '/r/x/y', '');
  await d.setData(A, '/r/x/y', 'y1');
  await d.getData(B, '/r/x/y', true);
  await d.setData(A, '/r/x/y', 'y2');
  await d.delete(A, '/r/x/y');
  await d.delete(A, '/r/x');
  await d.checkWatches(B, '/r', WatcherType.PersistentRecursive);
  await d.checkWatches(B, '/r/x', WatcherType.PersistentRecursive);
  await d.addWatch(B, '/r', AddWatchMode.PERSISTENT);
  await d.setData(A, '/r', 'both');
  await d.removeWatches(B, '/r', WatcherType.Any);
  await d.setData(A, '/r', 'none');
  await d.addWatch(B, '/', AddWatchMode.PERSISTENT_RECURSIVE);
  await d.create(A, '/r/root-watch', '');
  await d.removeWatches(B, '/', WatcherType.PersistentRecursive);
  await d.removeWatches(B, '/', WatcherType.Any);
  await d.create(A, '/r/after-remove', '');
  await d.addWatch(B, '/r', 7);
  await d.addWatch(B, 'bad', AddWatchMode.PERSISTENT);

  // SetWatches after a reconnect: changes made while disconnected fire at once.
  await d.create(A, '/sw', 'sw');
  await d.create(A, '/sw/keep', '');
  await d.create(A, '/sw/del', '');
  await d.getData(B, '/sw', true);
  await d.getChildren(B, '/sw', true);
  await d.exists(B, '/sw2', true);
  await d.getData(B, '/sw/keep', true);
  await d.getData(B, '/sw/del', true);
  const b = d.r.disconnect(B);
  await d.setData(A, '/sw', 'changed');
  await d.create(A, '/sw2', 'created');
  await d.delete(A, '/sw/del');
  await d.r.connect('B#reconnect', { timeout: 4000, sessionId: b.sessionId, passwd: b.session.passwd!, lastZxidSeen: b.lastZxid });
  d.r.client(B).lastZxid = b.lastZxid;
  await d.setWatches(B, { data: ['/sw', '/sw/keep', '/sw/del'], exist: ['/sw2'], child: ['/sw'] });
  await d.setData(A, '/sw/keep', 'k1');
  await d.create(A, '/sw/more', '');

  const b2 = d.r.disconnect(B);
  await d.create(A, '/sw/p-created', '');
  await d.setData(A, '/sw', 'again');
  await d.r.connect('B#reconnect2', { timeout: 4000, sessionId: b2.sessionId, passwd: b2.session.passwd!, lastZxidSeen: b2.lastZxid });
  d.r.client(B).lastZxid = b2.lastZxid;
  await d.setWatches2(B, { persistent: ['/sw'], recursive: ['/sw/p-created'], exist: ['/sw/never'] });
  await d.setData(A, '/sw/p-created', 'p');
  await d.create(A, '/sw/never', '');
  await d.checkWatches(B, '/sw', WatcherType.Persistent);
  await d.r.closeAll();
}
