import { record } from '../record';
import { T } from '../types';
import { ACL, ClientInfo, Stat } from './data';

const M = 'org.apache.zookeeper.proto';

/**
 * In 3.8's jute the read-only flag is not part of ConnectRequest / ConnectResponse: both
 * sides write it by hand as one boolean after the record, and old clients omit it. The
 * connection code reads and writes it (see lib/server), so these records stay
 * byte-identical with 3.8's.
 */
export class ConnectRequest extends record(M, 'ConnectRequest', {
  protocolVersion: T.int,
  lastZxidSeen: T.long,
  timeOut: T.int,
  sessionId: T.long,
  passwd: T.buffer,
}) {}

export class ConnectResponse extends record(M, 'ConnectResponse', {
  protocolVersion: T.int,
  timeOut: T.int,
  sessionId: T.long,
  passwd: T.buffer,
}) {}

export class SetWatches extends record(M, 'SetWatches', {
  relativeZxid: T.long,
  dataWatches: T.vector(T.ustring),
  existWatches: T.vector(T.ustring),
  childWatches: T.vector(T.ustring),
}) {}

export class SetWatches2 extends record(M, 'SetWatches2', {
  relativeZxid: T.long,
  dataWatches: T.vector(T.ustring),
  existWatches: T.vector(T.ustring),
  childWatches: T.vector(T.ustring),
  persistentWatches: T.vector(T.ustring),
  persistentRecursiveWatches: T.vector(T.ustring),
}) {}

export class RequestHeader extends record(M, 'RequestHeader', { xid: T.int, type: T.int }) {}

export class MultiHeader extends record(M, 'MultiHeader', { type: T.int, done: T.boolean, err: T.int }) {}

export class AuthPacket extends record(M, 'AuthPacket', { type: T.int, scheme: T.ustring, auth: T.buffer }) {}

export class ReplyHeader extends record(M, 'ReplyHeader', { xid: T.int, zxid: T.long, err: T.int }) {}

export class GetDataRequest extends record(M, 'GetDataRequest', { path: T.ustring, watch: T.boolean }) {}

export class SetDataRequest extends record(M, 'SetDataRequest', { path: T.ustring, data: T.buffer, version: T.int }) {}

export class ReconfigRequest extends record(M, 'ReconfigRequest', {
  joiningServers: T.ustring,
  leavingServers: T.ustring,
  newMembers: T.ustring,
  curConfigId: T.long,
}) {}

export class SetDataResponse extends record(M, 'SetDataResponse', { stat: Stat }) {}

export class GetSASLRequest extends record(M, 'GetSASLRequest', { token: T.buffer }) {}

export class SetSASLRequest extends record(M, 'SetSASLRequest', { token: T.buffer }) {}

export class SetSASLResponse extends record(M, 'SetSASLResponse', { token: T.buffer }) {}

export class CreateRequest extends record(M, 'CreateRequest', {
  path: T.ustring,
  data: T.buffer,
  acl: T.vector(ACL),
  flags: T.int,
}) {}

export class CreateTTLRequest extends record(M, 'CreateTTLRequest', {
  path: T.ustring,
  data: T.buffer,
  acl: T.vector(ACL),
  flags: T.int,
  ttl: T.long,
}) {}

export class DeleteRequest extends record(M, 'DeleteRequest', { path: T.ustring, version: T.int }) {}

export class GetChildrenRequest extends record(M, 'GetChildrenRequest', { path: T.ustring, watch: T.boolean }) {}

export class GetAllChildrenNumberRequest extends record(M, 'GetAllChildrenNumberRequest', { path: T.ustring }) {}

export class GetChildren2Request extends record(M, 'GetChildren2Request', { path: T.ustring, watch: T.boolean }) {}

export class CheckVersionRequest extends record(M, 'CheckVersionRequest', { path: T.ustring, version: T.int }) {}

export class GetMaxChildrenRequest extends record(M, 'GetMaxChildrenRequest', { path: T.ustring }) {}

export class GetMaxChildrenResponse extends record(M, 'GetMaxChildrenResponse', { max: T.int }) {}

export class SetMaxChildrenRequest extends record(M, 'SetMaxChildrenRequest', { path: T.ustring, max: T.int }) {}

export class SyncRequest extends record(M, 'SyncRequest', { path: T.ustring }) {}

export class SyncResponse extends record(M, 'SyncResponse', { path: T.ustring }) {}

export class GetACLRequest extends record(M, 'GetACLRequest', { path: T.ustring }) {}

export class SetACLRequest extends record(M, 'SetACLRequest', { path: T.ustring, acl: T.vector(ACL), version: T.int }) {}

export class SetACLResponse extends record(M, 'SetACLResponse', { stat: Stat }) {}

export class AddWatchRequest extends record(M, 'AddWatchRequest', { path: T.ustring, mode: T.int }) {}

export class WatcherEvent extends record(M, 'WatcherEvent', { type: T.int, state: T.int, path: T.ustring }) {}

export class ErrorResponse extends record(M, 'ErrorResponse', { err: T.int }) {}

export class CreateResponse extends record(M, 'CreateResponse', { path: T.ustring }) {}

export class Create2Response extends record(M, 'Create2Response', { path: T.ustring, stat: Stat }) {}

export class ExistsRequest extends record(M, 'ExistsRequest', { path: T.ustring, watch: T.boolean }) {}

export class ExistsResponse extends record(M, 'ExistsResponse', { stat: Stat }) {}

export class GetDataResponse extends record(M, 'GetDataResponse', { data: T.buffer, stat: Stat }) {}

export class GetChildrenResponse extends record(M, 'GetChildrenResponse', { children: T.vector(T.ustring) }) {}

export class GetAllChildrenNumberResponse extends record(M, 'GetAllChildrenNumberResponse', { totalNumber: T.int }) {}

export class GetChildren2Response extends record(M, 'GetChildren2Response', {
  children: T.vector(T.ustring),
  stat: Stat,
}) {}

export class GetACLResponse extends record(M, 'GetACLResponse', { acl: T.vector(ACL), stat: Stat }) {}

export class CheckWatchesRequest extends record(M, 'CheckWatchesRequest', { path: T.ustring, type: T.int }) {}

export class RemoveWatchesRequest extends record(M, 'RemoveWatchesRequest', { path: T.ustring, type: T.int }) {}

export class GetEphemeralsRequest extends record(M, 'GetEphemeralsRequest', { prefixPath: T.ustring }) {}

export class GetEphemeralsResponse extends record(M, 'GetEphemeralsResponse', { ephemerals: T.vector(T.ustring) }) {}

export class WhoAmIResponse extends record(M, 'WhoAmIResponse', { clientInfo: T.vector(ClientInfo) }) {}
