import type { BinaryInputArchive } from '../jute/binary-input-archive';
import type { ACL, ClientInfo, Stat } from '../jute/records/data';
import {
  Create2Response,
  CreateResponse,
  ErrorResponse,
  ExistsResponse,
  GetACLResponse,
  GetAllChildrenNumberResponse,
  GetChildren2Response,
  GetChildrenResponse,
  GetDataResponse,
  GetEphemeralsResponse,
  MultiHeader,
  SetACLResponse,
  SetDataResponse,
  WhoAmIResponse,
} from '../jute/records/proto';
import { Code } from '../protocol/keeper-exception';
import { OpCode } from '../protocol/op-code';
import { createKeeperException } from './errors';
import {
  CheckResult,
  CreateResult,
  DeleteResult,
  ErrorResult,
  GetChildrenResult,
  GetDataResult,
  SetDataResult,
  type OpResult,
} from './op-result';
import type { Decoder, Packet } from './packet';
import type { WatchStream } from './watch-stream';

/**
 * The reply decoders: plain functions, one per reply shape, so a request allocates no
 * closure for its answer. Paths the server returns are turned back into client paths.
 */

export interface DataResult {
  data: Buffer | null;
  stat: Stat;
}
export interface Children2Result {
  children: string[];
  stat: Stat;
}
export interface ACLResult {
  acl: ACL[];
  stat: Stat;
}
export interface Create2Result {
  path: string;
  stat: Stat;
}

export function stripChroot(chrootPath: string | null, serverPath: string): string {
  if (chrootPath === null) return serverPath;
  return serverPath.length > chrootPath.length ? serverPath.substring(chrootPath.length) : '/';
}

function watchOf(p: Packet): WatchStream {
  return p.watchRegistration!.watcher as WatchStream;
}

export const decodeCreate: Decoder = (ia, _p, chroot) => stripChroot(chroot, CreateResponse.deserialize(ia!).path!);

export const decodeCreate2: Decoder = (ia, _p, chroot): Create2Result => {
  const r = Create2Response.deserialize(ia!);
  return { path: stripChroot(chroot, r.path!), stat: r.stat };
};

export const decodeStat: Decoder = (ia) => SetDataResponse.deserialize(ia!).stat;

export const decodeSetACL: Decoder = (ia) => SetACLResponse.deserialize(ia!).stat;

/** exists: NoNode resolves null (the Packet accepts that code). */
export const decodeExists: Decoder = (ia) => (ia ? ExistsResponse.deserialize(ia).stat : null);
export const decodeExistsWatched: Decoder = (ia, p) => ({ stat: decodeExists(ia, p, null), watch: watchOf(p) });

export const decodeGetData: Decoder = (ia): DataResult => {
  const r = GetDataResponse.deserialize(ia!);
  return { data: r.data, stat: r.stat };
};
export const decodeGetDataWatched: Decoder = (ia, p) => ({ ...(decodeGetData(ia, p, null) as DataResult), watch: watchOf(p) });

export const decodeChildren: Decoder = (ia) => (GetChildrenResponse.deserialize(ia!).children ?? []) as string[];
export const decodeChildrenWatched: Decoder = (ia, p) => ({ children: decodeChildren(ia, p, null), watch: watchOf(p) });

export const decodeChildren2: Decoder = (ia): Children2Result => {
  const r = GetChildren2Response.deserialize(ia!);
  return { children: (r.children ?? []) as string[], stat: r.stat };
};
export const decodeChildren2Watched: Decoder = (ia, p) => ({ ...(decodeChildren2(ia, p, null) as Children2Result), watch: watchOf(p) });

export const decodeGetACL: Decoder = (ia): ACLResult => {
  const r = GetACLResponse.deserialize(ia!);
  return { acl: r.acl ?? [], stat: r.stat };
};

export const decodeAllChildrenNumber: Decoder = (ia) => GetAllChildrenNumberResponse.deserialize(ia!).totalNumber;

export const decodeEphemerals: Decoder = (ia, _p, chroot) =>
  (GetEphemeralsResponse.deserialize(ia!).ephemerals ?? []).map((path) => stripChroot(chroot, path!));

export const decodeWhoAmI: Decoder = (ia): ClientInfo[] => WhoAmIResponse.deserialize(ia!).clientInfo ?? [];

/** create() of a container or TTL node: the server sends a Create2Response; only the path is wanted. */
export const decodeCreate2Path: Decoder = (ia, _p, chroot) => stripChroot(chroot, Create2Response.deserialize(ia!).path!);

/** addWatch without a watcher of the caller's: the WatchStream it registered. */
export const decodeAddWatch: Decoder = (_ia, p) => watchOf(p);

/** MultiResponse.deserialize: results until the done header. */
export function readMultiResponse(ia: BinaryInputArchive, chroot: string | null): OpResult[] {
  const results: OpResult[] = [];
  for (let h = MultiHeader.deserialize(ia); !h.done; h = MultiHeader.deserialize(ia)) {
    switch (h.type) {
      case OpCode.create:
        results.push(new CreateResult(stripChroot(chroot, CreateResponse.deserialize(ia).path!)));
        break;
      case OpCode.create2: {
        const r = Create2Response.deserialize(ia);
        results.push(new CreateResult(stripChroot(chroot, r.path!), r.stat, OpCode.create2));
        break;
      }
      case OpCode.delete:
        results.push(new DeleteResult());
        break;
      case OpCode.setData:
        results.push(new SetDataResult(SetDataResponse.deserialize(ia).stat));
        break;
      case OpCode.check:
        results.push(new CheckResult());
        break;
      case OpCode.getChildren:
        results.push(new GetChildrenResult((GetChildrenResponse.deserialize(ia).children ?? []) as string[]));
        break;
      case OpCode.getData: {
        const r = GetDataResponse.deserialize(ia);
        results.push(new GetDataResult(r.data, r.stat));
        break;
      }
      case OpCode.error:
        results.push(new ErrorResult(ErrorResponse.deserialize(ia).err));
        break;
      default:
        throw new Error(`Invalid type ${h.type} in MultiResponse`);
    }
  }
  return results;
}

/** multi (a transaction): the first ErrorResult that is not OK fails the whole call, results attached. */
export const decodeMulti: Decoder = (ia, _p, chroot) => {
  const results = readMultiResponse(ia!, chroot);
  const fatal = results.find((r): r is ErrorResult => r instanceof ErrorResult && r.err !== Code.OK);
  if (fatal) {
    const e = createKeeperException(fatal.err);
    e.results = results;
    throw e;
  }
  return results;
};

/** multiRead: per-op errors are results, the call itself succeeds. */
export const decodeMultiRead: Decoder = (ia, _p, chroot) => readMultiResponse(ia!, chroot);
