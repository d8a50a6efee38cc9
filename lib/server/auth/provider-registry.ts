import type { AuthPacket } from '../../jute/records/proto';
import { Code } from '../../protocol/keeper-exception';
import type { ServerCnxn } from '../server-cnxn';
import type { AuthenticationProvider } from './authentication-provider';
import { DigestAuthenticationProvider } from './digest-authentication-provider';
import { IPAuthenticationProvider } from './ip-authentication-provider';

export interface ProviderRegistryOptions {
  /** "super:<base64 sha1>" (zookeeper.DigestAuthenticationProvider.superDigest); null for none. */
  superDigest?: string | null;
  /** zookeeper.DigestAuthenticationProvider.enabled (default true). */
  digestEnabled?: boolean;
  /** Extra providers (zookeeper.authProvider.*); a scheme given here replaces a built-in one. */
  extra?: AuthenticationProvider[];
}

/**
 * ZooKeeper's ProviderRegistry, one per server instead of a JVM-wide static: the
 * authentication providers by scheme. "world" and "auth" are not providers; checkACL and
 * fixupACL handle them.
 */
export class ProviderRegistry {
  private readonly providers = new Map<string, AuthenticationProvider>();

  constructor(opts: ProviderRegistryOptions = {}) {
    this.register(new IPAuthenticationProvider());
    if (opts.digestEnabled ?? true) this.register(new DigestAuthenticationProvider(opts.superDigest ?? null));
    for (const p of opts.extra ?? []) this.register(p);
  }

  register(p: AuthenticationProvider): void {
    this.providers.set(p.scheme, p);
  }

  remove(scheme: string): void {
    this.providers.delete(scheme);
  }

  get(scheme: string | null): AuthenticationProvider | undefined {
    return scheme === null ? undefined : this.providers.get(scheme);
  }

  schemes(): string[] {
    return [...this.providers.keys()];
  }

  /**
   * The server half of an auth packet (ZooKeeperServer.processPacket, OpCode.auth): runs
   * the scheme's provider and returns OK or AUTHFAILED. The caller replies with
   * ReplyHeader(xid, 0, code) and, on AUTHFAILED, closes the connection. A provider that
   * throws counts as AUTHFAILED, as in Java.
   */
  authenticate(cnxn: ServerCnxn, packet: AuthPacket): number {
    const ap = this.get(packet.scheme);
    if (!ap) return Code.AUTHFAILED;
    try {
      return ap.handleAuthentication(cnxn, packet.auth ?? Buffer.alloc(0));
    } catch {
      return Code.AUTHFAILED;
    }
  }
}
