import { token } from '../core/token';

/** The two epochs a quorum peer keeps beside its snapshots (QuorumPeer's epoch files). */
export type EpochName = 'currentEpoch' | 'acceptedEpoch';

/**
 * QuorumPeer's currentEpoch / acceptedEpoch. A write is atomic: after a crash the old or
 * the new value is read, never a mix. `readLeftover` returns the value of a write that was
 * made durable but not yet renamed into place (Java's `currentEpoch.tmp`, which
 * QuorumPeer.loadDataBase uses when the last zxid is newer than currentEpoch).
 */
export interface EpochStore {
  /** The stored epoch, or null when it was never written. */
  read(name: EpochName): Promise<bigint | null>;
  write(name: EpochName, epoch: bigint): Promise<void>;
  readLeftover(name: EpochName): Promise<bigint | null>;
}

export const EPOCH_STORE = token<EpochStore>('EpochStore');
