import { record } from '../record';
import { T } from '../types';

export class FileHeader extends record('org.apache.zookeeper.server.persistence', 'FileHeader', {
  magic: T.int,
  version: T.int,
  dbid: T.long,
}) {}
