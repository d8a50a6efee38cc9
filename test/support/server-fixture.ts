import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StandaloneServer } from '../../lib/server';
import type { RawClient } from './raw-client';

export interface ServerFixture {
  /** Servers a test started: closed after each test. */
  readonly servers: StandaloneServer[];
  /** Clients a test opened: destroyed after each test, before the servers close. */
  readonly clients: RawClient[];
  /** A fresh data directory inside the suite's temporary directory. */
  newDir(): string;
}

/**
 * A suite of in-process standalone servers: one temporary directory for the suite (removed
 * at its end), and the servers and clients each test starts, cleaned up after it. Call
 * at the top level of the test file; it registers the jest hooks.
 */
export function serverFixture(prefix: string): ServerFixture {
  let work = '';
  let n = 0;
  const fixture: ServerFixture = { servers: [], clients: [], newDir: () => join(work, `d${++n}`) };
  beforeAll(() => (work = mkdtempSync(join(tmpdir(), prefix))));
  afterEach(async () => {
    for (const c of fixture.clients.splice(0)) c.destroy();
    for (const s of fixture.servers.splice(0)) await s.close().catch(() => undefined);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  return fixture;
}
