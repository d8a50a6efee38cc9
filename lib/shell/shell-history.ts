import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

/** Lines kept in the history file (and offered by the up arrow). */
export const HISTORY_SIZE = 500;

/**
 * The interactive shell's line history in a file (one line each, oldest first), so the up
 * arrow reaches lines of earlier sessions. Reading or writing it never fails the shell:
 * a history that cannot be kept is simply not kept.
 */
export class ShellHistoryFile {
  constructor(private readonly file: string) {}

  /** Newest first, as node:readline takes it; the file is trimmed to the last HISTORY_SIZE lines. */
  load(): string[] {
    try {
      if (!existsSync(this.file)) return [];
      const lines = readFileSync(this.file, 'utf8').split('\n').filter((l) => l !== '');
      if (lines.length > HISTORY_SIZE) {
        lines.splice(0, lines.length - HISTORY_SIZE);
        writeFileSync(this.file, lines.join('\n') + '\n', { mode: 0o600 });
      }
      return lines.reverse();
    } catch {
      return [];
    }
  }

  append(line: string): void {
    if (line.trim() === '' || line.includes('\n')) return;
    try {
      appendFileSync(this.file, line + '\n', { mode: 0o600 });
    } catch {
      /* not kept */
    }
  }
}
