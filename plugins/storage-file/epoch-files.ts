import { join } from 'node:path';
import type { EpochName, EpochStore } from '../../lib/persistence/epoch-store';
import type { FileIO } from '../../lib/persistence/file-io';
import { nodeFileIO } from './node-file-io';

/** AtomicFileOutputStream.TMP_EXTENSION */
export const TMP_EXTENSION = '.tmp';

/** A currentEpoch / acceptedEpoch file whose content is not a number (QuorumPeer: "Found … in …"). */
export class EpochFileError extends Error {
  override name = 'EpochFileError';
  constructor(
    readonly file: string,
    readonly content: string,
  ) {
    super(`Found ${JSON.stringify(content)} in ${file}: not an epoch`);
  }
}

const LONG_MIN = -(1n << 63n);
const LONG_MAX = (1n << 63n) - 1n;

/**
 * QuorumPeer's epoch files in the snapshot directory (<dataDir>/version-2). The content is
 * Long.toString(epoch) with no newline, as writeLongToFile writes it; reading takes the
 * first line, as readLongFromFile does, so a trailing newline is accepted too. A write goes
 * to <name>.tmp, is fsynced and renamed over the file (AtomicFileWritingIdiom), and the
 * directory is fsynced as well so the rename itself survives a power cut.
 */
export class EpochFiles implements EpochStore {
  constructor(
    readonly dir: string,
    private readonly io: FileIO = nodeFileIO,
  ) {}

  read(name: EpochName): Promise<bigint | null> {
    return this.readFile(join(this.dir, name));
  }

  readLeftover(name: EpochName): Promise<bigint | null> {
    return this.readFile(join(this.dir, name + TMP_EXTENSION));
  }

  async write(name: EpochName, epoch: bigint): Promise<void> {
    if (epoch < LONG_MIN || epoch > LONG_MAX) throw new RangeError(`epoch ${epoch} does not fit a long`);
    await this.io.mkdirs(this.dir);
    const target = join(this.dir, name);
    const tmp = target + TMP_EXTENSION;
    const f = await this.io.open(tmp, 'overwrite');
    try {
      await f.write(0, Buffer.from(epoch.toString(), 'utf8'));
      await f.sync();
    } finally {
      await f.close();
    }
    await this.io.rename(tmp, target);
    await this.io.syncDir(this.dir);
  }

  private async readFile(path: string): Promise<bigint | null> {
    if (!(await this.io.exists(path))) return null;
    const f = await this.io.open(path, 'read');
    let content: string;
    try {
      content = (await f.read(0, Math.min(await f.size(), 4096))).toString('utf8');
    } finally {
      await f.close();
    }
    const line = content.split(/\r?\n|\r/)[0];
    if (!/^[+-]?\d{1,19}$/.test(line)) throw new EpochFileError(path, line);
    const v = BigInt(line);
    if (v < LONG_MIN || v > LONG_MAX) throw new EpochFileError(path, line);
    return v;
  }
}
