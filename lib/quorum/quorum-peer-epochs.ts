import type { EpochStore } from '../persistence/epoch-store';
import { epochOf, zxidToString } from './zab/zxid';

/** The peer's epoch files do not agree with its data (QuorumPeer.loadDataBase's IOException). */
export class EpochMismatchError extends Error {
  override name = 'EpochMismatchError';
}

/**
 * QuorumPeer's currentEpoch and acceptedEpoch, kept in the EpochStore and written before
 * anyone is told (a peer never acknowledges an epoch it could forget in a crash).
 */
export class PeerEpochs {
  currentEpoch = -1n;
  acceptedEpoch = -1n;

  constructor(private readonly store: EpochStore) {}

  /** QuorumPeer.loadDataBase's epoch half, given the restored database's last zxid. */
  async load(lastProcessedZxid: bigint, log: { info(m: string): void }): Promise<void> {
    const epochOfZxid = epochOf(lastProcessedZxid);
    let current = await this.store.read('currentEpoch');
    if (current === null) {
      current = epochOfZxid;
      log.info(`currentEpoch not found! Creating with a reasonable default of ${current}.`);
      await this.store.write('currentEpoch', current);
    }
    if (epochOfZxid > current) {
      const tmp = await this.store.readLeftover('currentEpoch');
      if (tmp === null) {
        throw new EpochMismatchError(`The current epoch, ${zxidToString(current)}, is older than the last zxid, ${lastProcessedZxid}`);
      }
      log.info(`currentEpoch.tmp found. Setting current epoch to ${tmp}.`);
      current = tmp;
      await this.store.write('currentEpoch', current);
    }
    this.currentEpoch = current;
    let accepted = await this.store.read('acceptedEpoch');
    if (accepted === null) {
      accepted = epochOfZxid;
      log.info(`acceptedEpoch not found! Creating with a reasonable default of ${accepted}.`);
      await this.store.write('acceptedEpoch', accepted);
    }
    if (accepted < current) {
      throw new EpochMismatchError(`The accepted epoch, ${zxidToString(accepted)} is less than the current epoch, ${zxidToString(current)}`);
    }
    this.acceptedEpoch = accepted;
  }

  async setCurrentEpoch(e: bigint): Promise<void> {
    await this.store.write('currentEpoch', e);
    this.currentEpoch = e;
  }

  async setAcceptedEpoch(e: bigint): Promise<void> {
    await this.store.write('acceptedEpoch', e);
    this.acceptedEpoch = e;
  }
}
