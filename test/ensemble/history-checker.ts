import type { Subscription } from 'rxjs';
import type { PeerEvent } from '../../lib/quorum/peer-events';
import type { InProcessEnsemble } from '../../lib/quorum/ensemble';

interface Applied {
  zxid: bigint;
  sig: string;
}

/**
 * Records every peer's applied txns and the epochs they led, and checks ZooKeeper's
 * guarantees over them:
 * - at most one leader per epoch;
 * - agreement: no two servers applied different txns under the same zxid;
 * - order: between resets (restore, SNAP, TRUNC) a server applies txns in increasing
 *   zxid order, without gaps inside an epoch.
 * A peer restarted gets a new history (its restore is a reset).
 */
export class HistoryChecker {
  readonly leadersByEpoch = new Map<bigint, Set<number>>();
  readonly applied = new Map<number, Applied[]>();
  private readonly byZxid = new Map<bigint, { sig: string; server: number }>();
  readonly violations: string[] = [];
  private readonly last = new Map<number, bigint>();
  private readonly subs: Subscription[] = [];
  /** Everything seen, in order: a run's fingerprint for replay checks. */
  readonly trace: string[] = [];

  /** Watches every peer running now (call again after a restart). */
  watch(ensemble: InProcessEnsemble): void {
    for (const n of ensemble.nodes.values()) {
      const key = n.peer;
      if ((key as unknown as { __checked?: boolean }).__checked) continue;
      (key as unknown as { __checked?: boolean }).__checked = true;
      this.subs.push(n.peer.events$.subscribe((e) => this.record(n.id, e)));
    }
  }

  private record(server: number, e: PeerEvent): void {
    this.trace.push(`${server}:${e.kind}:${'zxid' in e ? e.zxid.toString(16) : (e as { epoch: bigint }).epoch}`);
    if (e.kind === 'leading') {
      const s = this.leadersByEpoch.get(e.epoch) ?? new Set();
      s.add(server);
      this.leadersByEpoch.set(e.epoch, s);
      if (s.size > 1) this.violations.push(`epoch ${e.epoch} has leaders ${[...s].join(', ')}`);
      return;
    }
    if (e.kind === 'reset') {
      this.last.set(server, e.zxid);
      return;
    }
    const sig = `${e.type}:${e.sessionId.toString(16)}:${e.cxid}`;
    const list = this.applied.get(server) ?? [];
    list.push({ zxid: e.zxid, sig });
    this.applied.set(server, list);
    const prev = this.last.get(server);
    if (prev !== undefined && e.zxid <= prev) {
      this.violations.push(`server ${server} applied 0x${e.zxid.toString(16)} after 0x${prev.toString(16)}`);
    }
    if (prev !== undefined && prev >> 32n === e.zxid >> 32n && e.zxid !== prev + 1n && prev > 0n) {
      this.violations.push(`server ${server} skipped from 0x${prev.toString(16)} to 0x${e.zxid.toString(16)}`);
    }
    this.last.set(server, e.zxid);
    const seen = this.byZxid.get(e.zxid);
    if (!seen) this.byZxid.set(e.zxid, { sig, server });
    else if (seen.sig !== sig) {
      this.violations.push(`0x${e.zxid.toString(16)} is ${seen.sig} on server ${seen.server} but ${sig} on server ${server}`);
    }
  }

  stop(): void {
    for (const s of this.subs) s.unsubscribe();
  }
}

/** The running servers' trees agree (same last zxid, same digest). */
export function treesAgree(ensemble: InProcessEnsemble): { ok: boolean; detail: string } {
  const rows = [...ensemble.nodes.values()].map((n) => ({
    id: n.id,
    zxid: n.peer.zkDb.lastProcessedZxid,
    digest: n.peer.zkDb.dataTree.getTreeDigest(),
    nodes: n.peer.zkDb.dataTree.getNodeCount(),
  }));
  const ok = rows.every((r) => r.digest === rows[0].digest && r.nodes === rows[0].nodes);
  return { ok, detail: rows.map((r) => `${r.id}: 0x${r.zxid.toString(16)} ${r.nodes} nodes digest ${r.digest}`).join('; ') };
}
