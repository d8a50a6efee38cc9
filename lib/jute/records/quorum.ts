import { record } from '../record';
import { T } from '../types';
import { Id } from './data';

const M = 'org.apache.zookeeper.server.quorum';

export class LearnerInfo extends record(M, 'LearnerInfo', {
  serverid: T.long,
  protocolVersion: T.int,
  configVersion: T.long,
}) {}

export class QuorumPacket extends record(M, 'QuorumPacket', {
  type: T.int,
  zxid: T.long,
  data: T.buffer,
  authinfo: T.vector(Id),
}) {}

export class QuorumAuthPacket extends record(M, 'QuorumAuthPacket', { magic: T.long, status: T.int, token: T.buffer }) {}
