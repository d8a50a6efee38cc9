/** Quotas: where quota data lives under /zookeeper/quota. */
export const Quotas = {
  procZookeeper: '/zookeeper',
  quotaZookeeper: '/zookeeper/quota',
  limitNode: 'zookeeper_limits',
  statNode: 'zookeeper_stats',

  /** /zookeeper/quota + path. */
  quotaPath(path: string): string {
    return Quotas.quotaZookeeper + path;
  },
  /** Where the limits of a quota on path live. */
  limitPath(path: string): string {
    return `${Quotas.quotaZookeeper}${path}/${Quotas.limitNode}`;
  },
  /** Where the usage of a quota on path lives. */
  statPath(path: string): string {
    return `${Quotas.quotaZookeeper}${path}/${Quotas.statNode}`;
  },
  /** The quota'd path from its node under /zookeeper/quota. */
  trimQuotaPath(quotaPath: string): string {
    return quotaPath.substring(Quotas.quotaZookeeper.length);
  },
} as const;
