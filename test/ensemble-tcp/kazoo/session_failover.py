"""A kazoo session that must outlive the server it is connected to.

argv[1]: the connect string, the server to be killed first (kazoo tries hosts in order
with randomize_hosts=False). Prints one JSON line when connected ("ready", with the
port of the connected server), waits for a line on stdin (the test kills that server
meanwhile), then checks the session from whichever server it reconnected to and prints
the result as a second JSON line.
"""
import json
import sys
import threading
import time

from kazoo.client import KazooClient, KazooState
from kazoo.retry import KazooRetry


def emit(obj):
    sys.stdout.write(json.dumps(obj, sort_keys=True) + '\n')
    sys.stdout.flush()


def connected_port(zk):
    for line in zk.command(b'conf').splitlines():
        if line.startswith('clientPort='):
            return int(line.split('=', 1)[1])
    return None


hosts = sys.argv[1]
states = []
retry = KazooRetry(max_tries=-1, delay=0.1, max_delay=0.5)
zk = KazooClient(hosts=hosts, timeout=6.0, randomize_hosts=False, connection_retry=dict(max_tries=-1, delay=0.1, max_delay=0.5))
zk.add_listener(lambda s: states.append(str(s)))
zk.start(timeout=20)
session = zk.client_id[0]
zk.create('/kazoo-ephemeral', b'mine', ephemeral=True)
zk.ensure_path('/kazoo-watched')
fired = threading.Event()
zk.get('/kazoo-watched', watch=lambda ev: fired.set())
emit({'ready': True, 'port': connected_port(zk)})

sys.stdin.readline()
# The server is gone: kazoo suspends, reconnects to another one, and the session goes on.
deadline = time.time() + 30
while time.time() < deadline and (zk.state != KazooState.CONNECTED or 'SUSPENDED' not in states):
    time.sleep(0.05)
retry(zk.set, '/kazoo-watched', b'changed after failover')
fired.wait(10)
stat = retry(zk.exists, '/kazoo-ephemeral')
emit({
    'states': states,
    'same_session': zk.client_id[0] == session,
    'ephemeral_kept': stat is not None and stat.ephemeralOwner == session,
    'watch_fired': fired.is_set(),
    'port': retry(connected_port, zk),
    'data': retry(zk.get, '/kazoo-watched')[0].decode(),
})
zk.stop()
zk.close()
