/** ZooKeeper.States: where the client's connection and session stand. */
export enum States {
  CONNECTING = 'CONNECTING',
  ASSOCIATING = 'ASSOCIATING',
  CONNECTED = 'CONNECTED',
  CONNECTEDREADONLY = 'CONNECTEDREADONLY',
  CLOSED = 'CLOSED',
  AUTH_FAILED = 'AUTH_FAILED',
  NOT_CONNECTED = 'NOT_CONNECTED',
}

/** States.isAlive: the session may still be used (CLOSED and AUTH_FAILED are final). */
export function isAlive(s: States): boolean {
  return s !== States.CLOSED && s !== States.AUTH_FAILED;
}

/** States.isConnected: requests can be answered now. */
export function isConnected(s: States): boolean {
  return s === States.CONNECTED || s === States.CONNECTEDREADONLY;
}
