import { constants } from 'node:fs';
import { mkdir, open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import type { FileIO, OpenMode, StoredFile } from '../../lib/persistence/file-io';

const FLAGS: Record<OpenMode, number> = {
  read: constants.O_RDONLY,
  update: constants.O_RDWR,
  create: constants.O_RDWR | constants.O_CREAT | constants.O_EXCL,
  overwrite: constants.O_RDWR | constants.O_CREAT | constants.O_TRUNC,
};

class NodeStoredFile implements StoredFile {
  constructor(
    readonly path: string,
    private readonly fh: FileHandle,
  ) {}

  async size(): Promise<number> {
    return (await this.fh.stat()).size;
  }

  async read(position: number, length: number): Promise<Buffer> {
    const buf = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await this.fh.read(buf, got, length - got, position + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return got === length ? buf : buf.subarray(0, got);
  }

  async write(position: number, data: Uint8Array): Promise<void> {
    let done = 0;
    while (done < data.length) {
      const { bytesWritten } = await this.fh.write(data, done, data.length - done, position + done);
      done += bytesWritten;
    }
  }

  async sync(): Promise<void> {
    await this.fh.datasync();
  }

  async truncate(length: number): Promise<void> {
    await this.fh.truncate(length);
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

/** The real file system. */
export const nodeFileIO: FileIO = {
  async mkdirs(dir) {
    await mkdir(dir, { recursive: true });
  },
  async list(dir) {
    return readdir(dir);
  },
  async exists(path) {
    try {
      await stat(path);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw e;
    }
  },
  async open(path, mode) {
    return new NodeStoredFile(path, await open(path, FLAGS[mode], 0o644));
  },
  async unlink(path) {
    await unlink(path);
  },
  async rename(from, to) {
    await rename(from, to);
  },
  async syncDir(dir) {
    const fh = await open(dir, constants.O_RDONLY);
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  },
};
