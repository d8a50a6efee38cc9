import { record } from '../record';
import { T } from '../types';
import { ACL } from './data';

const M = 'org.apache.zookeeper.txn';

export class TxnDigest extends record(M, 'TxnDigest', { version: T.int, treeDigest: T.long }) {}

export class TxnHeader extends record(M, 'TxnHeader', {
  clientId: T.long,
  cxid: T.int,
  zxid: T.long,
  time: T.long,
  type: T.int,
}) {}

/** The pre-3.3 CreateTxn, still readable from old logs. */
export class CreateTxnV0 extends record(M, 'CreateTxnV0', {
  path: T.ustring,
  data: T.buffer,
  acl: T.vector(ACL),
  ephemeral: T.boolean,
}) {}

export class CreateTxn extends record(M, 'CreateTxn', {
  path: T.ustring,
  data: T.buffer,
  acl: T.vector(ACL),
  ephemeral: T.boolean,
  parentCVersion: T.int,
}) {}

export class CreateTTLTxn extends record(M, 'CreateTTLTxn', {
  path: T.ustring,
  data: T.buffer,
  acl: T.vector(ACL),
  parentCVersion: T.int,
  ttl: T.long,
}) {}

export class CreateContainerTxn extends record(M, 'CreateContainerTxn', {
  path: T.ustring,
  data: T.buffer,
  acl: T.vector(ACL),
  parentCVersion: T.int,
}) {}

export class DeleteTxn extends record(M, 'DeleteTxn', { path: T.ustring }) {}

export class SetDataTxn extends record(M, 'SetDataTxn', { path: T.ustring, data: T.buffer, version: T.int }) {}

export class CheckVersionTxn extends record(M, 'CheckVersionTxn', { path: T.ustring, version: T.int }) {}

export class SetACLTxn extends record(M, 'SetACLTxn', { path: T.ustring, acl: T.vector(ACL), version: T.int }) {}

export class SetMaxChildrenTxn extends record(M, 'SetMaxChildrenTxn', { path: T.ustring, max: T.int }) {}

export class CreateSessionTxn extends record(M, 'CreateSessionTxn', { timeOut: T.int }) {}

export class CloseSessionTxn extends record(M, 'CloseSessionTxn', { paths2Delete: T.vector(T.ustring) }) {}

export class ErrorTxn extends record(M, 'ErrorTxn', { err: T.int }) {}

/** One sub-txn of a MultiTxn: its type and its serialized body. */
export class Txn extends record(M, 'Txn', { type: T.int, data: T.buffer }) {}

export class MultiTxn extends record(M, 'MultiTxn', { txns: T.vector(Txn) }) {}
