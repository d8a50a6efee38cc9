import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../lib/config/config-error';
import { isDistributed, loadZooCfg } from '../../lib/config/zoo-cfg';
import { ensembleRequest, type EnsembleCommandOptions } from '../../lib/cli/ensemble-command';
import { connectStringOf, planEnsemble, zooCfgFor } from '../../lib/cli/ensemble-layout';
import { describeModes, modeOf } from '../../lib/cli/ensemble-supervisor';
import { resolveServerConfig, runQuorumServer } from '../../lib/cli/server-command';
import { silentLogger } from '../../lib/core/logger';
import { peerTransportName, tcpPeerOptions } from '../../plugins/peer-transport-choice';

const opts = (o: Partial<EnsembleCommandOptions> = {}): EnsembleCommandOptions => ({
  nodes: 3,
  basePort: 2181,
  host: '127.0.0.1',
  transport: 'tcp',
  tickTime: 2000,
  initLimit: 10,
  syncLimit: 5,
  logLevel: 'info',
  ...o,
});

let dir: string;
function writeCfg(req: ReturnType<typeof ensembleRequest>, members: ReturnType<typeof planEnsemble>, me: ReturnType<typeof planEnsemble>[number]): string {
  mkdirSync(me.dir, { recursive: true });
  writeFileSync(join(me.dir, 'myid'), `${me.id}\n`);
  writeFileSync(me.configFile, zooCfgFor(req, members, me));
  return me.configFile;
}
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'zoolab-layout-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('zoolab ensemble layout', () => {
  it('puts server.i on base + i - 1 with quorum and election ports 707 and 1707 above (2181 / 2888 / 3888)', () => {
    const req = ensembleRequest(opts());
    const members = planEnsemble(req, dir);
    expect(members.map((m) => [m.id, m.clientPort, m.quorumPort, m.electionPort])).toEqual([
      [1, 2181, 2888, 3888],
      [2, 2182, 2889, 3889],
      [3, 2183, 2890, 3890],
    ]);
    expect(connectStringOf(req, members)).toBe('127.0.0.1:2181,127.0.0.1:2182,127.0.0.1:2183');
  });

  it('writes a zoo.cfg that zoolab server reads as this member of the ensemble', () => {
    const req = ensembleRequest(opts({ transport: 'udp', set: ['snapCount=1000'] }));
    const members = planEnsemble(req, dir);
    const me = members[1];
    mkdirSync(me.dir, { recursive: true });
    writeFileSync(join(me.dir, 'myid'), '2\n');
    writeFileSync(me.configFile, zooCfgFor(req, members, me));
    const { config } = resolveServerConfig(me.configFile, {});
    expect(isDistributed(config)).toBe(true);
    expect(config.serverId).toBe(2);
    expect(config.clientPort).toBe(2182);
    expect(config.servers.map((s) => [s.id, s.quorumPort, s.electionPort])).toEqual([
      [1, 2888, 3888],
      [2, 2889, 3889],
      [3, 2890, 3890],
    ]);
    expect(peerTransportName(config)).toBe('udp');
    expect(tcpPeerOptions(config)).toMatchObject({ handshakeTimeoutMs: 2000 * 5, keepAlive: false });
    expect(loadZooCfg(me.configFile).config.raw.get('snapCount') ?? String(config.snapCount)).toBe('1000');
  });

  it('adds observers after the voters: ":observer" in every server.N line and peerType=observer in their own zoo.cfg', () => {
    const req = ensembleRequest(opts({ observers: 2 }));
    const members = planEnsemble(req, dir);
    expect(members.map((m) => [m.id, m.observer, m.clientPort])).toEqual([
      [1, false, 2181],
      [2, false, 2182],
      [3, false, 2183],
      [4, true, 2184],
      [5, true, 2185],
    ]);
    const me = members[3];
    mkdirSync(me.dir, { recursive: true });
    writeFileSync(join(me.dir, 'myid'), '4\n');
    writeFileSync(me.configFile, zooCfgFor(req, members, me));
    const { config } = resolveServerConfig(me.configFile, {});
    expect(config.peerType).toBe('observer');
    expect(config.servers.map((s) => [s.id, s.type])).toEqual([
      [1, 'participant'],
      [2, 'participant'],
      [3, 'participant'],
      [4, 'observer'],
      [5, 'observer'],
    ]);
    expect(resolveServerConfig(writeCfg(req, members, members[0]), {}).config.peerType).toBe('participant');
    expect(() => planEnsemble(ensembleRequest(opts({ nodes: 10, observers: 6 })), dir)).toThrow(/--nodes plus --observers is 16; at most 15/);
  });

  it('refuses base ports whose blocks overlap or run past 65535', () => {
    expect(() => planEnsemble(ensembleRequest(opts({ quorumBasePort: 2182 })), dir)).toThrow(/server.2 client port and server.1 quorum port would both be 2182/);
    expect(() => planEnsemble(ensembleRequest(opts({ basePort: 65000 })), dir)).toThrow(/would be 65707/);
  });

  it('refuses an unknown peer transport and a bad cnxTimeout in zoo.cfg', () => {
    writeFileSync(join(dir, 'myid'), '1\n');
    const cfg = join(dir, 'zoo.cfg');
    const base = `dataDir=${dir}\ninitLimit=5\nsyncLimit=2\nserver.1=127.0.0.1:1:2\nserver.2=127.0.0.1:3:4\n`;
    writeFileSync(cfg, `${base}zoolab.peerTransport=carrier-pigeon\n`);
    expect(() => peerTransportName(resolveServerConfig(cfg, {}).config)).toThrow(ConfigError);
    writeFileSync(cfg, `${base}cnxTimeout=soon\n`);
    expect(() => tcpPeerOptions(resolveServerConfig(cfg, {}).config)).toThrow(/cnxTimeout: "soon"/);
  });

  it('refuses to start a quorum member without ensemble plugins, or when no server.N names it', async () => {
    writeFileSync(join(dir, 'myid'), '1\n');
    const cfg = join(dir, 'zoo.cfg');
    writeFileSync(cfg, `dataDir=${dir}\ninitLimit=5\nsyncLimit=2\nserver.1=127.0.0.1:1:2\nserver.2=127.0.0.1:3:4\n`);
    const { config } = resolveServerConfig(cfg, {});
    await expect(runQuorumServer(config, {}, silentLogger)).rejects.toThrow(/wires no ensemble plugins/);
    // zoo.cfg loading already refuses such a myid; a config built in code is checked again.
    await expect(runQuorumServer({ ...config, serverId: 4 }, { quorumPlugins: () => [] }, silentLogger)).rejects.toThrow(/no server.4 line names this server/);
    await expect(runQuorumServer(config, { quorumPlugins: () => [] }, silentLogger)).rejects.toThrow(/no plugin binds a TxnLog/);
  });

  it('reads the Mode of a srvr answer and says who leads', () => {
    expect(modeOf('Zookeeper version: 3.8.0\nMode: follower\nNode count: 5\n')).toBe('follower');
    expect(modeOf('This ZooKeeper instance is not currently serving requests\n')).toBe('not serving');
    expect(modeOf(null)).toBe('down');
    expect(describeModes([[1, 'follower'], [2, 'leader'], [3, 'down']])).toBe('leader: server.2 (followers: server.1; down: server.3)');
    expect(describeModes([[1, 'not serving'], [2, 'not serving']])).toBe('no leader (not serving: server.1, server.2)');
  });
});
