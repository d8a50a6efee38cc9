import { decode, encode, Stat, CreateRequest, ACL, Id, RECORD_CATALOG } from '../../lib/jute';

test('a Stat round-trips and has the Java signature', () => {
  const s = new Stat({ czxid: 0x0123456789abcdefn, ephemeralOwner: -2n, version: 3 });
  const b = encode(s);
  expect(b.length).toBe(68);
  const d = decode(Stat, b);
  expect(d).toBeInstanceOf(Stat);
  expect(d.czxid).toBe(0x0123456789abcdefn);
  expect(d.ephemeralOwner).toBe(-2n);
  expect(Stat.signature).toBe('LStat(lllliiiliil)');
  const c = new CreateRequest({ path: '/a', data: Buffer.from('x'), acl: [new ACL({ perms: 31, id: new Id({ scheme: 'world', id: 'anyone' }) })], flags: 0 });
  const dc = decode(CreateRequest, encode(c));
  expect(dc.acl![0].id.scheme).toBe('world');
  expect(RECORD_CATALOG.size).toBeGreaterThan(60);
});
