"""Sessions through kazoo: a dropped connection resumes the same session and restores its
watches (SetWatches); a session resumed by id from another process keeps its ephemerals;
a session that expires loses its ephemerals, fires watches, and cannot be resumed.

`session.py HOST child TIMEOUT PATH` is the helper process: it opens a session, creates an
ephemeral at PATH, prints the session id and password, and exits without closing it."""
import binascii
import json
import os
import socket
import subprocess
import sys
import threading
import time

from kazoo.client import KazooClient
from kazoo.protocol.states import KazooState

from common import HOSTS, client, emit

if len(sys.argv) > 2 and sys.argv[2] == 'child':
    c = KazooClient(hosts=HOSTS, timeout=float(sys.argv[3]))
    c.start(timeout=10)
    c.create(sys.argv[4], b'child', ephemeral=True)
    sid, pw = c.client_id
    sys.stdout.write(json.dumps({'sid': sid, 'pw': binascii.hexlify(pw).decode()}) + '\n')
    sys.stdout.flush()
    os._exit(0)  # no closeSession: the server sees the connection drop, nothing more


def child_session(timeout, path):
    out = subprocess.check_output([sys.executable, __file__, HOSTS, 'child', str(timeout), path])
    d = json.loads(out.decode().strip().splitlines()[-1])
    return d['sid'], binascii.unhexlify(d['pw'])


def wait_for(pred, timeout=10.0):
    deadline = time.time() + timeout
    while not pred() and time.time() < deadline:
        time.sleep(0.02)
    return pred()


r = {}
actor = client()
actor.create('/s', b's0')

# 1. A dropped connection: kazoo reconnects with the same session. kazoo 2.8 sends no
# SetWatches: it fires its watches with a NONE event on the drop, and the DataWatch recipe
# re-reads after reconnecting, so it sees a change made while the connection was down.
c = client()
states = []
events = []
seen = []
sid_before = c.client_id[0]
c.create('/s/mine', b'', ephemeral=True)
c.get('/s', watch=lambda e: events.append([e.type, e.path]))
c.DataWatch('/s', lambda data, stat: seen.append(data.decode()))
wait_for(lambda: seen)
changed_while_down = threading.Event()


def on_state(state):
    states.append(state)
    if state == KazooState.SUSPENDED and not changed_while_down.is_set():
        actor.set('/s', b'changed while disconnected')  # before kazoo reconnects
        changed_while_down.set()


c.add_listener(on_state)
c._connection._socket.shutdown(socket.SHUT_RDWR)
wait_for(lambda: states[-1:] == [KazooState.CONNECTED] and seen[-1:] == ['changed while disconnected'])
r['drop_states'] = list(states)
r['drop_same_session'] = c.client_id[0] == sid_before
r['drop_watch_fired_none'] = events
r['drop_data_watch_recipe'] = seen
r['drop_ephemeral_kept'] = c.exists('/s/mine') is not None

# 2. Resuming a session by id and password from another process.
sid, pw = child_session(4.0, '/s/handoff')
resumed = KazooClient(hosts=HOSTS, timeout=4.0, client_id=(sid, pw))
resumed.start(timeout=10)
r['resume_same_session'] = resumed.client_id[0] == sid
r['resume_ephemeral_kept'] = resumed.exists('/s/handoff') is not None
r['resume_owner'] = resumed.exists('/s/handoff').ephemeralOwner == sid
resumed.stop()
resumed.close()
r['resume_close_deletes'] = actor.exists('/s/handoff') is None

# 3. Expiry: the ephemeral goes, watchers hear it, the old id is refused.
gone = []
sid, pw = child_session(0.8, '/s/doomed')
actor.exists('/s/doomed', watch=lambda e: gone.append([e.type, e.path]))
actor.get_children('/s', watch=lambda e: gone.append([e.type, e.path]))
t0 = time.time()
wait_for(lambda: len(gone) >= 2)
r['expiry_events'] = sorted(gone)
r['expiry_within_timeout_bound'] = time.time() - t0 < 5
r['expiry_ephemeral_gone'] = actor.exists('/s/doomed') is None
late_states = []
late = KazooClient(hosts=HOSTS, timeout=4.0, client_id=(sid, pw))
late.add_listener(lambda s: late_states.append(s))
try:
    late.start(timeout=10)
    # kazoo starts in LOST, so the refusal (EXPIRED_SESSION -> LOST) is no visible change;
    # it drops the old id and connects with a new session.
    wait_for(lambda: KazooState.CONNECTED in late_states)
    r['expired_resume_states'] = list(late_states)
    r['expired_resume_new_session'] = late.client_id[0] not in (sid, None)
finally:
    late.stop()
    late.close()

c.stop()
c.close()
r['close_deletes_ephemeral'] = actor.exists('/s/mine') is None
actor.stop()
actor.close()
emit(r)
