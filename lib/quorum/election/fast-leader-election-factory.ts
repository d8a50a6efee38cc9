import { ContainerModule } from 'inversify';
import { ELECTION_FACTORY, type ElectionContext, type ElectionFactory } from './election';
import type { ElectionCodec } from './election-machine';
import { FastLeaderElection, type FastLeaderElectionOptions } from './fast-leader-election';
import { MachineElection } from './machine-election';
import { decodeNotification, encodeNotification, type Notification, type NotificationMessage } from './notification';

export const notificationCodec: ElectionCodec<Notification, NotificationMessage> = {
  encode: encodeNotification,
  decode: decodeNotification,
};

/** Timing knobs of the fast election (ZooKeeper's defaults when left out). */
export type FastLeaderElectionTiming = Pick<FastLeaderElectionOptions, 'finalizeWait' | 'minNotificationInterval' | 'maxNotificationInterval'>;

/** ZooKeeper's electionAlg=3: FastLeaderElection over its own notification format. */
export function fastLeaderElection(timing: FastLeaderElectionTiming = {}): ElectionFactory {
  return (ctx: ElectionContext) =>
    new MachineElection(
      ctx.myId,
      new FastLeaderElection({ ...timing, myId: ctx.myId, learnerType: ctx.learnerType, verifier: ctx.verifier, lastSeenVerifier: ctx.lastSeenVerifier }),
      notificationCodec,
      ctx.clock,
    );
}

/** Binds ELECTION_FACTORY to the fast election: the default strategy. */
export function fastLeaderElectionModule(timing: FastLeaderElectionTiming = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(ELECTION_FACTORY).toConstantValue(fastLeaderElection(timing));
  });
}
