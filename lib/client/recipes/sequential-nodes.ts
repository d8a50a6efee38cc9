import { filter, firstValueFrom } from 'rxjs';
import { after } from '../../core/clock';
import { Code } from '../../protocol/keeper-exception';
import { CreateMode, EventType } from '../../protocol/zoo-defs';
import { createKeeperException, type ClientKeeperException } from '../errors';
import { States, isAlive } from '../states';
import { nodeEvents } from '../watch-stream';
import type { ZooKeeper } from '../zookeeper';

/** The sequence number ZooKeeper appended to a sequential node's name (its last 10 digits). */
export function sequenceOf(name: string): number {
  return Number(name.slice(-10));
}

/** Children sorted by their sequence number, whatever prefix they carry. */
export function sortBySequence(children: string[]): string[] {
  return [...children].sort((a, b) => sequenceOf(a) - sequenceOf(b));
}

/** Creates `path` and any missing parents as persistent nodes (an existing node is fine). */
export async function ensurePath(zk: ZooKeeper, path: string): Promise<void> {
  let at = '';
  for (const part of path.split('/').filter(Boolean)) {
    at += `/${part}`;
    try {
      await zk.create(at);
    } catch (e) {
      if ((e as ClientKeeperException).code !== Code.NODEEXISTS) throw e;
    }
  }
}

/**
 * Creates an ephemeral-sequential node under `dir` whose name starts with `prefix` (unique to
 * this participant). If the connection is lost mid-create the node may exist anyway; as in
 * ZooKeeper's lock recipe, the participant then finds it by its prefix instead of making a
 * second one.
 */
export async function createOwnNode(zk: ZooKeeper, dir: string, prefix: string, data: Buffer | null = null): Promise<string> {
  let maybeCreated = false;
  for (;;) {
    try {
      if (maybeCreated) {
        const mine = (await zk.getChildren(dir)).find((c) => c.startsWith(prefix));
        if (mine) return mine;
        maybeCreated = false;
      }
      const path = await zk.create(`${dir}/${prefix}`, data, { mode: CreateMode.EPHEMERAL_SEQUENTIAL });
      return path.substring(dir.length + 1);
    } catch (e) {
      const code = (e as ClientKeeperException).code;
      if (code === Code.NONODE) {
        maybeCreated = false; // the directory is missing, so our node cannot be there
        await ensurePath(zk, dir);
        continue;
      }
      if (code !== Code.CONNECTIONLOSS) throw e;
      maybeCreated = true;
      if (!(await untilConnected(zk))) throw createKeeperException(Code.SESSIONEXPIRED);
    }
  }
}

/**
 * Resolves when `path` is gone: an exists watch, so a node deleted before the watch was set
 * is seen at once. Only this one node is watched — no herd when others come and go. True
 * when the node is gone; false when the session ended first (the caller's next request
 * says how). A lost connection rejects only if it fails the exists call itself.
 */
export async function waitForDeletion(zk: ZooKeeper, path: string): Promise<boolean> {
  for (;;) {
    const { stat, watch } = await zk.exists(path, { watch: true });
    if (stat === null) return true;
    const e = await firstValueFrom(watch.pipe(nodeEvents()), { defaultValue: null });
    if (e === null) return false;
    if (e.type === EventType.NodeDeleted) return true;
    // changed, not deleted: watch again
  }
}

const RETRY_PAUSE_MS = 20;

/**
 * Resolves true once the client can write again (read-write connection), false if the
 * session ends first. No timeout of its own: the session timeout bounds it.
 */
export async function untilConnected(zk: ZooKeeper): Promise<boolean> {
  // Called after a ConnectionLoss. Still CONNECTED means the client saw the loss before
  // its state changed, or it is closing (requests then fail at once, and the state stays
  // CONNECTED until the server confirms): pause, or a retry loop would spin in microtasks.
  if (zk.state === States.CONNECTED) await new Promise<void>((resolve) => after(zk.clock, RETRY_PAUSE_MS, resolve));
  const s = await firstValueFrom(zk.state$.pipe(filter((st) => st === States.CONNECTED || !isAlive(st))));
  return s === States.CONNECTED;
}

/**
 * Curator's guaranteed delete: keeps trying across lost connections until the node is gone
 * or the session is (an ephemeral node then goes with it). Rejects only on other errors.
 */
export async function deleteGuaranteed(zk: ZooKeeper, path: string): Promise<void> {
  for (;;) {
    try {
      await zk.delete(path);
      return;
    } catch (e) {
      const code = (e as ClientKeeperException).code;
      if (code === Code.NONODE || code === Code.SESSIONEXPIRED) return;
      if (code !== Code.CONNECTIONLOSS) throw e;
      if (!(await untilConnected(zk))) return;
    }
  }
}
