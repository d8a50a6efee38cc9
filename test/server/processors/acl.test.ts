import { ACL, Id } from '../../../lib/jute/records/data';
import {
  AuthPacket,
  CheckVersionRequest,
  CreateRequest,
  DeleteRequest,
  ExistsRequest,
  GetACLRequest,
  GetACLResponse,
  GetAllChildrenNumberRequest,
  GetChildren2Request,
  GetChildrenRequest,
  GetDataRequest,
  SetACLRequest,
  SetDataRequest,
  WhoAmIResponse,
} from '../../../lib/jute/records/proto';
import { Code, OpCode, Perms } from '../../../lib/protocol';
import { generateDigest } from '../../../lib/server/auth';
import { checkACL, fixupACL } from '../../../lib/server/processors/acl-check';
import { ProviderRegistry } from '../../../lib/server/auth';
import { encodeMultiOperationRecord } from '../../../lib/server/processors/multi-operation-record';
import type { MultiResponse } from '../../../lib/server/processors/multi-response';
import { FakeCnxn, Harness, acl, open } from './harness';

const create = (path: string, a: ACL[]) => new CreateRequest({ path, data: Buffer.from('d'), acl: a, flags: 0 });
const login = (h: Harness, c: FakeCnxn, userPass: string) =>
  h.providers.authenticate(c, new AuthPacket({ type: 0, scheme: 'digest', auth: Buffer.from(userPass) }));
const err = (r: { header: { err: number } }) => r.header.err;

describe('world scheme', () => {
  test('world:anyone READ lets everyone read and nobody write', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    h.submit(c, OpCode.create, create('/r', [acl(Perms.READ, 'world', 'anyone')]));
    expect(err(h.submit(c, OpCode.getData, new GetDataRequest({ path: '/r', watch: false })))).toBe(Code.OK);
    expect(err(h.submit(c, OpCode.setData, new SetDataRequest({ path: '/r', data: null, version: -1 })))).toBe(Code.NOAUTH);
    expect(err(h.submit(c, OpCode.create, create('/r/k', open())))).toBe(Code.NOAUTH);
    expect(err(h.submit(c, OpCode.setACL, new SetACLRequest({ path: '/r', acl: open(), version: -1 })))).toBe(Code.NOAUTH);
  });

  test('world is valid only as world:anyone', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    expect(err(h.submit(c, OpCode.create, create('/w', [acl(Perms.ALL, 'world', 'bob')])))).toBe(Code.INVALIDACL);
  });
});

describe('permissions by operation', () => {
  let h: Harness;
  let c: FakeCnxn;
  const only = (perms: number, path: string) => h.submit(c, OpCode.create, create(path, [acl(perms, 'world', 'anyone')]));

  beforeEach(() => {
    h = new Harness();
    c = h.client(0x100n);
  });

  test('create needs CREATE and delete needs DELETE on the parent, not the node', () => {
    only(Perms.CREATE, '/c');
    expect(err(h.submit(c, OpCode.create, create('/c/k', [acl(0, 'world', 'anyone')])))).toBe(Code.OK);
    expect(err(h.submit(c, OpCode.delete, new DeleteRequest({ path: '/c/k', version: -1 })))).toBe(Code.NOAUTH);
    only(Perms.DELETE, '/d');
    expect(err(h.submit(c, OpCode.create, create('/d/k', open())))).toBe(Code.NOAUTH);
  });

  test('getData, getChildren, getChildren2, getAllChildrenNumber and check need READ; exists needs nothing', () => {
    only(Perms.WRITE, '/w');
    expect(err(h.submit(c, OpCode.getData, new GetDataRequest({ path: '/w', watch: false })))).toBe(Code.NOAUTH);
    expect(err(h.submit(c, OpCode.getChildren, new GetChildrenRequest({ path: '/w', watch: false })))).toBe(Code.NOAUTH);
    expect(err(h.submit(c, OpCode.getChildren2, new GetChildren2Request({ path: '/w', watch: false })))).toBe(Code.NOAUTH);
    expect(err(h.submit(c, OpCode.getAllChildrenNumber, new GetAllChildrenNumberRequest({ path: '/w' })))).toBe(Code.NOAUTH);
    expect(err(h.submit(c, OpCode.exists, new ExistsRequest({ path: '/w', watch: false })))).toBe(Code.OK);
    expect(err(h.submit(c, OpCode.setData, new SetDataRequest({ path: '/w', data: null, version: -1 })))).toBe(Code.OK);
    const m = h.submit(c, OpCode.multi, encodeMultiOperationRecord([{ type: OpCode.check, request: new CheckVersionRequest({ path: '/w', version: -1 }) }]));
    expect((m.body as MultiResponse).results).toEqual([{ type: OpCode.error, err: Code.NOAUTH }]);
  });

  test('getACL needs READ or ADMIN; without ADMIN digest ids are shown as user:x', () => {
    const digestId = generateDigest('bob:pw');
    h.submit(c, OpCode.create, create('/g', [acl(Perms.READ, 'world', 'anyone'), acl(Perms.ALL, 'digest', digestId)]));
    const hidden = h.submit(c, OpCode.getACL, new GetACLRequest({ path: '/g' }));
    expect((hidden.body as GetACLResponse).acl!.map((a) => `${a.id.scheme}:${a.id.id}`)).toEqual(['world:anyone', 'digest:bob:x']);
    login(h, c, 'bob:pw');
    const shown = h.submit(c, OpCode.getACL, new GetACLRequest({ path: '/g' }));
    expect((shown.body as GetACLResponse).acl![1].id.id).toBe(digestId);
    only(Perms.ADMIN, '/adm');
    expect(err(h.submit(c, OpCode.getACL, new GetACLRequest({ path: '/adm' })))).toBe(Code.OK);
    only(Perms.WRITE, '/none');
    expect(err(h.submit(c, OpCode.getACL, new GetACLRequest({ path: '/none' })))).toBe(Code.NOAUTH);
    expect(err(h.submit(c, OpCode.getACL, new GetACLRequest({ path: '/nothing' })))).toBe(Code.NONODE);
  });

  test('skipACL lets everything through', () => {
    const s = new Harness({ skipACL: true });
    const sc = s.client(0x100n);
    s.submit(sc, OpCode.create, create('/locked', [acl(0, 'world', 'anyone')]));
    expect(err(s.submit(sc, OpCode.getData, new GetDataRequest({ path: '/locked', watch: false })))).toBe(Code.OK);
  });
});

describe('digest and auth schemes', () => {
  test('a digest ACL admits the authenticated user only', () => {
    const h = new Harness();
    const alice = h.client(0x100n);
    const eve = h.client(0x200n);
    h.submit(alice, OpCode.create, create('/s', [acl(Perms.ALL, 'digest', generateDigest('alice:pw'))]));
    expect(err(h.submit(alice, OpCode.getData, new GetDataRequest({ path: '/s', watch: false })))).toBe(Code.NOAUTH);
    login(h, alice, 'alice:pw');
    login(h, eve, 'alice:wrong');
    expect(err(h.submit(alice, OpCode.getData, new GetDataRequest({ path: '/s', watch: false })))).toBe(Code.OK);
    expect(err(h.submit(eve, OpCode.getData, new GetDataRequest({ path: '/s', watch: false })))).toBe(Code.NOAUTH);
  });

  test('"auth" expands to every digest identity of the creator, never to ip', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    expect(err(h.submit(c, OpCode.create, create('/mine', [acl(Perms.ALL, 'auth', '')])))).toBe(Code.INVALIDACL);
    login(h, c, 'a:1');
    login(h, c, 'b:2');
    expect(err(h.submit(c, OpCode.create, create('/mine', [acl(Perms.READ | Perms.WRITE, 'auth', 'ignored')])))).toBe(Code.OK);
    expect(h.tree.getACL('/mine', null).map((a) => [a.perms, a.id.scheme, a.id.id])).toEqual([
      [3, 'digest', generateDigest('a:1')],
      [3, 'digest', generateDigest('b:2')],
    ]);
  });

  test('duplicate ACL entries are stored once; a bad digest id is InvalidACL', () => {
    const reg = new ProviderRegistry();
    const dup = [acl(Perms.ALL, 'world', 'anyone'), acl(Perms.ALL, 'world', 'anyone')];
    expect(fixupACL(reg, '/x', [], dup)).toHaveLength(1);
    expect(() => fixupACL(reg, '/x', [], [acl(Perms.ALL, 'digest', 'nocolon')])).toThrow(expect.objectContaining({ code: Code.INVALIDACL }));
    expect(() => fixupACL(reg, '/x', [], [acl(Perms.ALL, 'unknown', 'x')])).toThrow(expect.objectContaining({ code: Code.INVALIDACL }));
    expect(() => fixupACL(reg, '/x', [], null)).toThrow(expect.objectContaining({ code: Code.INVALIDACL }));
  });

  test('whoAmI lists the connection ids, digest as its user name', () => {
    const h = new Harness();
    const c = h.client(0x100n);
    login(h, c, 'carol:pw');
    const r = h.submit(c, OpCode.whoAmI, null);
    expect((r.body as WhoAmIResponse).clientInfo!.map((i) => [i.authScheme, i.user])).toEqual([
      ['ip', '127.0.0.1'],
      ['digest', 'carol'],
    ]);
  });
});

describe('ip scheme', () => {
  test('an ip ACL with a mask admits clients in the network only', () => {
    const h = new Harness();
    const inside = h.client(0x100n, '10.1.2.3');
    const outside = h.client(0x200n, '192.168.1.1');
    h.submit(inside, OpCode.create, create('/net', [acl(Perms.ALL, 'ip', '10.0.0.0/8')]));
    expect(err(h.submit(inside, OpCode.getData, new GetDataRequest({ path: '/net', watch: false })))).toBe(Code.OK);
    expect(err(h.submit(outside, OpCode.getData, new GetDataRequest({ path: '/net', watch: false })))).toBe(Code.NOAUTH);
    expect(err(h.submit(inside, OpCode.create, create('/bad', [acl(Perms.ALL, 'ip', '10.0.0.0/40')])))).toBe(Code.INVALIDACL);
  });

  test('IPv6 clients match IPv6 ACLs', () => {
    const h = new Harness();
    const v6 = h.client(0x100n, '2001:db8:0:0:0:0:0:7');
    h.submit(v6, OpCode.create, create('/v6', [acl(Perms.ALL, 'ip', '2001:db8::/32')]));
    expect(err(h.submit(v6, OpCode.getData, new GetDataRequest({ path: '/v6', watch: false })))).toBe(Code.OK);
  });
});

describe('super', () => {
  test('the superDigest password bypasses every ACL', () => {
    const h = new Harness({ superDigest: generateDigest('super:secret') });
    const c = h.client(0x100n);
    h.submit(c, OpCode.create, create('/vault', [acl(Perms.ALL, 'digest', generateDigest('owner:pw'))]));
    expect(err(h.submit(c, OpCode.getData, new GetDataRequest({ path: '/vault', watch: false })))).toBe(Code.NOAUTH);
    login(h, c, 'super:secret');
    expect(c.authInfo.some((i) => i.scheme === 'super')).toBe(true);
    expect(err(h.submit(c, OpCode.getData, new GetDataRequest({ path: '/vault', watch: false })))).toBe(Code.OK);
    expect(err(h.submit(c, OpCode.setACL, new SetACLRequest({ path: '/vault', acl: open(), version: -1 })))).toBe(Code.OK);
  });

  test('checkACL: an empty ACL is open; a super id passes; otherwise NoAuth', () => {
    const reg = new ProviderRegistry();
    expect(() => checkACL(reg, [], Perms.ADMIN, [])).not.toThrow();
    const locked = [acl(Perms.READ, 'digest', 'x:y')];
    expect(() => checkACL(reg, locked, Perms.READ, [new Id({ scheme: 'super', id: '' })])).not.toThrow();
    expect(() => checkACL(reg, locked, Perms.READ, [new Id({ scheme: 'digest', id: 'x:z' })])).toThrow(expect.objectContaining({ code: Code.NOAUTH }));
    expect(() => checkACL(reg, locked, Perms.WRITE, [new Id({ scheme: 'digest', id: 'x:y' })])).toThrow(expect.objectContaining({ code: Code.NOAUTH }));
  });
});
