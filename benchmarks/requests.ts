import {
  ACL,
  CreateRequest,
  encode,
  ExistsRequest,
  GetChildrenRequest,
  GetDataRequest,
  Id,
  MultiHeader,
  SetDataRequest,
} from '../lib/jute';
import { CreateMode, OpCode, Perms } from '../lib/protocol';
import { keyChooser, type KeyChooser, type KeyDistribution, type SeededRandom } from './key-chooser';
import { keyPath, SEQ_PARENT, WIDE_PARENT, type WorkloadName } from './workloads';

/**
 * Request bodies for the pipelined workloads, encoded once per key and reused: the
 * generator should spend its time on the wire, not re-serializing the same record.
 */

export interface PreparedOp {
  type: number;
  /**
   * The encoded request, or its parts in order: a multi is sent as its cached per-key
   * bodies between constant headers, never concatenated (see LoadSession.send).
   */
  body: Buffer | readonly Buffer[];
  /** 0 read, 1 write: replies come back with it, for per-kind counts. */
  kind: 0 | 1;
}

export interface OpSource {
  next(): PreparedOp;
}

export interface RequestParams {
  payloadBytes: number;
  keys: number;
  distribution: KeyDistribution;
  seed: number;
  multiOps: number;
}

export const OPEN_ACL = [new ACL({ perms: Perms.ALL, id: new Id({ scheme: 'world', id: 'anyone' }) })];

export function payload(bytes: number): Buffer {
  return Buffer.alloc(bytes, 0x7a);
}

export function createBody(path: string, data: Buffer, mode: number = CreateMode.PERSISTENT): Buffer {
  return encode(new CreateRequest({ path, data, acl: OPEN_ACL, flags: mode }));
}

export function setDataBody(path: string, data: Buffer): Buffer {
  return encode(new SetDataRequest({ path, data, version: -1 }));
}

export function getDataBody(path: string, watch = false): Buffer {
  return encode(new GetDataRequest({ path, watch }));
}

/** Bodies per key, built on first use. */
class KeyBodies {
  private readonly cache: (Buffer | undefined)[];
  constructor(
    keys: number,
    private readonly build: (path: string) => Buffer,
  ) {
    this.cache = new Array(keys);
  }
  get(i: number): Buffer {
    return (this.cache[i] ??= this.build(keyPath(i)));
  }
}

/**
 * One worker's sessions share their bodies: they are the same bytes, and a cache per
 * session cost the generator 8× the building and the memory (10k keys × 1 KiB × 8
 * sessions: 80 MB of young Buffers to promote, in the measured window).
 */
interface SharedBodies {
  key: string;
  gets: KeyBodies;
  sets: KeyBodies;
  exists: KeyBodies;
}

let shared: SharedBodies | null = null;

function sharedBodies(p: RequestParams): SharedBodies {
  const key = `${p.keys}/${p.payloadBytes}`;
  if (shared === null || shared.key !== key) {
    const data = payload(p.payloadBytes);
    shared = {
      key,
      gets: new KeyBodies(p.keys, (path) => getDataBody(path)),
      sets: new KeyBodies(p.keys, (path) => setDataBody(path, data)),
      exists: new KeyBodies(p.keys, (path) => encode(new ExistsRequest({ path, watch: false }))),
    };
  }
  return shared;
}

/** The op source one session of a pipelined workload draws from. */
export function opSource(workload: WorkloadName, p: RequestParams, rng: SeededRandom): OpSource {
  const keys: KeyChooser = keyChooser(p.distribution, p.keys, rng, p.seed);
  const { gets, sets, exists } = sharedBodies(p);
  const read = (): PreparedOp => ({ type: OpCode.getData, body: gets.get(keys.next()), kind: 0 });
  const write = (): PreparedOp => ({ type: OpCode.setData, body: sets.get(keys.next()), kind: 1 });
  const mixed = (readShare: number): OpSource => ({ next: () => (rng.next() < readShare ? read() : write()) });
  switch (workload) {
    case 'create': {
      const op: PreparedOp = {
        type: OpCode.create,
        body: createBody(`${SEQ_PARENT}/n-`, payload(p.payloadBytes), CreateMode.PERSISTENT_SEQUENTIAL),
        kind: 1,
      };
      return { next: () => op };
    }
    case 'setData':
      return { next: write };
    case 'getData':
      return { next: read };
    case 'exists':
      return { next: () => ({ type: OpCode.exists, body: exists.get(keys.next()), kind: 0 }) };
    case 'getChildren': {
      const op: PreparedOp = {
        type: OpCode.getChildren,
        body: encode(new GetChildrenRequest({ path: WIDE_PARENT, watch: false })),
        kind: 0,
      };
      return { next: () => op };
    }
    case 'mixed-90-10':
      return mixed(0.9);
    case 'mixed-50-50':
      return mixed(0.5);
    case 'multi-10':
      return { next: () => ({ type: OpCode.multi, body: multiSetData(p.multiOps, () => sets.get(keys.next())), kind: 1 }) };
    default:
      throw new Error(`${workload} is not a pipelined workload`);
  }
}

const OP_HEADER = encode(new MultiHeader({ type: OpCode.setData, done: false, err: -1 }));
const END_HEADER = encode(new MultiHeader({ type: -1, done: true, err: -1 }));

/** MultiOperationRecord: (MultiHeader, op)* then the done header, as parts to send in order. */
function multiSetData(n: number, body: () => Buffer): Buffer[] {
  const parts: Buffer[] = [];
  for (let i = 0; i < n; i++) parts.push(OP_HEADER, body());
  parts.push(END_HEADER);
  return parts;
}
