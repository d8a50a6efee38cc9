import { readFileSync } from 'node:fs';

/** The shared log's lines, each `<tag> <worker> [detail]`. */
export function readLog(file: string): { tag: string; who: string; rest: string }[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [tag, who, ...rest] = l.split(' ');
      return { tag, who, rest: rest.join(' ') };
    });
}

/**
 * Mutual exclusion from an enter/exit log: every `open` is followed by the same worker's
 * `close` before anyone's next `open`. Returns how many sections each worker had; throws,
 * naming the line, at the first overlap.
 */
export function checkExclusive(file: string, open: string, close: string): Map<string, number> {
  const counts = new Map<string, number>();
  let inside: string | null = null;
  readLog(file).forEach((l, i) => {
    if (l.tag === open) {
      if (inside !== null) throw new Error(`line ${i + 1}: ${l.who} entered while ${inside} was inside`);
      inside = l.who;
    } else if (l.tag === close) {
      if (inside !== l.who) throw new Error(`line ${i + 1}: ${l.who} left but ${inside ?? 'nobody'} was inside`);
      inside = null;
      counts.set(l.who, (counts.get(l.who) ?? 0) + 1);
    }
  });
  if (inside !== null) throw new Error(`${inside} never left`);
  return counts;
}

/**
 * Read/write lock invariants from an r+/r-/w+/w- log: a writer is alone; readers share.
 * Returns the most readers seen inside at once and the number of sections.
 */
export function checkReadWrite(file: string): { maxReaders: number; reads: number; writes: number } {
  const readers = new Set<string>();
  let writer: string | null = null;
  let maxReaders = 0;
  let reads = 0;
  let writes = 0;
  readLog(file).forEach((l, i) => {
    const key = `${l.who}#${l.rest}`;
    const at = `line ${i + 1} (${l.tag} ${l.who})`;
    switch (l.tag) {
      case 'w+':
        if (writer !== null) throw new Error(`${at}: writer ${writer} already inside`);
        if (readers.size > 0) throw new Error(`${at}: readers inside: ${[...readers].join(', ')}`);
        writer = key;
        break;
      case 'w-':
        if (writer !== key) throw new Error(`${at}: ${writer ?? 'no writer'} was inside`);
        writer = null;
        writes++;
        break;
      case 'r+':
        if (writer !== null) throw new Error(`${at}: writer ${writer} inside`);
        readers.add(key);
        maxReaders = Math.max(maxReaders, readers.size);
        break;
      case 'r-':
        if (!readers.delete(key)) throw new Error(`${at}: was not inside`);
        reads++;
        break;
    }
  });
  if (writer !== null || readers.size > 0) throw new Error('a section never ended');
  return { maxReaders, reads, writes };
}

/** Double barrier: nobody enters before all arrived, nobody leaves before all finished work. */
export function checkDoubleBarrier(file: string, size: number): void {
  const log = readLog(file);
  const firstEnter = log.findIndex((l) => l.tag === 'enter');
  const arrivedBefore = log.slice(0, firstEnter).filter((l) => l.tag === 'arrive').length;
  if (arrivedBefore !== size) throw new Error(`first enter after only ${arrivedBefore} of ${size} arrived`);
  const firstLeft = log.findIndex((l) => l.tag === 'left');
  const doneBefore = log.slice(0, firstLeft).filter((l) => l.tag === 'work-done').length;
  if (doneBefore !== size) throw new Error(`first left after only ${doneBefore} of ${size} finished work`);
  if (log.filter((l) => l.tag === 'left').length !== size) throw new Error('not everyone left');
}
