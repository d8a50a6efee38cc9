"""ACL schemes world / auth / digest / ip, add_auth, get_acls / set_acls, super, whoami."""
from kazoo.security import (CREATOR_ALL_ACL, OPEN_ACL_UNSAFE, READ_ACL_UNSAFE, make_acl,
                            make_digest_acl)

from common import WhoAmI, Zxids, acl_list, attempt, call, client, emit

z = Zxids()
owner = client(auth_data=[('digest', 'alice:secret')])
other = client()
r = {}

owner.create('/acl', b'')
r['whoami_owner'] = call(owner, WhoAmI())
r['whoami_other'] = call(other, WhoAmI())

owner.create('/acl/digest', b'd', acl=[make_digest_acl('alice', 'secret', all=True)])
r['digest_acl'] = acl_list(owner.get_acls('/acl/digest')[0])
r['digest_owner_get'] = owner.get('/acl/digest')[0].decode()
r['digest_other_get'] = attempt(other.get, '/acl/digest')
r['digest_other_exists'] = other.exists('/acl/digest') is not None
r['digest_other_children'] = attempt(other.get_children, '/acl/digest')
r['digest_other_get_acls'] = attempt(other.get_acls, '/acl/digest')
r['digest_other_set'] = attempt(other.set, '/acl/digest', b'x')

owner.create('/acl/creator', b'c', acl=CREATOR_ALL_ACL)
r['creator_acl'] = acl_list(owner.get_acls('/acl/creator')[0])
r['creator_without_auth'] = attempt(other.create, '/acl/creator2', b'c', acl=CREATOR_ALL_ACL)

owner.create('/acl/ro', b'ro', acl=READ_ACL_UNSAFE)
r['ro_get'] = other.get('/acl/ro')[0].decode()
r['ro_set'] = attempt(other.set, '/acl/ro', b'x')
r['ro_create_child'] = attempt(other.create, '/acl/ro/child', b'x')
r['ro_set_acls'] = attempt(other.set_acls, '/acl/ro', OPEN_ACL_UNSAFE)

owner.create('/acl/ip', b'ip', acl=[make_acl('ip', '127.0.0.1', read=True)])
owner.create('/acl/ip-other', b'ip', acl=[make_acl('ip', '10.9.8.7', all=True)])
r['ip_get'] = other.get('/acl/ip')[0].decode()
r['ip_other_get'] = attempt(other.get, '/acl/ip-other')
r['bad_ip_acl'] = attempt(owner.create, '/acl/bad', b'', acl=[make_acl('ip', 'nonsense', all=True)])
r['bad_scheme_acl'] = attempt(owner.create, '/acl/bad', b'', acl=[make_acl('nope', 'x', all=True)])
r['empty_acl_means_kazoo_default'] = attempt(owner.create, '/acl/bad', b'', acl=[])

# add_auth later in the session opens the digest node for `other`.
other.add_auth('digest', 'alice:secret')
r['after_add_auth_get'] = other.get('/acl/digest')[0].decode()
r['whoami_after_add_auth'] = call(other, WhoAmI())

acls, stat = owner.get_acls('/acl/creator')
r['get_acls_stat'] = z.stat(stat)
r['set_acls_bad_version'] = attempt(owner.set_acls, '/acl/creator', OPEN_ACL_UNSAFE, version=5)
r['set_acls'] = z.stat(owner.set_acls('/acl/creator', OPEN_ACL_UNSAFE + READ_ACL_UNSAFE, version=0))
r['set_acls_result'] = acl_list(owner.get_acls('/acl/creator')[0])
r['set_acls_no_admin'] = attempt(owner.set_acls, '/acl/ro', OPEN_ACL_UNSAFE)
r['set_acls_missing'] = attempt(owner.set_acls, '/acl/none', OPEN_ACL_UNSAFE)
r['get_acls_missing'] = attempt(owner.get_acls, '/acl/none')

# The super user (super:secret on both targets) passes every check.
superuser = client(auth_data=[('digest', 'super:secret')])
owner.create('/acl/locked', b'locked', acl=[make_digest_acl('bob', 'pw', all=True)])
r['super_get'] = superuser.get('/acl/locked')[0].decode()
r['super_whoami'] = call(superuser, WhoAmI())

# A bad scheme fails authentication.
bad = client()
r['bad_auth'] = attempt(bad.add_auth, 'nosuchscheme', 'x')

for c in (owner, other, superuser):
    c.stop()
    c.close()
try:
    bad.stop()
    bad.close()
except Exception:  # noqa: BLE001 - already failed
    pass
emit(r)
