import { existsSync } from 'node:fs';
import { SERVER_NODE_FLAGS } from '../../lib/cli/server-node-flags';
import { ELECTION_KEY } from '../../plugins/election-choice';
import { PEER_TRANSPORT_KEY } from '../../plugins/peer-transport-choice';
import type { MemberLauncher } from './ensemble-target';
import type { ServerSettings } from './target';
import { javaClasspath, javaExecutable, javaVersionLine, zookeeperMissing } from './zookeeper-target';

/**
 * How one ensemble member is started, per side: zoolab as `node <bin> server zoo.cfg`
 * (the built binary, as an operator runs it), Apache ZooKeeper as `java QuorumPeerMain
 * zoo.cfg`. Both get the same heap cap and run at WARN, so logging costs the same.
 */

export function zoolabLauncher(bin: string): MemberLauncher {
  return {
    kind: 'zoolab',
    missing: () => (existsSync(bin) ? null : `the zoolab binary ${bin} does not exist (run npm run build)`),
    // The plugins under test: tcp + fle are the defaults (QuorumCnxManager's wire and FastLeaderElection, as ZooKeeper).
    extraConfig: (s: ServerSettings) => ({ [PEER_TRANSPORT_KEY]: s.peerTransport, [ELECTION_KEY]: s.election }),
    command: (cfgPath: string, s: ServerSettings) => ({
      file: process.execPath,
      args: [...SERVER_NODE_FLAGS, `--max-old-space-size=${s.heapMb}`, bin, 'server', cfgPath, '--log-level', 'warn'],
    }),
    describe: (s: ServerSettings) => ({
      runtime: `Node ${process.version}, ${SERVER_NODE_FLAGS.join(' ')}, --max-old-space-size=${s.heapMb} per member`,
      binary: bin,
      member: `\`zoolab server zoo.cfg\`, election ${s.election === 'fle' ? 'FastLeaderElection' : s.election} over ${s.peerTransport}, storage-file (txn log and snapshots in a temp dataDir)`,
    }),
  };
}

export function zookeeperLauncher(): MemberLauncher {
  return {
    kind: 'zookeeper',
    missing: zookeeperMissing,
    extraConfig: () => ({}),
    command: (cfgPath: string, s: ServerSettings) => ({
      file: javaExecutable(),
      args: [
        `-Xmx${s.heapMb}m`,
        `-Dzookeeper.forceSync=${s.forceSync ? 'yes' : 'no'}`,
        '-Dzookeeper.admin.enableServer=false',
        '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
        '-cp',
        javaClasspath(),
        'org.apache.zookeeper.server.quorum.QuorumPeerMain',
        cfgPath,
      ],
    }),
    describe: (s: ServerSettings) => ({
      runtime: `${javaVersionLine()}, -Xmx${s.heapMb}m per member, default GC and JIT`,
      classpath: javaClasspath(),
      member: '`QuorumPeerMain zoo.cfg`, txn log and snapshots in a temp dataDir',
    }),
  };
}
