import * as data from './records/data';
import * as persistence from './records/persistence';
import * as proto from './records/proto';
import * as quorum from './records/quorum';
import * as txn from './records/txn';
import type { RecordClass } from './types';

/** Every record of ZooKeeper 3.8's zookeeper.jute, keyed "module.Name". */
export const RECORD_CATALOG: ReadonlyMap<string, RecordClass<any>> = new Map(
  [data, proto, txn, persistence, quorum]
    .flatMap((m) => Object.values(m) as RecordClass<any>[])
    .map((r) => [`${r.module}.${r.recordName}`, r] as const),
);
