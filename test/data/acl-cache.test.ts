import { ACL, Id } from '../../lib/jute/records/data';
import { Ids, Perms } from '../../lib/protocol';
import { OPEN_UNSAFE_ACL_ID, ReferenceCountedACLCache, UnknownAclReferenceError } from '../../lib/data/acl-cache';

const digestAcl = (user: string): ACL[] => [new ACL({ perms: Perms.ALL, id: new Id({ scheme: 'digest', id: user }) })];

describe('ReferenceCountedACLCache', () => {
  it('maps only null to -1; an explicit OPEN_ACL_UNSAFE list gets an entry', () => {
    const c = new ReferenceCountedACLCache();
    expect(c.convertAcls(null)).toBe(OPEN_UNSAFE_ACL_ID);
    expect(c.convertLong(-1n)).toEqual(Ids.OPEN_ACL_UNSAFE());
    expect(c.convertAcls(Ids.OPEN_ACL_UNSAFE())).toBe(1n);
    expect(c.size()).toBe(1);
  });

  it('stores equal lists once and counts their users', () => {
    const c = new ReferenceCountedACLCache();
    const a = c.convertAcls(digestAcl('u:x'));
    const b = c.convertAcls(digestAcl('u:x'));
    const d = c.convertAcls(digestAcl('v:y'));
    expect(a).toBe(b);
    expect(d).toBe(2n);
    expect(c.referenceCount(a)).toBe(2);
    c.removeUsage(a);
    expect(c.convertLong(a)).toEqual(digestAcl('u:x'));
    c.removeUsage(a);
    expect(c.size()).toBe(1);
    expect(() => c.convertLong(a)).toThrow(UnknownAclReferenceError);
    // References are never reused.
    expect(c.convertAcls(digestAcl('u:x'))).toBe(3n);
  });

  it('treats lists with the same entries in another order as different', () => {
    const c = new ReferenceCountedACLCache();
    const x = [...digestAcl('a'), ...digestAcl('b')];
    const y = [...digestAcl('b'), ...digestAcl('a')];
    expect(c.convertAcls(x)).not.toBe(c.convertAcls(y));
  });

  it('tells lists apart that differ from the last one only in perms, scheme or id', () => {
    const c = new ReferenceCountedACLCache();
    const acl = (perms: number, scheme: string, id: string) => [new ACL({ perms, id: new Id({ scheme, id }) })];
    const base = c.convertAcls(acl(Perms.ALL, 'digest', 'u:x'));
    expect(c.convertAcls(acl(Perms.READ, 'digest', 'u:x'))).not.toBe(base);
    expect(c.convertAcls(acl(Perms.ALL, 'digest', 'u:x'))).toBe(base);
    expect(c.convertAcls(acl(Perms.ALL, 'ip', 'u:x'))).not.toBe(base);
    expect(c.convertAcls(acl(Perms.ALL, 'digest', 'u:x'))).toBe(base);
    expect(c.convertAcls(acl(Perms.ALL, 'digest', 'u:y'))).not.toBe(base);
    expect(c.convertAcls([...acl(Perms.ALL, 'digest', 'u:x'), ...acl(Perms.ALL, 'digest', 'u:x')])).not.toBe(base);
    expect(c.convertAcls(acl(Perms.ALL, 'digest', 'u:x'))).toBe(base);
    expect(c.referenceCount(base)).toBe(4);
    expect(c.size()).toBe(5);
  });

  it('restores snapshot entries with zero usage and purges the unused', () => {
    const c = new ReferenceCountedACLCache();
    c.restore([
      [5n, digestAcl('a')],
      [9n, digestAcl('b')],
    ]);
    expect(c.aclIndex).toBe(9n);
    c.addUsage(5n);
    c.addUsage(42n); // unknown: ignored
    c.purgeUnused();
    expect([...c.entries()].map(([k]) => k)).toEqual([5n]);
    expect(c.convertAcls(digestAcl('a'))).toBe(5n);
    expect(c.convertAcls(digestAcl('c'))).toBe(10n);
  });
});
