import { readdirSync, readFileSync } from 'node:fs';

/**
 * What Java's OSMXBean reports for mntr's open_file_descriptor_count and
 * max_file_descriptor_count, read from /proc on Linux; -1 where that is not available,
 * as Java reports on systems without the Unix bean.
 */
export function openFileDescriptorCount(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return -1;
  }
}

export function maxFileDescriptorCount(): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    if (!soft) return -1;
    return soft === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(soft);
  } catch {
    return -1;
  }
}
