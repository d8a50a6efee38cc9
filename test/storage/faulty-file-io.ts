import type { FileIO, OpenMode, StoredFile } from '../../lib/persistence/file-io';

export class SimulatedCrash extends Error {
  override name = 'SimulatedCrash';
}

/**
 * A FileIO over another that can tear one write: only its first `keep` bytes reach the
 * file and the write fails, as when power is lost in the middle of it.
 */
export class FaultyFileIO implements FileIO {
  private tear: { keep: number; match: (path: string) => boolean } | null = null;
  readonly writes: Array<{ path: string; position: number; length: number }> = [];

  constructor(private readonly inner: FileIO) {}

  tearNextWrite(keep: number, match: (path: string) => boolean = () => true): void {
    this.tear = { keep, match };
  }

  mkdirs(dir: string) {
    return this.inner.mkdirs(dir);
  }
  list(dir: string) {
    return this.inner.list(dir);
  }
  exists(path: string) {
    return this.inner.exists(path);
  }
  unlink(path: string) {
    return this.inner.unlink(path);
  }
  rename(from: string, to: string) {
    return this.inner.rename(from, to);
  }
  syncDir(dir: string) {
    return this.inner.syncDir(dir);
  }

  async open(path: string, mode: OpenMode): Promise<StoredFile> {
    const f = await this.inner.open(path, mode);
    const io = this;
    return {
      path,
      size: () => f.size(),
      read: (p, n) => f.read(p, n),
      sync: () => f.sync(),
      truncate: (n) => f.truncate(n),
      close: () => f.close(),
      async write(position, data) {
        io.writes.push({ path, position, length: data.length });
        const t = io.tear;
        if (t && t.match(path)) {
          io.tear = null;
          await f.write(position, data.subarray(0, t.keep));
          throw new SimulatedCrash(`write of ${data.length} bytes to ${path} torn after ${t.keep}`);
        }
        await f.write(position, data);
      },
    };
  }
}
