import type { EpochName, EpochStore } from '../../lib/persistence/epoch-store';

/** QuorumPeer's epoch files in memory: a write is atomic, so there is never a leftover. */
export class MemoryEpochStore implements EpochStore {
  private readonly values = new Map<EpochName, bigint>();

  async read(name: EpochName): Promise<bigint | null> {
    return this.values.get(name) ?? null;
  }

  async write(name: EpochName, epoch: bigint): Promise<void> {
    this.values.set(name, epoch);
  }

  async readLeftover(): Promise<bigint | null> {
    return null;
  }
}
