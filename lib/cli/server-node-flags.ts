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
 *
 * --initial-old-space-size=256: V8 otherwise fits the old generation's limit to a small
 * live heap within a few MB, and every write promotes a little (its stat's new BigInts,
 * its arena view). On a 10k-znode tree under setData the server then ran a full
 * mark-compact every ~130 ms (140 in 21 s, the mutator at 93% of the time, p99 18–22 ms);
 * with the flag it ran none in 60 s, scavenges alone kept up, and p99 was 5–7 ms
 * (benchmarks/PERFORMANCE-LOG.md, "Runs 65–76"). It only sets where V8 starts: a bigger
 * tree's limit grows as before, and pages are committed as they are used. The JVM
 * starts ZooKeeper with 1/64 of the machine's memory as its heap.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32', '--initial-old-space-size=256'];
