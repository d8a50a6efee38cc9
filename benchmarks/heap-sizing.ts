import { totalmem } from 'node:os';
import type { BenchOptions } from './bench-options';
import { DEFAULT_SERVER_SETTINGS } from './targets/target';

/**
 * How fast the create row may grow a tree, per second of creates (warm-up included): a
 * little under the fastest create windows a standalone server reached here (~40k ops/s),
 * and above a 3-node ensemble's (~10–12k). Trees are evened to the larger one, so both
 * servers hold what the faster one created.
 */
const CREATES_PER_SEC_STANDALONE = 35_000;
const CREATES_PER_SEC_ENSEMBLE = 15_000;

/**
 * Java heap a znode of `payload` bytes needs, with room for ZooKeeper's GC to work: its
 * value plus ~400 bytes of objects (node, stat, path, map entries), three times over. At
 * 1 KiB that is ~4.2 KB, so -Xmx1024m holds ~250k znodes: in run 59 (~600k znodes on
 * -Xmx1024m) ZooKeeper's heap was full and its GC set the pace of every later row
 * (multi-10 p99 252 ms, against 36 ms with 3 GiB in run 60), and in a full-matrix run
 * (~725k znodes after 25 s of creates) its multi-10 fell to ~1.2k multis/s, p99 308 ms.
 */
const heapBytesPerZnode = (payload: number): number => (payload + 400) * 3;

const MIB = 1024 * 1024;
const STEP_MB = 1024;

/** The znodes the create row will leave in each tree (0 when it does not run). */
export function expectedTreeZnodes(o: BenchOptions): number {
  if (!o.workloads.includes('create')) return 0;
  const rate = o.ensemble > 1 ? CREATES_PER_SEC_ENSEMBLE : CREATES_PER_SEC_STANDALONE;
  const perRound = o.ops !== null ? o.ops + o.warmupSec * rate : (o.warmupSec + (o.durationSec ?? 0)) * rate;
  return Math.ceil(perRound * o.rounds);
}

/**
 * The heap both servers need for the trees this run grows: the default of 1 GiB (what
 * `npm run bench`'s trees fit in), or more in steps of 1 GiB.
 */
export function treeHeapMb(o: BenchOptions): number {
  const mb = (expectedTreeZnodes(o) * heapBytesPerZnode(o.payloadBytes)) / MIB;
  return Math.max(DEFAULT_SERVER_SETTINGS.heapMb, Math.ceil(mb / STEP_MB) * STEP_MB);
}

/**
 * The default --heap: treeHeapMb, but no more than three quarters of this machine's memory
 * over every server process the run starts at once (each side's members). A max heap is a
 * limit, not an allocation; the cap keeps two sides of full trees from swapping.
 */
export function defaultHeapMb(o: BenchOptions, machineBytes = totalmem()): number {
  const processes = (o.targets.includes('zookeeper') ? o.ensemble : 0) + (o.targets.includes('zoolab') ? o.ensemble : 0);
  const capMb = Math.floor((machineBytes * 0.75) / MIB / Math.max(1, processes) / STEP_MB) * STEP_MB;
  return Math.max(DEFAULT_SERVER_SETTINGS.heapMb, Math.min(treeHeapMb(o), capMb));
}

/**
 * The warning for a heap the trees will outgrow: ZooKeeper keeps every value on its Java
 * heap, and a full heap's GC then sets the pace of the rows after create.
 */
export function heapWarning(o: BenchOptions): string | null {
  if (!o.targets.includes('zookeeper')) return null;
  const wanted = treeHeapMb(o);
  if (o.server.heapMb >= wanted) return null;
  const znodes = expectedTreeZnodes(o);
  return (
    `the create row can grow each tree to ~${Math.round(znodes / 1000)}k znodes of ${o.payloadBytes} bytes, which ZooKeeper keeps on its ${o.server.heapMb} MiB Java heap: ` +
    `give both servers --heap ${wanted} or more, or its GC will set the pace of the later rows`
  );
}
