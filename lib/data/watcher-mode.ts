import { AddWatchMode } from '../protocol/zoo-defs';

/** WatcherMode: how a registered watch behaves when it fires. */
export enum WatcherMode {
  /** One-shot: removed when it fires (getData / exists / getChildren watches). */
  STANDARD = 'STANDARD',
  /** Stays after firing, for the path itself (addWatch PERSISTENT). */
  PERSISTENT = 'PERSISTENT',
  /** Stays after firing, for the path and every descendant (addWatch PERSISTENT_RECURSIVE). */
  PERSISTENT_RECURSIVE = 'PERSISTENT_RECURSIVE',
}

export const DEFAULT_WATCHER_MODE = WatcherMode.STANDARD;

export function isPersistent(mode: WatcherMode): boolean {
  return mode !== WatcherMode.STANDARD;
}

export function isRecursive(mode: WatcherMode): boolean {
  return mode === WatcherMode.PERSISTENT_RECURSIVE;
}

/** An AddWatchRequest mode that is neither PERSISTENT nor PERSISTENT_RECURSIVE. */
export class UnsupportedWatcherModeError extends Error {
  override name = 'UnsupportedWatcherModeError';
  constructor(readonly mode: number) {
    super(`Unsupported mode: ${mode}`);
  }
}

/** WatcherMode.fromZooDef: the mode of an AddWatchRequest. */
export function watcherModeFromZooDef(mode: number): WatcherMode {
  if (mode === AddWatchMode.PERSISTENT) return WatcherMode.PERSISTENT;
  if (mode === AddWatchMode.PERSISTENT_RECURSIVE) return WatcherMode.PERSISTENT_RECURSIVE;
  throw new UnsupportedWatcherModeError(mode);
}
