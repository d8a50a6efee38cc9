import type { BinaryOutputArchive } from '../jute/binary-output-archive';
import { encode } from '../jute/codec';
import { Txn } from '../jute/records/txn';
import type { JuteRecord } from '../jute/types';

/**
 * One op of a multi as prep built it: a Txn whose `data` is `record` encoded. Serialized
 * into a binary archive (the log's batch, a proposal) the record is written in place
 * behind its length, with the same bytes as `data` would hold, so a multi of ten 1 KiB
 * ops no longer encodes ~11 KiB into buffers of their own first: that copy, and the new
 * memory outside V8's heap that starts a mark-compact every 64 MB, are gone. `data` is
 * encoded on first read (the log formatter, juteToString, a record decoded back) and kept.
 * Applying the multi on the server that prepped it reuses `record` (see applyMulti).
 */
export class PreppedTxn extends Txn {
  private encoded: Buffer | null = null;

  constructor(
    type: number,
    readonly record: JuteRecord,
  ) {
    super({ type });
  }

  // Txn's constructor assigns `data`; the accessor pair takes that assignment.
  override get data(): Buffer | null {
    if (this.encoded === null) this.encoded = encode(this.record);
    return this.encoded;
  }

  override set data(bytes: Buffer | null) {
    this.encoded = bytes;
  }

  override serialize(oa: BinaryOutputArchive): void {
    if (this.encoded !== null) {
      super.serialize(oa);
      return;
    }
    oa.writeInt(this.type, 'type');
    // writeBuffer's layout: the byte count, then the bytes.
    const at = oa.beginFrame();
    this.record.serialize(oa);
    oa.endFrame(at);
  }
}
