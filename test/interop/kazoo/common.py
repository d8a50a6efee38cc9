"""Shared helpers for the kazoo interop scripts.

Each script takes the server as argv[1] (host:port), drives kazoo 2.8 against it and
prints ONE JSON object on stdout. Values are made server-independent: zxids are printed
relative to a base the script picks, session ids and times are left out.

kazoo 2.8 has no container / TTL / persistent-watch / whoami API, so those requests are
defined here the way kazoo defines its own (a namedtuple with `type`, `serialize` and
`deserialize`) and sent through kazoo's own connection with `client._call`.
"""
import json
import struct
import sys
from collections import namedtuple

from kazoo.client import KazooClient
from kazoo.protocol.serialization import Create2, int_struct, read_string, write_buffer, write_string

HOSTS = sys.argv[1] if len(sys.argv) > 1 else '127.0.0.1:2181'


def client(**kw):
    kw.setdefault('timeout', 4.0)
    c = KazooClient(hosts=HOSTS, **kw)
    c.start(timeout=10)
    return c


def emit(result):
    sys.stdout.write(json.dumps(result, sort_keys=True) + '\n')
    sys.stdout.flush()


def attempt(fn, *args, **kw):
    """{'ok': value} or {'error': 'ExceptionClass'}."""
    try:
        return {'ok': fn(*args, **kw)}
    except Exception as e:  # noqa: BLE001 - the class name is the result
        return {'error': type(e).__name__}


class Zxids(object):
    """Prints zxids relative to the first one seen, so two servers compare."""

    def __init__(self):
        self.base = None

    def rel(self, z):
        if z == 0:
            return 'zero'
        if self.base is None:
            self.base = z
        return z - self.base

    def stat(self, s):
        if s is None:
            return None
        return {
            'czxid': self.rel(s.czxid), 'mzxid': self.rel(s.mzxid), 'pzxid': self.rel(s.pzxid),
            'version': s.version, 'cversion': s.cversion, 'aversion': s.aversion,
            'ephemeral': s.ephemeralOwner != 0, 'dataLength': s.dataLength,
            'numChildren': s.numChildren,
        }


def acl_list(acls):
    return sorted([[a.perms, a.id.scheme, a.id.id] for a in acls])


def _acl_bytes(acl):
    b = bytearray(int_struct.pack(len(acl)))
    for a in acl:
        b.extend(int_struct.pack(a.perms) + write_string(a.id.scheme) + write_string(a.id.id))
    return b


class CreateTTL(namedtuple('CreateTTL', 'path data acl flags ttl')):
    type = 21

    def serialize(self):
        b = bytearray()
        b.extend(write_string(self.path))
        b.extend(write_buffer(self.data))
        b.extend(_acl_bytes(self.acl))
        b.extend(int_struct.pack(self.flags))
        b.extend(struct.pack('!q', self.ttl))
        return b

    @classmethod
    def deserialize(cls, bytes, offset):
        return Create2.deserialize(bytes, offset)


class CreateContainer(namedtuple('CreateContainer', 'path data acl')):
    type = 19

    def serialize(self):
        return Create2(self.path, self.data, self.acl, 4).serialize()

    @classmethod
    def deserialize(cls, bytes, offset):
        return Create2.deserialize(bytes, offset)


class AddWatch(namedtuple('AddWatch', 'path mode')):
    type = 106

    def serialize(self):
        return write_string(self.path) + int_struct.pack(self.mode)

    @classmethod
    def deserialize(cls, bytes, offset):
        return int_struct.unpack_from(bytes, offset)[0]


class WhoAmI(namedtuple('WhoAmI', 'unused')):
    """whoAmI has no body; the field only keeps the tuple truthy (kazoo tests `if request`)."""
    type = 107

    def __new__(cls):
        return super(WhoAmI, cls).__new__(cls, None)

    def serialize(self):
        return bytearray()

    @classmethod
    def deserialize(cls, bytes, offset):
        n = int_struct.unpack_from(bytes, offset)[0]
        offset += int_struct.size
        out = []
        for _ in range(n):
            scheme, offset = read_string(bytes, offset)
            user, offset = read_string(bytes, offset)
            out.append([scheme, user])
        return sorted(out)


def call(c, request):
    """Sends a request kazoo has no method for, through kazoo's connection."""
    async_result = c.handler.async_result()
    c._call(request, async_result)
    return async_result.get(timeout=10)

