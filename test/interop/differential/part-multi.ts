import { CreateMode, OpCode } from '../../../lib/protocol';
import type { Dsl } from './dsl';

/** multi (all-or-nothing, per-op results on failure) and multiRead (per-op errors). */
export async function multi(d: Dsl): Promise<void> {
  d.r.beginPart('multi');
  await d.r.connect('A', { timeout: 4000 });
  await d.r.connect('W', { timeout: 4000 });
  const A = 'A';

  await d.create(A, '/m', 'm');
  await d.getChildren('W', '/m', true);
  await d.getData('W', '/m', true);
  await d.multi(A, [
    { op: 'create', path: '/m/1', data: 'one' },
    { op: 'create', path: '/m/2', data: 'two', type: OpCode.create },
    { op: 'setData', path: '/m', data: 'm1', version: 0 },
    { op: 'check', path: '/m', version: 1 },
    { op: 'delete', path: '/m/2', version: 0 },
    { op: 'create', path: '/m/s-', flags: CreateMode.PERSISTENT_SEQUENTIAL },
    { op: 'create', path: '/m/e', flags: CreateMode.EPHEMERAL },
  ]);
  await d.getChildren2(A, '/m');

  // A failure in the middle: earlier ops report OK, the failing one its error, later ones
  // RUNTIMEINCONSISTENCY, and nothing is applied.
  await d.multi(A, [
    { op: 'create', path: '/m/3', data: 'three' },
    { op: 'check', path: '/m', version: 99 },
    { op: 'create', path: '/m/4', data: 'four' },
  ]);
  await d.exists(A, '/m/3');
  await d.multi(A, [{ op: 'delete', path: '/m/none' }, { op: 'create', path: '/m/5' }]);
  await d.multi(A, [
    { op: 'create', path: '/m/6' },
    { op: 'create', path: '/m/6' },
  ]);
  await d.multi(A, [
    { op: 'setData', path: '/m', data: 'x', version: 7 },
    { op: 'delete', path: '/m' },
  ]);
  await d.multi(A, [{ op: 'delete', path: '/m' }]);
  await d.multi(A, [{ op: 'create', path: '/m/e/child' }]);
  await d.multi(A, [{ op: 'create', path: 'bad' }]);
  await d.multi(A, [{ op: 'create', path: '/m/acl', acl: [] }]);
  await d.multi(A, [{ op: 'check', path: '/m/none', version: -1 }]);
  await d.multi(A, []);
  // Ops see the effects of earlier ops in the same multi.
  await d.multi(A, [
    { op: 'create', path: '/m/x' },
    { op: 'create', path: '/m/x/y' },
    { op: 'setData', path: '/m/x/y', data: 'yy', version: 0 },
    { op: 'check', path: '/m/x/y', version: 1 },
    { op: 'delete', path: '/m/x/y', version: 1 },
    { op: 'delete', path: '/m/x' },
  ]);
  await d.multi(A, [
    { op: 'create', path: '/m/c', flags: CreateMode.CONTAINER },
    { op: 'create', path: '/m/t', flags: CreateMode.PERSISTENT_WITH_TTL, ttl: 60000n },
    { op: 'create', path: '/m/t0', flags: CreateMode.PERSISTENT_WITH_TTL, ttl: 0n },
  ]);
  await d.multi(A, [
    { op: 'create', path: '/m/c', flags: CreateMode.CONTAINER },
    { op: 'create', path: '/m/t', flags: CreateMode.PERSISTENT_WITH_TTL, ttl: 60000n },
  ]);
  await d.exists(A, '/m/c');
  await d.exists(A, '/m/t');
  await d.multi(A, [
    { op: 'delete', path: '/m/c' },
    { op: 'delete', path: '/m/t' },
  ]);

  // multiRead: each op answers on its own, errors included.
  await d.multiRead(A, [
    { op: 'getData', path: '/m' },
    { op: 'getChildren', path: '/m' },
    { op: 'getData', path: '/m/none' },
    { op: 'getChildren', path: '/m/none' },
    { op: 'getData', path: '/m/1' },
  ]);
  await d.multiRead(A, []);
  await d.getChildren2(A, '/m');

  // Mixing reads and writes in one request is not a valid multi.
  await d.r.connect('X', { timeout: 4000 });
  await d.multi('X', [
    { op: 'create', path: '/m/mixed' },
    { op: 'getData', path: '/m' },
  ]).catch((e) => d.r.note('X multi failed', String(e)));
  await d.r.closedByServer('X', 700);
  await d.r.connect('Y', { timeout: 4000 });
  await d.multiRead('Y', [{ op: 'getData', path: '/m' }, { op: 'delete', path: '/m/1' }])
    .catch((e) => d.r.note('Y multiRead failed', String(e)));
  await d.r.closedByServer('Y', 700);
  await d.exists(A, '/m/mixed');
  await d.exists(A, '/m/1');
  await d.r.closeAll();
}
