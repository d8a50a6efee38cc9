import { ZooKeeper } from '../client/zookeeper';
import { decodeGetData, type DataResult } from '../client/replies';
import { ReconfigRequest } from '../jute/records/proto';
import { OpCode } from '../protocol/op-code';

/** What ReconfigCommand asks for: incremental (joining / leaving) or a whole new membership. */
export interface ReconfigSpec {
  joiningServers: string | null;
  leavingServers: string | null;
  newMembers: string | null;
  /** The config version the change applies to (-1: whatever is current). */
  fromConfig: bigint;
}

/**
 * org.apache.zookeeper.admin.ZooKeeperAdmin: the client with the reconfig operation, which
 * zkCli's sessions are. The answer is the new configuration and its /zookeeper/config Stat.
 */
export class ZooKeeperAdmin extends ZooKeeper {
  reconfigure(spec: ReconfigSpec): Promise<DataResult> {
    const record = new ReconfigRequest({
      joiningServers: spec.joiningServers,
      leavingServers: spec.leavingServers,
      newMembers: spec.newMembers,
      curConfigId: spec.fromConfig,
    });
    return this.send(OpCode.reconfig, record, null, decodeGetData);
  }
}
