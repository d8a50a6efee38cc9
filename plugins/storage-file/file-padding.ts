/** FilePadding's default: 64 MiB (zookeeper.preAllocSize is given in KiB). */
export const DEFAULT_PREALLOC_SIZE = 64 * 1024 * 1024;

/**
 * FilePadding.calculateFileSizeWithPadding: once the write position comes within 4 KiB of
 * the preallocated end, the file grows by another preAllocSize. Preallocating keeps the
 * file's length (metadata) out of most fsyncs; the reader treats the zeros as end of log.
 */
export function calculateFileSizeWithPadding(position: number, fileSize: number, preAllocSize: number): number {
  if (preAllocSize > 0 && position + 4096 >= fileSize) {
    if (position > fileSize) {
      fileSize = position + preAllocSize;
      fileSize -= fileSize % preAllocSize;
    } else {
      fileSize += preAllocSize;
    }
  }
  return fileSize;
}
