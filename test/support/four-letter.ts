import { connect } from 'node:net';

/**
 * Sends a four-letter word ("ruok", "srvr", "mntr" …) and returns everything the server
 * writes before it closes the connection. Rejects on a socket error or after `timeoutMs`.
 */
export function fourLetterWord(host: string, port: number, word: string, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const sock = connect({ host, port });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`four-letter word ${word} to ${host}:${port}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.on('connect', () => sock.write(word));
    sock.on('data', (c) => chunks.push(c));
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

/** Polls `ruok` until the server answers `imok`, or rejects with the last failure. */
export async function waitForImok(
  host: string,
  port: number,
  timeoutMs: number,
  alive: () => string | null = () => null,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no attempt';
  while (Date.now() < deadline) {
    const dead = alive();
    if (dead) throw new Error(dead);
    try {
      const answer = await fourLetterWord(host, port, 'ruok', 1000);
      if (answer === 'imok') return;
      last = `answered ${JSON.stringify(answer)}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server at ${host}:${port} did not answer ruok with imok within ${timeoutMs} ms (${last})`);
}

/**
 * `ruok` is answered by the connection layer before the ZooKeeperServer runs (a session
 * request then gets "ZooKeeperServer not running"); `srvr` says whether it serves yet.
 */
export async function waitForServing(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      last = await fourLetterWord(host, port, 'srvr', 1000);
      if (/^Mode: /m.test(last)) return;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server at ${host}:${port} is not serving requests after ${timeoutMs} ms (srvr: ${last.trim()})`);
}

/** Resolves when `p` settles or `ms` passes, whichever is first, leaving no timer behind. */
export async function settleWithin<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
