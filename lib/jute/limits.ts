/**
 * ZooKeeper's jute.maxbuffer default (0xfffff, just under 1 MiB). Java's
 * BinaryInputArchive also allows zookeeper.jute.maxbuffer.extrasize on the server side;
 * callers that need that headroom pass a larger limit.
 */
export const DEFAULT_MAX_BUFFER = 0xfffff;
