import type { ServerCnxn } from '../server-cnxn';

/**
 * ZooKeeper's AuthenticationProvider: one ACL scheme. A provider turns an auth packet into
 * ids on the connection, and decides whether an id matches an ACL entry of its scheme.
 */
export interface AuthenticationProvider {
  /** The scheme of the ids it makes and matches ("digest", "ip" …). */
  readonly scheme: string;
  /**
   * Handles an auth packet of this scheme: adds ids to the connection and returns a
   * KeeperException code (OK or AUTHFAILED).
   */
  handleAuthentication(cnxn: ServerCnxn, authData: Buffer): number;
  /** Whether the authenticated `id` satisfies the ACL id expression `aclExpr`. */
  matches(id: string, aclExpr: string): boolean;
  /**
   * Whether ids of this scheme identify a creator, so that the `auth` ACL scheme may
   * expand to them (digest: yes; ip: no, addresses are transient).
   */
  isAuthenticated(): boolean;
  /** Whether `id` is a well-formed ACL id of this scheme. */
  isValid(id: string): boolean;
  /** The user part of an id, for whoAmI (digest "user:hash" → "user"). */
  getUserName(id: string): string;
}
