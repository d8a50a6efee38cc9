import type { MutableMap } from '../core/renewing-collections';
import type { Logger } from '../core/logger';
import { silentLogger } from '../core/logger';
import type { DataTree } from '../data/data-tree';
import type { ZxidDigest } from '../data/data-tree-digest';
import type { ParsedSnapshot } from './snapshot-format';

const hex = (v: bigint): string => BigInt.asUintN(64, v).toString(16);

/**
 * The second half of FileSnap.deserialize: puts a parsed (and checked) snapshot into
 * `tree` and `sessions`, sets lastProcessedZxid to the snapshot's zxid and arms the digest
 * check (DataTree.deserializeZxidDigest). The parsed nodes become the tree's nodes, so
 * `parsed` must not be used again. Returns the digest that will be compared when replay
 * reaches its zxid, or null.
 */
export function applySnapshot(
  parsed: ParsedSnapshot,
  zxid: bigint,
  tree: DataTree,
  sessions: MutableMap<bigint, number>,
  log: Logger = silentLogger,
): ZxidDigest | null {
  // Throws InvalidSnapshotError when a node's parent is missing; sessions stay untouched.
  tree.restore(parsed.acls, parsed.nodes);
  sessions.clear();
  for (const [id, timeout] of parsed.sessions) sessions.set(id, timeout);
  tree.lastProcessedZxid = zxid;

  let digest: ZxidDigest | null = null;
  if (tree.digestEnabled && parsed.hasDigestTrailer) {
    digest = parsed.digest;
    if (digest === null) {
      log.info('The digest value is empty in snapshot');
    } else if (digest.zxid < zxid) {
      // A new leader snapshots at <epoch, 0>, after the last txn of the previous epoch:
      // the digest then belongs to an older zxid and cannot be compared.
      log.info(
        `The zxid of snapshot digest 0x${hex(digest.zxid)} is smaller than the known snapshot highest zxid, ` +
          `the snapshot started with zxid 0x${hex(zxid)}. It will be invalid to use this snapshot digest ` +
          'associated with this zxid, will ignore comparing it.',
      );
      digest = null;
    }
  }
  tree.digests.digestFromLoadedSnapshot = digest;
  // Not fuzzy (the digest is for the snapshot's own zxid): compare now, as FileSnap does.
  if (digest !== null) tree.digests.compareSnapshotDigests(zxid, tree.getTreeDigest());
  return digest;
}
