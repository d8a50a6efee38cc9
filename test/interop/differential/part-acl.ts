import { createHash } from 'node:crypto';
import { CreateMode, Perms } from '../../../lib/protocol';
import { acl, OPEN_ACL } from '../../support/raw-ops';
import type { Dsl } from './dsl';

const digest = (up: string): string => `${up.split(':')[0]}:${createHash('sha1').update(up).digest('base64')}`;

/** ACL schemes (world, auth, digest, ip, super), permission checks per operation, auth failures. */
export async function acls(d: Dsl): Promise<void> {
  d.r.beginPart('acl');
  await d.r.connect('A', { timeout: 4000 });
  await d.r.connect('B', { timeout: 4000 });
  const [A, B] = ['A', 'B'];

  await d.create(A, '/acl', '');
  await d.whoAmI(A);
  // A digest ACL: only user:pw may touch it.
  await d.create(A, '/acl/dig', 'secret', { acl: [acl(Perms.ALL, 'digest', digest('user:pw'))] });
  await d.getData(A, '/acl/dig');
  await d.getACL(A, '/acl/dig');
  await d.exists(A, '/acl/dig');
  await d.getChildren(A, '/acl/dig');
  await d.setData(A, '/acl/dig', 'x');
  await d.create(A, '/acl/dig/child', 'x');
  await d.setACL(A, '/acl/dig', OPEN_ACL());
  await d.addAuth(A, 'digest', 'user:pw');
  await d.whoAmI(A);
  await d.getData(A, '/acl/dig');
  await d.getACL(A, '/acl/dig');
  // The auth scheme means "every id this session authenticated as" (ip ids excepted).
  await d.create(A, '/acl/creator', 'c', { acl: [acl(Perms.ALL, 'auth', '')] });
  await d.getACL(A, '/acl/creator');
  await d.addAuth(A, 'digest', 'other:pw2');
  await d.addAuth(A, 'digest', 'user:pw');
  await d.whoAmI(A);
  await d.create(A, '/acl/creator2', 'c', { acl: [acl(Perms.READ, 'auth', ''), acl(Perms.ALL, 'world', 'anyone')] });
  await d.exists(A, '/acl/creator2');
  await d.create(B, '/acl/creator-b', 'c', { acl: [acl(Perms.ALL, 'auth', '')] });
  await d.create(B, '/acl/creator-b', 'c', { acl: [acl(Perms.ALL, 'auth', 'ignored')] });

  // ACL validation happens before the parent lookup.
  await d.create(A, '/acl/missing/x', 'x', { acl: [] });
  await d.create(A, '/acl/bad-ip', 'x', { acl: [acl(Perms.ALL, 'ip', 'not-an-ip')] });
  await d.create(A, '/acl/bad-scheme', 'x', { acl: [acl(Perms.ALL, 'foo', 'bar')] });
  await d.create(A, '/acl/bad-digest', 'x', { acl: [acl(Perms.ALL, 'digest', 'no-colon')] });
  await d.create(A, '/acl/bad-world', 'x', { acl: [acl(Perms.ALL, 'world', 'someone')] });
  await d.create(A, '/acl/zero-perms', 'x', { acl: [acl(0, 'world', 'anyone')] });
  await d.getACL(A, '/acl/zero-perms');
  await d.getData(A, '/acl/zero-perms');
  await d.create(A, '/acl/dup', 'x', { acl: [...OPEN_ACL(), ...OPEN_ACL()] });
  await d.getACL(A, '/acl/dup');

  // ip ACLs match the connection's address, with and without a mask.
  await d.create(A, '/acl/ip-local', 'x', { acl: [acl(Perms.READ, 'ip', '127.0.0.1')] });
  await d.create(A, '/acl/ip-net', 'x', { acl: [acl(Perms.READ, 'ip', '127.0.0.0/8')] });
  await d.create(A, '/acl/ip-other', 'x', { acl: [acl(Perms.ALL, 'ip', '10.1.2.3/16')] });
  await d.getData(B, '/acl/ip-local');
  await d.getData(B, '/acl/ip-net');
  await d.getData(B, '/acl/ip-other');
  await d.setData(B, '/acl/ip-local', 'no write');
  await d.getACL(B, '/acl/ip-other');

  // Each permission guards its own operations; a read-only parent refuses children.
  await d.create(A, '/acl/ro', 'ro', { acl: [acl(Perms.READ, 'world', 'anyone')] });
  await d.create(B, '/acl/ro/child', 'x');
  await d.setData(B, '/acl/ro', 'x');
  await d.setACL(B, '/acl/ro', OPEN_ACL());
  await d.delete(B, '/acl/ro');
  await d.create(A, '/acl/nodelete', '', { acl: [acl(Perms.ALL & ~Perms.DELETE, 'world', 'anyone')] });
  await d.create(B, '/acl/nodelete/c', 'x');
  await d.delete(B, '/acl/nodelete/c');
  await d.setACL(A, '/acl/nodelete', OPEN_ACL(), 5);
  await d.setACL(A, '/acl/nodelete', OPEN_ACL(), 0);
  await d.getACL(A, '/acl/nodelete');
  await d.delete(B, '/acl/nodelete/c');
  await d.setACL(A, '/acl/nodelete', null);
  await d.setACL(A, '/acl/nodelete', []);
  await d.setACL(A, '/acl/missing', OPEN_ACL());
  await d.create(A, '/acl/eph', 'e', { flags: CreateMode.EPHEMERAL, acl: [acl(Perms.ALL, 'auth', '')] });

  // The super user passes every check.
  await d.r.connect('S', { timeout: 4000 });
  await d.getData('S', '/acl/dig');
  await d.addAuth('S', 'digest', 'super:secret');
  await d.getData('S', '/acl/dig');
  await d.setData('S', '/acl/dig', 'by super');
  await d.setACL('S', '/acl/zero-perms', OPEN_ACL());
  await d.whoAmI('S');
  await d.r.closeSession('S');

  // A failed authentication answers AUTHFAILED and closes the connection.
  await d.r.connect('C', { timeout: 4000 });
  await d.addAuth('C', 'nosuchscheme', 'x');
  await d.r.closedByServer('C', 700);
  await d.r.connect('D', { timeout: 4000 });
  await d.addAuth('D', 'digest', 'no-colon-here');
  await d.whoAmI('D');
  await d.r.closedByServer('D', 700);
  await d.r.connect('E', { timeout: 4000 });
  await d.addAuth('E', 'ip', '127.0.0.1');
  await d.whoAmI('E');
  await d.r.closeAll();
}
