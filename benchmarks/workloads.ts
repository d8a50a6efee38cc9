/**
 * The workloads the suite runs, each the same against every target. A workload names the
 * data it needs (set up once per target, before the first run that needs it) and how it
 * is driven: pipelined requests over open sessions, session connect+close churn, or a
 * watch fan-out round.
 */

export type WorkloadName =
  | 'create'
  | 'setData'
  | 'getData'
  | 'exists'
  | 'getChildren'
  | 'mixed-90-10'
  | 'mixed-50-50'
  | 'multi-10'
  | 'session-churn'
  | 'watch-fanout';

/** Which of the throughput targets a workload is held to. */
export type WorkloadClass = 'read' | 'write';

export type WorkloadDriver = 'pipelined' | 'churn' | 'fanout';

/** Data a workload needs before it runs. */
export type Fixture = 'keys' | 'wide' | 'seq' | 'fanout';

export interface WorkloadDef {
  readonly name: WorkloadName;
  readonly driver: WorkloadDriver;
  readonly class: WorkloadClass;
  readonly needs: readonly Fixture[];
  /** What one "op" is, for the report. */
  readonly describe: (p: { payloadBytes: number; wideChildren: number; fanoutWatchers: number }) => string;
}

export const WORKLOADS: readonly WorkloadDef[] = [
  {
    name: 'create',
    driver: 'pipelined',
    class: 'write',
    needs: ['seq'],
    describe: (p) => `create of a persistent sequential node with ${p.payloadBytes} B of data`,
  },
  {
    name: 'setData',
    driver: 'pipelined',
    class: 'write',
    needs: ['keys'],
    describe: (p) => `setData of ${p.payloadBytes} B on a chosen key (version -1)`,
  },
  {
    name: 'getData',
    driver: 'pipelined',
    class: 'read',
    needs: ['keys'],
    describe: (p) => `getData of a chosen key holding ${p.payloadBytes} B (no watch)`,
  },
  {
    name: 'exists',
    driver: 'pipelined',
    class: 'read',
    needs: ['keys'],
    describe: () => 'exists of a chosen key (no watch)',
  },
  {
    name: 'getChildren',
    driver: 'pipelined',
    class: 'read',
    needs: ['wide'],
    describe: (p) => `getChildren of a node with ${p.wideChildren} children`,
  },
  {
    name: 'mixed-90-10',
    driver: 'pipelined',
    class: 'read',
    needs: ['keys'],
    describe: (p) => `90% getData / 10% setData of ${p.payloadBytes} B on chosen keys`,
  },
  {
    name: 'mixed-50-50',
    driver: 'pipelined',
    class: 'write',
    needs: ['keys'],
    describe: (p) => `50% getData / 50% setData of ${p.payloadBytes} B on chosen keys`,
  },
  {
    name: 'multi-10',
    driver: 'pipelined',
    class: 'write',
    needs: ['keys'],
    describe: (p) => `multi of 10 setData (${p.payloadBytes} B each) on chosen keys`,
  },
  {
    name: 'session-churn',
    driver: 'churn',
    class: 'write',
    needs: [],
    describe: () => 'TCP connect + session handshake + closeSession, one after another per session slot',
  },
  {
    name: 'watch-fanout',
    driver: 'fanout',
    class: 'read',
    needs: ['fanout'],
    describe: (p) =>
      `${p.fanoutWatchers} sessions set a data watch on one node, one setData fires it; latency = until the last session has the event`,
  },
];

export const WORKLOAD_NAMES: readonly WorkloadName[] = WORKLOADS.map((w) => w.name);

export function workloadDef(name: string): WorkloadDef {
  const w = WORKLOADS.find((x) => x.name === name);
  if (!w) throw new Error(`unknown workload ${JSON.stringify(name)} (known: ${WORKLOAD_NAMES.join(', ')})`);
  return w;
}

/** Where the suite keeps its data on a target; one root, so it never touches anything else. */
export const BENCH_ROOT = '/zoolab-bench';
export const KV_PARENT = `${BENCH_ROOT}/kv`;
export const WIDE_PARENT = `${BENCH_ROOT}/wide`;
export const SEQ_PARENT = `${BENCH_ROOT}/seq`;
export const FANOUT_NODE = `${BENCH_ROOT}/fanout`;

export function keyPath(i: number): string {
  return `${KV_PARENT}/k${String(i).padStart(8, '0')}`;
}

export function wideChildPath(i: number): string {
  return `${WIDE_PARENT}/child-${String(i).padStart(8, '0')}`;
}
