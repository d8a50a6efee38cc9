import { ACL, Id } from '../jute/records/data';

/** ZooDefs.Perms. */
export const Perms = {
  READ: 1 << 0,
  WRITE: 1 << 1,
  CREATE: 1 << 2,
  DELETE: 1 << 3,
  ADMIN: 1 << 4,
  ALL: 0x1f,
} as const;

/** CreateMode flags as sent in CreateRequest.flags. */
export const CreateMode = {
  PERSISTENT: 0,
  EPHEMERAL: 1,
  PERSISTENT_SEQUENTIAL: 2,
  EPHEMERAL_SEQUENTIAL: 3,
  CONTAINER: 4,
  PERSISTENT_WITH_TTL: 5,
  PERSISTENT_SEQUENTIAL_WITH_TTL: 6,
} as const;

export type CreateMode = (typeof CreateMode)[keyof typeof CreateMode];

export function isEphemeralMode(m: number): boolean {
  return m === CreateMode.EPHEMERAL || m === CreateMode.EPHEMERAL_SEQUENTIAL;
}
export function isSequentialMode(m: number): boolean {
  return (
    m === CreateMode.PERSISTENT_SEQUENTIAL ||
    m === CreateMode.EPHEMERAL_SEQUENTIAL ||
    m === CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL
  );
}
export function isTTLMode(m: number): boolean {
  return m === CreateMode.PERSISTENT_WITH_TTL || m === CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL;
}

/** ZooDefs.Ids. */
export const Ids = {
  ANYONE_ID_UNSAFE: () => new Id({ scheme: 'world', id: 'anyone' }),
  AUTH_IDS: () => new Id({ scheme: 'auth', id: '' }),
  OPEN_ACL_UNSAFE: () => [new ACL({ perms: Perms.ALL, id: Ids.ANYONE_ID_UNSAFE() })],
  CREATOR_ALL_ACL: () => [new ACL({ perms: Perms.ALL, id: Ids.AUTH_IDS() })],
  READ_ACL_UNSAFE: () => [new ACL({ perms: Perms.READ, id: Ids.ANYONE_ID_UNSAFE() })],
};

/** AddWatchMode. */
export const AddWatchMode = { PERSISTENT: 0, PERSISTENT_RECURSIVE: 1 } as const;

/** Watcher.WatcherType as used by checkWatches / removeWatches. */
export const WatcherType = { Children: 1, Data: 2, Any: 3, Persistent: 4, PersistentRecursive: 5 } as const;

/** Watcher.Event.EventType. */
export const EventType = {
  None: -1,
  NodeCreated: 1,
  NodeDeleted: 2,
  NodeDataChanged: 3,
  NodeChildrenChanged: 4,
  DataWatchRemoved: 5,
  ChildWatchRemoved: 6,
  PersistentWatchRemoved: 7,
} as const;

/** Watcher.Event.KeeperState. */
export const KeeperState = {
  Disconnected: 0,
  SyncConnected: 3,
  AuthFailed: 4,
  ConnectedReadOnly: 5,
  SaslAuthenticated: 6,
  Expired: -112,
  Closed: 7,
} as const;

/** The special paths ZooKeeper keeps under /zookeeper. */
export const ZooDefsPaths = {
  ZOOKEEPER: '/zookeeper',
  QUOTA: '/zookeeper/quota',
  CONFIG: '/zookeeper/config',
  QUOTA_LIMIT_NODE: 'zookeeper_limits',
  QUOTA_STAT_NODE: 'zookeeper_stats',
} as const;
