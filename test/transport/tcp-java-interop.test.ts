import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZooKeeper } from '../../lib/client';
import { InProcessEnsemble } from '../../lib/quorum/ensemble';
import { freePort } from '../support/free-port';
import { haveJavaQuorumPeer, peerMode, startJavaQuorumPeer, until, type JavaQuorumPeer, type PeerPorts } from '../support/java-quorum-peer';
import { tcpEnsembleOnPorts } from '../support/tcp-ensemble-on-ports';

/**
 * The TCP peer transport between zoolab and Apache ZooKeeper 3.8: Java's
 * QuorumCnxManager accepts zoolab's election connections (both ways round the
 * higher-sid rule), and Java's learner streams to a zoolab leader and back.
 */
(haveJavaQuorumPeer ? describe : describe.skip)('TcpPeerTransport with ZooKeeper 3.8 servers', () => {
  let dir: string;
  let java: JavaQuorumPeer | null = null;
  let ensemble: InProcessEnsemble | null = null;
  const ports = new Map<number, PeerPorts>();
  const clients: ZooKeeper[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'zoolab-tcp-java-'));
    for (const id of [1, 2, 3]) ports.set(id, { q: await freePort(), e: await freePort(), c: await freePort() });
  });
  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await ensemble?.close();
    await stopJava();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  function startJava(): void {
    java = startJavaQuorumPeer({ id: 3, dir: join(dir, 'java3'), ports, tickTime: 300 });
  }

  async function stopJava(): Promise<void> {
    const j = java;
    java = null;
    await j?.kill();
  }

  const mode = (id: number) => peerMode(ports.get(id)!.c);
  const diag = () => `\n--- java ---\n${(java?.log() ?? '').split('\n').filter((l) => /WARN|ERROR|LEADING|FOLLOWING|LOOKING/.test(l)).slice(-20).join('\n')}`;
  const client = async (id: number) => {
    const zk = await ZooKeeper.connect(`127.0.0.1:${ports.get(id)!.c}`, { sessionTimeout: 10_000, connectTimeoutMs: 20_000 });
    clients.push(zk);
    return zk;
  };

  it('elects and replicates across zoolab and Java, with either side leading', async () => {
    ensemble = tcpEnsembleOnPorts({ ports, tickTime: 300, seed: 3 });

    // Java (sid 3, the highest) first: it wins, and the zoolab peers follow it.
    startJava();
    await until(async () => java!.log().includes('LOOKING'), 60_000, 'Java looking', diag);
    await ensemble.startNode(1);
    await ensemble.startNode(2);
    await until(async () => (await mode(3)) === 'leader' && (await mode(1)) === 'follower' && (await mode(2)) === 'follower', 60_000, 'Java 3 leading', diag);
    const viaZoolab = await client(1);
    await viaZoolab.create('/from-zoolab', Buffer.from('z'));
    const viaJava = await client(3);
    await viaJava.sync('/');
    expect((await viaJava.getData('/from-zoolab')).data?.toString()).toBe('z');
    await viaJava.close();

    // The Java leader dies: the zoolab peers elect one of themselves over TCP.
    // Either may win: one of them can hold a txn (the close of viaJava's session) the
    // other had not logged when Java died, and the higher zxid beats the higher sid.
    await stopJava();
    let modes: string[] = [];
    const zoolabLeads = async () => {
      modes = [await mode(1), await mode(2)];
      return modes.includes('leader') && modes.includes('follower');
    };
    await until(zoolabLeads, 30_000, 'a zoolab leader with the other following', () => ` (modes of 1, 2: ${modes.join(', ')})`);
    const viaLeader = await client(modes.indexOf('leader') + 1);
    await viaLeader.create('/while-java-down', Buffer.from('w'));

    // Java comes back: it follows the zoolab leader (its higher sid connects to zoolab's
    // election ports) and is synced over zoolab's quorum port.
    startJava();
    await until(async () => (await mode(3)) === 'follower', 60_000, 'Java 3 following the zoolab leader', diag);
    const again = await client(3);
    await again.sync('/');
    expect((await again.getData('/while-java-down')).data?.toString()).toBe('w');
    await again.create('/from-java', Buffer.from('j'));
    await viaZoolab.sync('/');
    expect((await viaZoolab.getData('/from-java')).data?.toString()).toBe('j');
  }, 150_000);
});
