import { silentLogger } from '../../lib/core/logger';
import { CreateRequest, decode, DeleteRequest, GetDataRequest, GetDataResponse, SetDataRequest } from '../../lib/jute';
import { Code, OpCode } from '../../lib/protocol';
import type { StandaloneServer } from '../../lib/server';
import { startDefaultStandaloneServer } from '../../plugins/defaults';
import { RawClient } from '../support/raw-client';
import { OPEN_ACL } from '../support/raw-ops';
import { serverFixture } from '../support/server-fixture';

/**
 * The value arena recycles a znode's old value slot after the turn that replaced it. If a
 * slot were reused while something still read it, a reply, a snapshot or the log would
 * carry another znode's bytes. Each value here names its znode and write, so any read
 * shows whether it is whole: four pipelining clients overwrite, read, delete and
 * recreate 120 znodes (value sizes across the arena's size classes, and some above its
 * limit) while snapshots are taken every 300 txns; then every znode must hold its last
 * write, before and after a restart from the snapshots and the log.
 */
jest.setTimeout(120_000);

const { servers, clients, newDir } = serverFixture('zoolab-arena-');
const KEYS = 120;
/** Across the arena's 64-byte size classes and its 4 KiB limit; each holds a whole `k<key>#<write>|`. */
const SIZES = [16, 63, 64, 65, 700, 1024, 4096, 5000];

function valueOf(key: number, write: number, size: number): Buffer {
  const unit = `k${key}#${write}|`;
  return Buffer.from(unit.repeat(Math.ceil(size / unit.length)).slice(0, size));
}

/** The key and write a value names, or null if its bytes are not one whole value. */
function parse(v: Buffer): { key: number; write: number } | null {
  const m = /^k(\d+)#(\d+)\|/.exec(v.subarray(0, 32).toString());
  if (m === null) return null;
  const key = Number(m[1]);
  const write = Number(m[2]);
  return valueOf(key, write, v.length).equals(v) ? { key, write } : null;
}

async function start(dataDir: string): Promise<StandaloneServer> {
  const s = await startDefaultStandaloneServer(
    { clientPort: 0, clientPortAddress: '127.0.0.1', tickTime: 200, dataDir, dataLogDir: dataDir, snapCount: 300 },
    { logger: silentLogger, seed: 11 },
  );
  servers.push(s);
  return s;
}

async function connect(s: StandaloneServer): Promise<RawClient> {
  const c = await RawClient.connect(s.host, s.port, { timeout: 8000 });
  clients.push(c);
  return c;
}

test('values stay whole under overwrites, reads, deletes and snapshots, and after a restart', async () => {
  const dir = newDir();
  let server = await start(dir);
  const cs = await Promise.all([0, 1, 2, 3].map(() => connect(server)));
  /** Per key: the zxid and value of its last applied write (null: deleted). */
  const last = new Map<number, { zxid: bigint; value: Buffer | null }>();
  const record = (key: number, zxid: bigint, value: Buffer | null) => {
    const prev = last.get(key);
    if (prev === undefined || zxid > prev.zxid) last.set(key, { zxid, value });
  };
  for (let k = 0; k < KEYS; k++) {
    const v = valueOf(k, 0, SIZES[k % SIZES.length]);
    const r = await cs[0].request(OpCode.create, new CreateRequest({ path: `/k${k}`, data: v, acl: OPEN_ACL(), flags: 0 }));
    expect(r.err).toBe(Code.OK);
    record(k, r.zxid, v);
  }

  let write = 0;
  let rng = 12345;
  const next = (n: number) => {
    rng = (rng * 1103515245 + 12345) & 0x7fffffff;
    return rng % n;
  };
  let reads = 0;
  for (let round = 0; round < 30; round++) {
    const pending: Array<Promise<void>> = [];
    for (const c of cs) {
      for (let i = 0; i < 40; i++) {
        const key = next(KEYS);
        const op = next(10);
        if (op < 5) {
          const v = valueOf(key, ++write, SIZES[next(SIZES.length)]);
          pending.push(
            c.request(OpCode.setData, new SetDataRequest({ path: `/k${key}`, data: v, version: -1 })).then((r) => {
              if (r.err === Code.OK) record(key, r.zxid, v);
              else expect(r.err).toBe(Code.NONODE);
            }),
          );
        } else if (op < 9) {
          pending.push(
            c.request(OpCode.getData, new GetDataRequest({ path: `/k${key}`, watch: false })).then((r) => {
              if (r.err !== Code.OK) return expect(r.err).toBe(Code.NONODE);
              const data = decode(GetDataResponse, r.body).data ?? Buffer.alloc(0);
              expect(parse(data)?.key).toBe(key);
              reads++;
            }),
          );
        } else {
          const v = valueOf(key, ++write, SIZES[next(SIZES.length)]);
          pending.push(
            c.request(OpCode.delete, new DeleteRequest({ path: `/k${key}`, version: -1 })).then(async (r) => {
              if (r.err === Code.OK) record(key, r.zxid, null);
              const again = await c.request(OpCode.create, new CreateRequest({ path: `/k${key}`, data: v, acl: OPEN_ACL(), flags: 0 }));
              if (again.err === Code.OK) record(key, again.zxid, v);
              else expect(again.err).toBe(Code.NODEEXISTS);
            }),
          );
        }
      }
    }
    await Promise.all(pending);
  }
  expect(reads).toBeGreaterThan(1000);
  expect(server.server.dataTree.valueArena!.stats().values).toBeGreaterThan(0);

  const check = async (c: RawClient) => {
    for (let k = 0; k < KEYS; k++) {
      const expected = last.get(k)!.value;
      const r = await c.request(OpCode.getData, new GetDataRequest({ path: `/k${k}`, watch: false }));
      if (expected === null) {
        expect(r.err).toBe(Code.NONODE);
        continue;
      }
      expect(r.err).toBe(Code.OK);
      expect(decode(GetDataResponse, r.body).data ?? Buffer.alloc(0)).toEqual(expected);
    }
  };
  await check(cs[0]);

  servers.splice(servers.indexOf(server), 1);
  for (const c of clients.splice(0)) c.destroy();
  await server.close();
  server = await start(dir);
  await check(await connect(server));
});
