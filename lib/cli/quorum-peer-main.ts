import type { Container, ContainerModule } from 'inversify';
import { CLOCK } from '../core/clock';
import { createNodeContainer } from '../core/container';
import type { Logger } from '../core/logger';
import { RANDOM } from '../core/random';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config';
import { EPOCH_STORE } from '../persistence/epoch-store';
import { DATA_PURGER } from '../persistence/snapshot-purge';
import { SNAPSHOT_STORE } from '../persistence/snapshot-store';
import { TXN_LOG } from '../persistence/txn-log';
import { ELECTION_FACTORY } from '../quorum/election/election';
import { fastLeaderElection } from '../quorum/election/fast-leader-election-factory';
import { quorumFourLetterContext } from '../quorum/quorum-four-letter-words';
import { QuorumPeer } from '../quorum/quorum-peer';
import { FourLetterWords } from '../server/four-letter-words';
import { CLIENT_TRANSPORT } from '../transport/client-transport';
import { PEER_TRANSPORT } from '../transport/peer-transport';

export interface RunningQuorumPeer {
  readonly peer: QuorumPeer;
  readonly container: Container;
  /** Stops the peer: role, election, client port, database (idempotent). */
  stop(): Promise<void>;
}

/**
 * QuorumPeerMain.runFromConfig for one ensemble member in this process: the node's
 * container from the composition root's plugins (storage, client and peer transports,
 * optionally an election strategy), then a QuorumPeer on it, started.
 */
export async function startQuorumPeerMain(config: ServerConfig, opts: { plugins: ContainerModule[]; logger: Logger }): Promise<RunningQuorumPeer> {
  const container = createNodeContainer({ config, configToken: SERVER_CONFIG as symbol, plugins: opts.plugins, logger: opts.logger });
  for (const [token, what] of [
    [TXN_LOG, 'a TxnLog (TXN_LOG)'],
    [EPOCH_STORE, 'an epoch store (EPOCH_STORE)'],
    [CLIENT_TRANSPORT, 'a client transport (CLIENT_TRANSPORT)'],
    [PEER_TRANSPORT, 'a peer transport (PEER_TRANSPORT)'],
  ] as const) {
    if (!container.isBound(token)) throw new Error(`no plugin binds ${what}, which an ensemble member needs`);
  }
  const whitelist = config.fourLetterWordWhitelist;
  const peer = new QuorumPeer({
    config,
    clock: container.get(CLOCK),
    logger: opts.logger,
    random: container.get(RANDOM),
    transport: container.get(PEER_TRANSPORT),
    clientTransport: container.get(CLIENT_TRANSPORT),
    txnLog: await container.getAsync(TXN_LOG),
    snapshots: container.isBound(SNAPSHOT_STORE) ? await container.getAsync(SNAPSHOT_STORE) : null,
    purger: container.isBound(DATA_PURGER) ? await container.getAsync(DATA_PURGER) : undefined,
    epochs: await container.getAsync(EPOCH_STORE),
    election: container.isBound(ELECTION_FACTORY) ? container.get(ELECTION_FACTORY) : fastLeaderElection(),
    fourLetterWords: (p) => new FourLetterWords({ whitelist, contextFor: (s) => quorumFourLetterContext(p, s) }),
  });
  try {
    await peer.start();
  } catch (e) {
    // An election or client port in use, a log that does not load: release what opened.
    await peer.clientPort.close().catch(() => undefined);
    await peer.zkDb.close().catch(() => undefined);
    throw e;
  }
  let stopping: Promise<void> | null = null;
  return { peer, container, stop: () => (stopping ??= peer.stop()) };
}
