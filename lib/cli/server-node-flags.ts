/**
 * Node flags a zoolab server process runs with: the bin's shebang, `npm start`, the
 * members `zoolab ensemble` starts and the bench suite's targets all pass them. (V8 reads
 * them when it sets up the heap, so a running process cannot set them itself.)
 *
 * --max-semi-space-size=32: a young generation twice V8's default. What survives a
 * scavenge is mostly the requests in flight, which do not grow with the interval, so
 * half as many scavenges copy about the same each time. In interleaved pairs on fresh
 * servers (benchmarks/PERFORMANCE-LOG.md, runs 23–26): multi-10 +3 to +22% in four of
 * four pairs, mixed 90/10 +7 and +16%, create and setData within the noise. It costs
 * 32 MB more of reserved young space. The JVM sizes its young generation itself (G1).
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];
