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
 *
 * --no-allocation-site-pretenuring: after a write load, V8 had decided that objects made
 * at some allocation sites the write path shares with session handling survive, and
 * made them in the old generation from then on. Dead there, they kept the young objects
 * they pointed at (each closing connection's) alive through every scavenge until a
 * mark-compact: session churn after 50,000 creates copied and promoted ~3.1 MB a
 * scavenge (5–8 ms), against ~0.9 MB (~2 ms) with the flag or after 20,000 creates. In
 * three interleaved pairs (zoolab alone: create, setData, multi-10, then churn) churn's
 * p99 was 5.1–7.8 ms with it against 8.1–10.4 ms without, and the other rows moved
 * within the noise (benchmarks/PERFORMANCE-LOG.md, "Session churn's tail").
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32', '--initial-old-space-size=256', '--no-allocation-site-pretenuring'];
