/**
 * The znodes, in creation order, that put /app under a hard quota of 2 znodes and fill
 * it (/app and /app/a), as zkCli's `setquota -N 2` plus one child would: one more create
 * under /app is past the limit.
 */
export const APP_AT_COUNT_HARD_LIMIT: ReadonlyArray<readonly [path: string, data: string]> = [
  ['/app', ''],
  ['/zookeeper/quota/app', ''],
  ['/zookeeper/quota/app/zookeeper_limits', 'count=-1,bytes=-1=;countHardLimit=2'],
  ['/zookeeper/quota/app/zookeeper_stats', 'count=0,bytes=0'],
  ['/app/a', 'one'],
];
