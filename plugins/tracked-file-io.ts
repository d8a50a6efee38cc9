import type { FileIO, StoredFile } from '../lib/persistence/file-io';

/**
 * `io` with every call's promise passed through `track` first: how a simulation on
 * a virtual clock learns that real file IO is still in flight (SimulationClock.track).
 */
export function trackedFileIO(io: FileIO, track: <T>(p: Promise<T>) => Promise<T>): FileIO {
  const file = (f: StoredFile): StoredFile => ({
    path: f.path,
    size: () => track(f.size()),
    read: (position, length) => track(f.read(position, length)),
    write: (position, data) => track(f.write(position, data)),
    sync: () => track(f.sync()),
    truncate: (length) => track(f.truncate(length)),
    close: () => track(f.close()),
  });
  return {
    mkdirs: (dir) => track(io.mkdirs(dir)),
    list: (dir) => track(io.list(dir)),
    exists: (path) => track(io.exists(path)),
    open: (path, mode) => track(io.open(path, mode)).then(file),
    unlink: (path) => track(io.unlink(path)),
    rename: (from, to) => track(io.rename(from, to)),
    syncDir: (dir) => track(io.syncDir(dir)),
  };
}
