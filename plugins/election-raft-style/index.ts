import { ContainerModule } from 'inversify';
import { ELECTION_FACTORY, type ElectionContext, type ElectionFactory } from '../../lib/quorum/election/election';
import type { ElectionCodec } from '../../lib/quorum/election/election-machine';
import { MachineElection } from '../../lib/quorum/election/machine-election';
import { decodeRaftMessage, encodeRaftMessage, type RaftMessage, type ReceivedRaftMessage } from './raft-messages';
import { RaftStyleElection } from './raft-style-election';

export interface RaftStyleElectionPluginOptions {
  /** Range of the randomized election timeout in ms; [150, 300] by default, as in the Raft paper. */
  electionTimeoutMs?: [number, number];
}

const codec: ElectionCodec<ReceivedRaftMessage, RaftMessage> = { encode: encodeRaftMessage, decode: decodeRaftMessage };

/** The strategy as an ElectionFactory (randomness from the node's injected Random). */
export function raftStyleElection(opts: RaftStyleElectionPluginOptions = {}): ElectionFactory {
  return (ctx: ElectionContext) =>
    new MachineElection(
      ctx.myId,
      new RaftStyleElection({
        myId: ctx.myId,
        learnerType: ctx.learnerType,
        verifier: ctx.verifier,
        random: ctx.random.fork('election-raft-style'),
        electionTimeoutMs: opts.electionTimeoutMs,
      }),
      codec,
      ctx.clock,
    );
}

/** Binds ELECTION_FACTORY to the raft-style election in place of FastLeaderElection. */
export function electionRaftStyleModule(opts: RaftStyleElectionPluginOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(ELECTION_FACTORY).toConstantValue(raftStyleElection(opts));
  });
}
