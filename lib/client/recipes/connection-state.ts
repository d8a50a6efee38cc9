import { Observable, type Subscription } from 'rxjs';
import { after } from '../../core/clock';
import { KeeperState } from '../../protocol/zoo-defs';
import { States, isAlive, isConnected } from '../states';
import type { ZooKeeper } from '../zookeeper';

/**
 * Curator's ConnectionState, as the recipes see the session:
 * - CONNECTED: the first connection.
 * - SUSPENDED: the connection is gone; the session may still live (or may have expired
 *   without this client hearing yet). Whatever a recipe holds is in doubt.
 * - RECONNECTED: back on the same session; ephemeral nodes and watches survived.
 * - LOST: the session is over (expired, closed, auth failed) — or, as in Curator 3+, the
 *   client has been suspended for a whole session timeout and must assume the server
 *   expired it (reason 'timeout'). A RECONNECTED may still follow a 'timeout' LOST if the
 *   server kept the session after all; recipes then clean up what they gave up.
 * - READ_ONLY: connected to a read-only server (no writes, so nothing can be acquired).
 */
export type ConnectionState = 'CONNECTED' | 'SUSPENDED' | 'RECONNECTED' | 'LOST' | 'READ_ONLY';

export type LostReason = 'expired' | 'closed' | 'auth-failed' | 'timeout';

export interface ConnectionStateChange {
  readonly state: ConnectionState;
  /** Why the session is considered lost (LOST only). */
  readonly reason?: LostReason;
}

export interface ConnectionStateOptions {
  /**
   * How long a suspension may last before LOST is reported without word from the server.
   * Default: the negotiated session timeout (the server expires the session no sooner).
   * 0 turns the simulated loss off: LOST then comes only from the server.
   */
  lostAfterMs?: number;
}

/** Whether a change means the session (and so every ephemeral node) must be taken as gone. */
export function isLost(c: ConnectionStateChange): boolean {
  return c.state === 'LOST';
}

/** Whether the session ended for good (no RECONNECTED can follow). */
export function isFinal(c: ConnectionStateChange): boolean {
  return c.state === 'LOST' && c.reason !== 'timeout';
}

/**
 * The client's connection states as Curator reports them. Subscribing to a client that is
 * connected emits CONNECTED at once; to one whose session is over, LOST and completes.
 * Completes after the final LOST.
 */
export function connectionStates(zk: ZooKeeper, opts: ConnectionStateOptions = {}): Observable<ConnectionStateChange> {
  return new Observable<ConnectionStateChange>((subscriber) => {
    // A client that has a negotiated timeout was connected before this subscription.
    let everConnected = zk.sessionTimeout > 0;
    let first = true;
    let suspended = false;
    let lostByTimeout = false;
    let ended = false;
    let timer: Subscription | null = null;
    const emit = (c: ConnectionStateChange) => {
      if (!ended) subscriber.next(c);
    };
    const end = (reason: LostReason) => {
      if (ended) return;
      timer?.unsubscribe();
      emit({ state: 'LOST', reason });
      ended = true;
      subscriber.complete();
    };

    // The session's last event says why it ended; it comes just after state CLOSED.
    const events = zk.events$.subscribe({
      next: (e) => {
        if (e.state === KeeperState.Expired) end('expired');
        else if (e.state === KeeperState.Closed) end('closed');
        else if (e.state === KeeperState.AuthFailed) end('auth-failed');
      },
      complete: () => end(zk.state === States.AUTH_FAILED ? 'auth-failed' : 'closed'),
    });

    const states = zk.state$.subscribe((s) => {
      if (ended || !isAlive(s)) return;
      const wasFirst = first;
      first = false;
      if (isConnected(s)) {
        timer?.unsubscribe();
        timer = null;
        const reconnected = everConnected && !wasFirst;
        const state: ConnectionState = s === States.CONNECTEDREADONLY ? 'READ_ONLY' : reconnected ? 'RECONNECTED' : 'CONNECTED';
        if (reconnected && !suspended && !lostByTimeout && state === 'RECONNECTED') return;
        everConnected = true;
        suspended = false;
        lostByTimeout = false;
        emit({ state });
        return;
      }
      if (!everConnected || suspended) return;
      suspended = true;
      emit({ state: 'SUSPENDED' });
      const ms = opts.lostAfterMs ?? zk.sessionTimeout;
      if (ms > 0) {
        timer = after(zk.clock, ms, () => {
          timer = null;
          if (ended || !suspended) return;
          lostByTimeout = true;
          emit({ state: 'LOST', reason: 'timeout' });
        });
      }
    });

    return () => {
      ended = true;
      timer?.unsubscribe();
      events.unsubscribe();
      states.unsubscribe();
    };
  });
}
