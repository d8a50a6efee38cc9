import type { BinaryInputArchive } from '../../jute/binary-input-archive';
import type { BinaryOutputArchive } from '../../jute/binary-output-archive';
import { Stat } from '../../jute/records/data';
import {
  Create2Response,
  CreateResponse,
  ErrorResponse,
  GetChildrenResponse,
  GetDataResponse,
  MultiHeader,
  SetDataResponse,
} from '../../jute/records/proto';
import type { JuteRecord } from '../../jute/types';
import { OpCode } from '../../protocol/op-code';

/** Java's OpResult: one op's outcome in a MultiResponse. */
export type OpResult =
  | { readonly type: typeof OpCode.create; readonly path: string | null }
  | { readonly type: typeof OpCode.create2; readonly path: string | null; readonly stat: Stat }
  | { readonly type: typeof OpCode.delete }
  | { readonly type: typeof OpCode.check }
  | { readonly type: typeof OpCode.setData; readonly stat: Stat }
  | { readonly type: typeof OpCode.getChildren; readonly children: (string | null)[] | null }
  | { readonly type: typeof OpCode.getData; readonly data: Buffer | null; readonly stat: Stat }
  | { readonly type: typeof OpCode.error; readonly err: number };

/** MultiHeader.serialize without the record. */
function writeHeader(oa: BinaryOutputArchive, type: number, done: boolean, err: number): void {
  oa.writeInt(type, 'MultiHeader.type');
  oa.writeBool(done, 'MultiHeader.done');
  oa.writeInt(err, 'MultiHeader.err');
}

/** A MultiResponse the decoder does not understand. */
export class MultiResponseError extends Error {
  override name = 'MultiResponseError';
}

/**
 * MultiResponse: for each result a MultiHeader(type, done=false, err) and the result's
 * record (none for delete and check), then MultiHeader(-1, true, -1). The header's err is
 * the error code for an ErrorResult and 0 otherwise.
 */
export class MultiResponse implements JuteRecord {
  constructor(readonly results: OpResult[] = []) {}

  add(r: OpResult): void {
    this.results.push(r);
  }

  serialize(oa: BinaryOutputArchive): void {
    for (const r of this.results) {
      // MultiHeader's fields written in place: a record per op per reply added up.
      writeHeader(oa, r.type, false, r.type === OpCode.error ? r.err : 0);
      switch (r.type) {
        case OpCode.create:
          new CreateResponse({ path: r.path }).serialize(oa);
          break;
        case OpCode.create2:
          new Create2Response({ path: r.path, stat: r.stat }).serialize(oa);
          break;
        case OpCode.delete:
        case OpCode.check:
          break;
        case OpCode.setData:
          // SetDataResponse is its stat alone; a missing one fails as the record would.
          if (r.stat == null) new SetDataResponse({ stat: r.stat }).serialize(oa);
          else r.stat.serialize(oa);
          break;
        case OpCode.getChildren:
          new GetChildrenResponse({ children: r.children }).serialize(oa);
          break;
        case OpCode.getData:
          new GetDataResponse({ data: r.data, stat: r.stat }).serialize(oa);
          break;
        case OpCode.error:
          oa.writeInt(r.err, 'ErrorResponse.err');
          break;
        default:
          throw new MultiResponseError(`Invalid type ${(r as { type: number }).type} in MultiResponse`);
      }
    }
    writeHeader(oa, -1, true, -1);
  }

  static deserialize(ia: BinaryInputArchive): MultiResponse {
    const out = new MultiResponse();
    let h = MultiHeader.deserialize(ia);
    while (!h.done) {
      switch (h.type) {
        case OpCode.create:
          out.add({ type: OpCode.create, path: CreateResponse.deserialize(ia).path });
          break;
        case OpCode.create2: {
          const r = Create2Response.deserialize(ia);
          out.add({ type: OpCode.create2, path: r.path, stat: r.stat });
          break;
        }
        case OpCode.delete:
          out.add({ type: OpCode.delete });
          break;
        case OpCode.check:
          out.add({ type: OpCode.check });
          break;
        case OpCode.setData:
          out.add({ type: OpCode.setData, stat: SetDataResponse.deserialize(ia).stat });
          break;
        case OpCode.getChildren:
          out.add({ type: OpCode.getChildren, children: GetChildrenResponse.deserialize(ia).children });
          break;
        case OpCode.getData: {
          const r = GetDataResponse.deserialize(ia);
          out.add({ type: OpCode.getData, data: r.data, stat: r.stat });
          break;
        }
        case OpCode.error:
          out.add({ type: OpCode.error, err: ErrorResponse.deserialize(ia).err });
          break;
        default:
          throw new MultiResponseError(`Invalid type ${h.type} in MultiResponse`);
      }
      h = MultiHeader.deserialize(ia);
    }
    return out;
  }

  toJSON(): Record<string, unknown> {
    return {
      results: this.results.map((r) => {
        const o: Record<string, unknown> = { type: r.type };
        if ('path' in r) o.path = r.path;
        if ('err' in r) o.err = r.err;
        if ('children' in r) o.children = r.children;
        if ('data' in r) o.data = r.data?.toString('hex') ?? null;
        if ('stat' in r) o.stat = r.stat.toJSON();
        return o;
      }),
    };
  }
}
