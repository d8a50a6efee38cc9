/** WatchesReport (4lw wchc): per session, the paths it watches. */
export class WatchesReport {
  constructor(private readonly id2paths: ReadonlyMap<bigint, ReadonlySet<string>>) {}

  hasPaths(sessionId: bigint): boolean {
    return this.id2paths.has(sessionId);
  }

  getPaths(sessionId: bigint): ReadonlySet<string> | null {
    return this.id2paths.get(sessionId) ?? null;
  }

  toMap(): Map<bigint, Set<string>> {
    return new Map([...this.id2paths].map(([k, v]) => [k, new Set(v)]));
  }
}

/** WatchesPathReport (4lw wchp): per path, the sessions watching it. */
export class WatchesPathReport {
  constructor(private readonly path2ids: ReadonlyMap<string, ReadonlySet<bigint>>) {}

  hasSessions(path: string): boolean {
    return this.path2ids.has(path);
  }

  getSessions(path: string): ReadonlySet<bigint> | null {
    return this.path2ids.get(path) ?? null;
  }

  toMap(): Map<string, Set<bigint>> {
    return new Map([...this.path2ids].map(([k, v]) => [k, new Set(v)]));
  }
}

/** WatchesSummary (4lw wchs, admin "watch_summary"). */
export class WatchesSummary {
  static readonly KEY_NUM_CONNECTIONS = 'num_connections';
  static readonly KEY_NUM_PATHS = 'num_paths';
  static readonly KEY_NUM_TOTAL_WATCHES = 'num_total_watches';

  constructor(
    readonly numConnections: number,
    readonly numPaths: number,
    readonly totalWatches: number,
  ) {}

  toMap(): Record<string, number> {
    return {
      [WatchesSummary.KEY_NUM_CONNECTIONS]: this.numConnections,
      [WatchesSummary.KEY_NUM_PATHS]: this.numPaths,
      [WatchesSummary.KEY_NUM_TOTAL_WATCHES]: this.totalWatches,
    };
  }
}
