import { record } from '../record';
import { T } from '../types';

const M = 'org.apache.zookeeper.data';

export class Id extends record(M, 'Id', { scheme: T.ustring, id: T.ustring }) {}

export class ACL extends record(M, 'ACL', { perms: T.int, id: Id }) {}

/** What a client sees of a znode. */
export class Stat extends record(M, 'Stat', {
  czxid: T.long,
  mzxid: T.long,
  ctime: T.long,
  mtime: T.long,
  version: T.int,
  cversion: T.int,
  aversion: T.int,
  ephemeralOwner: T.long,
  dataLength: T.int,
  numChildren: T.int,
  pzxid: T.long,
}) {}

/** What a snapshot stores of a znode (dataLength and numChildren are derived). */
export class StatPersisted extends record(M, 'StatPersisted', {
  czxid: T.long,
  mzxid: T.long,
  ctime: T.long,
  mtime: T.long,
  version: T.int,
  cversion: T.int,
  aversion: T.int,
  ephemeralOwner: T.long,
  pzxid: T.long,
}) {}

export class ClientInfo extends record(M, 'ClientInfo', { authScheme: T.ustring, user: T.ustring }) {}
