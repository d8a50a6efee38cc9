"""One-shot data / exist / child watches, the DataWatch and ChildrenWatch recipes, and
persistent / persistent-recursive watches (AddWatch sent through kazoo's connection; their
notifications are read where kazoo's connection thread decodes them)."""
import threading
import time

from kazoo.protocol.serialization import Watch

from common import AddWatch, call, client, emit

watcher = client()
actor = client()
r = {}

raw = []
_orig = watcher._connection._read_watch_event


def _spy(buffer, offset):
    event, _ = Watch.deserialize(buffer, offset)
    raw.append([event.type, event.state, event.path])
    return _orig(buffer, offset)


watcher._connection._read_watch_event = _spy
lock = threading.Lock()
seen = []


def record(tag):
    def fn(event):
        with lock:
            seen.append([tag, event.type, event.state, event.path])
    return fn


def settle(n=None, timeout=5.0):
    """Waits until the watcher has received the notifications caused so far."""
    watcher.sync('/')  # its reply follows every notification already triggered
    deadline = time.time() + timeout
    while n is not None and len(seen) < n and time.time() < deadline:
        time.sleep(0.01)
    time.sleep(0.05)
    with lock:
        out = list(seen)
        del seen[:]
    return out


actor.create('/w', b'w')
watcher.get('/w', watch=record('get'))
actor.set('/w', b'w1')
r['data_watch'] = settle(1)
actor.set('/w', b'w2')
r['data_watch_is_one_shot'] = settle()

watcher.exists('/w/new', watch=record('exists'))
actor.create('/w/new', b'n')
r['exist_watch_created'] = settle(1)
watcher.exists('/w/new', watch=record('exists'))
actor.delete('/w/new')
r['exist_watch_deleted'] = settle(1)

watcher.get_children('/w', watch=record('children'))
actor.create('/w/c', b'c')
r['child_watch'] = settle(1)
watcher.get('/w/c', watch=record('get'))
watcher.get_children('/w', watch=record('children'))
actor.delete('/w/c')
r['delete_fires_data_and_child'] = sorted(settle(2))

def wait_len(items, n, timeout=5.0):
    deadline = time.time() + timeout
    while len(items) < n and time.time() < deadline:
        time.sleep(0.01)


# The recipes re-read after each notification; wait for each step so none is coalesced.
versions = []
watcher.DataWatch('/w/dw', lambda data, stat: versions.append(None if stat is None else [data.decode(), stat.version]))
wait_len(versions, 1)
actor.create('/w/dw', b'a')
wait_len(versions, 2)
actor.set('/w/dw', b'b')
wait_len(versions, 3)
actor.delete('/w/dw')
wait_len(versions, 4)
r['data_watch_recipe'] = versions

kids = []
watcher.ChildrenWatch('/w', lambda children: kids.append(sorted(children)))
wait_len(kids, 1)
actor.create('/w/k1', b'')
wait_len(kids, 2)
actor.create('/w/k2', b'')
wait_len(kids, 3)
actor.delete('/w/k1')
wait_len(kids, 4)
r['children_watch_recipe'] = kids

del raw[:]
r['add_watch_persistent'] = call(watcher, AddWatch('/pw', 0))
actor.create('/pw', b'')
actor.set('/pw', b'1')
actor.create('/pw/c', b'')
actor.set('/pw/c', b'x')
actor.delete('/pw/c')
actor.set('/pw', b'2')
settle()
r['persistent_events'] = list(raw)

del raw[:]
r['add_watch_recursive'] = call(watcher, AddWatch('/rw', 1))
actor.create('/rw', b'')
actor.create('/rw/a', b'')
actor.create('/rw/a/b', b'')
actor.set('/rw/a/b', b'x')
actor.delete('/rw/a/b')
actor.set('/rw', b'y')
settle()
r['recursive_events'] = list(raw)

actor.stop()
actor.close()
watcher.stop()
watcher.close()
emit(r)
