import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { Random } from '../core/random';
import type { ServerConfig } from '../config/server-config';
import type { DataPurger } from '../persistence/snapshot-purge';
import { DatadirCleanupManager } from './datadir-cleanup-manager';
import type { PeriodicSnapshots } from './processors/sync-request-processor';
import type { ZKDatabase } from './zk-database';

/**
 * The first half of ZooKeeperServer.loadData: restore, then drop the ephemerals of
 * sessions that own some but are no longer open (their closeSession was logged, or they
 * were never committed). Returns the zxid the server continues from, and how many
 * sessions it dropped: their deletions are in no txn.
 */
export async function loadDatabase(zkDb: ZKDatabase): Promise<{ zxid: bigint; sessionsKilled: number }> {
  const zxid = await zkDb.loadDataBase();
  return { zxid, sessionsKilled: killDeadSessions(zkDb) };
}

/**
 * Drops the ephemerals of every session that owns some but has no timeout on record;
 * returns how many sessions that was. No txn holds those deletions.
 */
export function killDeadSessions(zkDb: ZKDatabase): number {
  let killed = 0;
  for (const s of zkDb.getSessions()) {
    if (zkDb.sessionsWithTimeouts.has(s)) continue;
    zkDb.killSession(s, zkDb.lastProcessedZxid);
    killed++;
  }
  return killed;
}

/**
 * ZooKeeperServer.takeSnapshot: a snapshot of the tree as it is now, logged with its
 * time; `fromLog` lets the store make it from the durable state instead (see
 * ZKDatabase.takeSnapshotFromLog).
 */
export async function takeSnapshot(zkDb: ZKDatabase, clock: Clock, logger: Logger, sync = false, fromLog = false): Promise<number | null> {
  const started = clock.now();
  const saving = fromLog && !sync ? zkDb.takeSnapshotFromLog() : zkDb.takeSnapshot(sync);
  if (!saving) return null;
  const saved = await saving;
  const ms = clock.now() - started;
  logger.info({ snapshot: saved.name, nodes: saved.nodes, bytes: saved.size }, `Snapshot taken in ${ms} ms`);
  return ms;
}

/** The hooks the sync stage needs to snapshot every snapCount txns; null without a snapshot store. */
export function periodicSnapshotsOf(
  zkDb: ZKDatabase,
  snapCount: number,
  random: Random,
  snapshot: () => Promise<void>,
): PeriodicSnapshots | null {
  if (!zkDb.snapshots) return null;
  return { snapCount, random, rollLog: () => zkDb.rollLog(), takeSnapshot: snapshot };
}

/** Starts autopurge when there is a purger and an interval (ZooKeeperServerMain does this at start). */
export function startAutopurge(purger: DataPurger | null, config: ServerConfig, clock: Clock, logger: Logger): DatadirCleanupManager | null {
  if (!purger || !(config.autopurgePurgeInterval > 0)) return null;
  const m = new DatadirCleanupManager(purger, clock, logger, config.autopurgeSnapRetainCount, config.autopurgePurgeInterval);
  m.start();
  return m;
}
