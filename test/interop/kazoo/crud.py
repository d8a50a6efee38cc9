"""Create in every mode, read, update, delete, with the errors kazoo raises."""
from kazoo.security import OPEN_ACL_UNSAFE

from common import (CreateContainer, CreateTTL, Zxids, attempt, call, client, emit)

z = Zxids()
c = client()
r = {}

c.create('/k', b'root')
r['base'] = z.rel(c.exists('/k').czxid)
r['persistent'] = c.create('/k/p', b'p')
r['ephemeral'] = c.create('/k/e', b'e', ephemeral=True)
r['sequential'] = [c.create('/k/s-', b's', sequence=True) for _ in range(3)]
r['ephemeral_sequential'] = c.create('/k/es-', b'es', ephemeral=True, sequence=True)
r['makepath'] = c.create('/k/a/b/c', b'deep', makepath=True)
path, stat = c.create('/k/with-stat', b'12345', include_data=True)
r['include_data'] = [path, z.stat(stat)]
r['container'] = [call(c, CreateContainer('/k/container', b'c', OPEN_ACL_UNSAFE))[0]]
r['ttl'] = [call(c, CreateTTL('/k/ttl', b't', OPEN_ACL_UNSAFE, 5, 60000))[0]]
ttl_seq = call(c, CreateTTL('/k/ttl-', b't', OPEN_ACL_UNSAFE, 6, 60000))
r['ttl_sequential'] = ttl_seq[0]
r['ttl_stat_ephemeral'] = ttl_seq[1].ephemeralOwner
r['ttl_zero'] = attempt(call, c, CreateTTL('/k/ttl0', b't', OPEN_ACL_UNSAFE, 5, 0))
r['container_missing_parent'] = attempt(call, c, CreateContainer('/nope/c', b'', OPEN_ACL_UNSAFE))

r['create_exists'] = attempt(c.create, '/k/p', b'x')
r['create_no_parent'] = attempt(c.create, '/missing/x', b'x')
r['create_under_ephemeral'] = attempt(c.create, '/k/e/child', b'x')

data, stat = c.get('/k/p')
r['get'] = [data.decode(), z.stat(stat)]
r['get_missing'] = attempt(c.get, '/k/none')
r['exists'] = z.stat(c.exists('/k/p'))
r['exists_missing'] = c.exists('/k/none')
r['exists_ephemeral'] = z.stat(c.exists('/k/e'))
r['set'] = z.stat(c.set('/k/p', b'p1', version=0))
r['set_bad_version'] = attempt(c.set, '/k/p', b'p2', version=0)
r['set_any'] = z.stat(c.set('/k/p', b'p3'))
r['set_missing'] = attempt(c.set, '/k/none', b'x')
r['children'] = sorted(c.get_children('/k'))
children, stat = c.get_children('/k', include_data=True)
r['children_with_stat'] = [sorted(children), z.stat(stat)]
r['children_missing'] = attempt(c.get_children, '/k/none')
r['root_children'] = sorted(c.get_children('/'))

r['delete_bad_version'] = attempt(c.delete, '/k/p', version=7)
r['delete_not_empty'] = attempt(c.delete, '/k/a')
r['delete'] = attempt(c.delete, '/k/p', version=2)
r['delete_missing'] = attempt(c.delete, '/k/p')
r['delete_recursive'] = attempt(c.delete, '/k/a', recursive=True)
r['after_recursive'] = c.exists('/k/a')

r['ensure_path'] = attempt(c.ensure_path, '/k/x/y/z')
r['ensure_path_again'] = attempt(c.ensure_path, '/k/x/y/z')
r['ensure_exists'] = c.exists('/k/x/y/z') is not None
r['sync'] = c.sync('/k')
r['sync_root'] = c.sync('/')
r['big'] = len(c.get(c.create('/k/big', b'z' * 500000))[0])
r['unicode'] = c.get(c.create(u'/k/\u00fcnic\u00f8de', u'\u2603'.encode('utf-8')))[0].decode('utf-8')
r['ruok'] = c.command(b'ruok')
r['final_children'] = sorted(c.get_children('/k'))

c.stop()
c.close()
emit(r)
