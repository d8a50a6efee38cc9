import { token } from '../core/token';

/**
 * One open file as the storage plugins see it: positioned reads and writes, fsync,
 * truncate. Small on purpose, so a simulator can stand in for the disk and lose an
 * unsynced write, tear one at any byte, or flip bits in a "sector".
 */
export interface StoredFile {
  readonly path: string;
  size(): Promise<number>;
  /**
   * Up to `length` bytes at `position`; fewer only where the file ends. The Buffer is the
   * caller's to keep: a loaded snapshot's values stay views of it.
   */
  read(position: number, length: number): Promise<Buffer>;
  write(position: number, data: Uint8Array): Promise<void>;
  /** Makes every write so far durable (fdatasync). */
  sync(): Promise<void>;
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * How to open: `read` an existing file; `update` an existing file for reading and
 * writing; `create` a new file (fails if it exists); `overwrite` creates or empties one.
 */
export type OpenMode = 'read' | 'update' | 'create' | 'overwrite';

/** The file system under a storage plugin: the seam for fault injection. */
export interface FileIO {
  /** Creates the directory and its parents; fine if it exists. */
  mkdirs(dir: string): Promise<void>;
  /** Names (not paths) of the entries in `dir`. */
  list(dir: string): Promise<string[]>;
  exists(path: string): Promise<boolean>;
  open(path: string, mode: OpenMode): Promise<StoredFile>;
  unlink(path: string): Promise<void>;
  /** Atomically replaces `to` with `from`. */
  rename(from: string, to: string): Promise<void>;
  /** Makes the directory's entries (creations, renames, removals) durable. */
  syncDir(dir: string): Promise<void>;
}

export const FILE_IO = token<FileIO>('FileIO');
