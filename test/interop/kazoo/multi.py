"""Transactions (multi): all applied, or none with per-op results; CheckVersion."""
from common import Zxids, client, emit

z = Zxids()
c = client()
r = {}


def names(results):
    out = []
    for x in results:
        if isinstance(x, Exception):
            out.append(type(x).__name__)
        elif hasattr(x, 'czxid'):
            out.append(z.stat(x))
        else:
            out.append(x)
    return out


c.create('/tx', b'tx')
z.rel(c.exists('/tx').czxid)

t = c.transaction()
t.create('/tx/a', b'a')
t.create('/tx/s-', b's', sequence=True)
t.create('/tx/e', b'e', ephemeral=True)
t.set_data('/tx', b'tx1', version=0)
t.check('/tx', 1)
t.delete('/tx/a')
r['success'] = names(t.commit())
r['after_success'] = sorted(c.get_children('/tx'))

t = c.transaction()
t.create('/tx/b', b'b')
t.check('/tx', 99)
t.set_data('/tx', b'never')
r['failed_check'] = names(t.commit())
r['after_failed_check'] = [sorted(c.get_children('/tx')), c.get('/tx')[0].decode()]

t = c.transaction()
t.delete('/tx/none')
t.create('/tx/c', b'c')
r['failed_first'] = names(t.commit())

t = c.transaction()
t.create('/tx/d', b'd')
t.create('/tx/d', b'd')
r['failed_duplicate'] = names(t.commit())
r['after_duplicate'] = c.exists('/tx/d')

t = c.transaction()
t.create('/tx/e/child', b'')
r['failed_under_ephemeral'] = names(t.commit())

t = c.transaction()
t.create('/tx/x', b'')
t.create('/tx/x/y', b'')
t.set_data('/tx/x/y', b'yy', version=0)
t.check('/tx/x/y', 1)
t.delete('/tx/x/y', version=1)
t.delete('/tx/x')
r['sees_own_effects'] = names(t.commit())

with c.transaction() as t:
    t.create('/tx/ctx', b'ctx')
r['context_manager'] = c.exists('/tx/ctx') is not None
r['empty'] = names(c.transaction().commit())
r['final'] = sorted(c.get_children('/tx'))
c.stop()
c.close()
emit(r)
