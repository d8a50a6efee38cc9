import { join } from 'node:path';
import { silentLogger } from '../../lib/core/logger';
import { parseZooCfg } from '../../lib/config/zoo-cfg';
import { AuthPacket, CreateRequest, ExistsRequest, GetDataRequest, SetDataRequest } from '../../lib/jute';
import { CloseSessionTxn } from '../../lib/jute/records/txn';
import type { TxnEntry } from '../../lib/persistence/txn-log';
import { Code, CreateMode, OpCode, Perms, Xid } from '../../lib/protocol';
import type { StandaloneServer } from '../../lib/server';
import { startDefaultStandaloneServer } from '../../plugins/defaults';
import { nodeFileIO } from '../../plugins/storage-file';
import { readTxnLog } from '../../plugins/storage-file/file-txn-iterator';
import { generateDigest } from '../support/java-zookeeper';
import { RawClient } from '../support/raw-client';
import { serverFixture } from '../support/server-fixture';
import { acl, OPEN_ACL } from '../support/raw-ops';
import { APP_AT_COUNT_HARD_LIMIT } from '../support/quota-fixture';

/**
 * The ZooKeeperServer switches Java reads from system properties, which zoo.cfg sets for
 * any key QuorumPeerConfig does not know (skipACL=yes becomes zookeeper.skipACL=yes):
 * each one from zoo.cfg text to what a client sees.
 */
jest.setTimeout(30_000);

const { servers, clients, newDir } = serverFixture('zoolab-props-');

async function startFromCfg(lines: string[], dataDir = newDir()): Promise<{ server: StandaloneServer; dataDir: string }> {
  const { config } = parseZooCfg([`dataDir=${dataDir}`, 'clientPort=0', 'tickTime=200', ...lines].join('\n'));
  const server = await startDefaultStandaloneServer({ ...config, clientPortAddress: '127.0.0.1' }, { logger: silentLogger, seed: 3 });
  servers.push(server);
  return { server, dataDir };
}

async function client(s: StandaloneServer): Promise<RawClient> {
  const c = await RawClient.connect(s.host, s.port, { timeout: 4000 });
  clients.push(c);
  return c;
}

const create = (path: string, data: string, acls = OPEN_ACL(), flags = 0) => new CreateRequest({ path, data: Buffer.from(data), acl: acls, flags });

describe('skipACL (zookeeper.skipACL)', () => {
  const USER = 'owner:secret';

  async function guardedNode(s: StandaloneServer): Promise<void> {
    const owner = await client(s);
    const auth = await owner.request(OpCode.auth, new AuthPacket({ type: 0, scheme: 'digest', auth: Buffer.from(USER) }), { xid: Xid.auth });
    expect(auth.err).toBe(Code.OK);
    const made = await owner.request(OpCode.create, create('/guarded', 'private', [acl(Perms.ALL, 'digest', generateDigest(USER))]));
    expect(made.err).toBe(Code.OK);
  }

  it.each([
    ['yes', Code.OK],
    ['no', Code.NOAUTH],
  ])('skipACL=%s: a client without the digest reads and writes a digest-only znode with %s', async (value, expected) => {
    const { server } = await startFromCfg([`skipACL=${value}`]);
    await guardedNode(server);
    const stranger = await client(server);
    expect((await stranger.request(OpCode.getData, new GetDataRequest({ path: '/guarded', watch: false }))).err).toBe(expected);
    expect((await stranger.request(OpCode.setData, new SetDataRequest({ path: '/guarded', data: Buffer.from('x'), version: -1 }))).err).toBe(expected);
  });

  it('refuses a value Java would silently read as "no"', () => {
    expect(() => parseZooCfg('dataDir=/tmp/x\nskipACL=true')).toThrow(/skipACL: "true" is not 'yes' or 'no'/);
  });
});

describe('enforceQuota (zookeeper.enforceQuota)', () => {
  async function overQuota(s: StandaloneServer): Promise<number> {
    const c = await client(s);
    for (const [path, data] of APP_AT_COUNT_HARD_LIMIT) expect((await c.request(OpCode.create, create(path, data))).err).toBe(Code.OK);
    return (await c.request(OpCode.create, create('/app/b', 'two'))).err;
  }

  it('enforceQuota=true: a create past a hard count limit fails with QuotaExceeded', async () => {
    const { server } = await startFromCfg(['enforceQuota=true']);
    expect(await overQuota(server)).toBe(Code.QUOTAEXCEEDED);
  });

  it('off by default: the same create goes through (the quota is only logged)', async () => {
    const { server } = await startFromCfg([]);
    expect(await overQuota(server)).toBe(Code.OK);
  });
});

describe('closeSessionTxn.enabled (zookeeper.closeSessionTxn.enabled)', () => {
  async function closeWithEphemeral(lines: string[]): Promise<{ close: TxnEntry; dataDir: string }> {
    const { server, dataDir } = await startFromCfg(lines);
    const c = await client(server);
    expect((await c.request(OpCode.create, create('/eph', 'e', OPEN_ACL(), CreateMode.EPHEMERAL))).err).toBe(Code.OK);
    await c.closeSession();
    const other = await client(server);
    expect((await other.request(OpCode.exists, new ExistsRequest({ path: '/eph', watch: false }))).err).toBe(Code.NONODE);
    await server.close();
    const logged: TxnEntry[] = [];
    for await (const e of readTxnLog(nodeFileIO, join(dataDir, 'version-2'), 0n)) logged.push(e);
    const close = logged.filter((e) => e.hdr.type === OpCode.closeSession);
    expect(close).toHaveLength(1);
    return { close: close[0], dataDir };
  }

  it('on by default: the closeSession txn lists the ephemerals it deletes', async () => {
    const { close } = await closeWithEphemeral([]);
    expect(close.txn).toBeInstanceOf(CloseSessionTxn);
    expect((close.txn as CloseSessionTxn).paths2Delete).toEqual(['/eph']);
  });

  it('closeSessionTxn.enabled=false: the txn carries no list, the ephemeral still goes, and the log restores', async () => {
    const { close, dataDir } = await closeWithEphemeral(['closeSessionTxn.enabled=false']);
    expect(close.txn).toBeNull();
    // Header and digest only, as Java writes it. Java reading it with the default setting
    // parses the digest as the list of paths and will not start ("Unreasonable length");
    // zoolab reads it either way.
    expect(close.digest).not.toBeNull();
    const { server } = await startFromCfg([], dataDir);
    expect(server.server.zkDb.lastRestore!.txnsLoaded).toBeGreaterThanOrEqual(3);
    const c = await client(server);
    expect((await c.request(OpCode.exists, new ExistsRequest({ path: '/eph', watch: false }))).err).toBe(Code.NONODE);
  });
});
