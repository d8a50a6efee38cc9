import { createHash } from 'node:crypto';
import { Id } from '../../jute/records/data';
import { Code } from '../../protocol/keeper-exception';
import type { ServerCnxn } from '../server-cnxn';
import type { AuthenticationProvider } from './authentication-provider';
import { SUPER_ID } from './super';

/** Java's String.split(regex) without a limit: trailing empty parts are dropped. */
export function javaSplit(s: string, sep: string): string[] {
  const parts = s.split(sep);
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  // "".split(x) is [""] in Java too; a string of only separators splits to [].
  if (parts.length === 1 && parts[0] === '' && s.length > 0) return [];
  return parts;
}

/**
 * DigestAuthenticationProvider.generateDigest: "user:password" → "user:" +
 * base64(SHA1("user:password")). This is what digest ACL ids hold and what
 * superDigest is compared with.
 */
export function generateDigest(idPassword: string): string {
  const colon = idPassword.indexOf(':');
  const user = colon === -1 ? idPassword : idPassword.slice(0, colon);
  const hash = createHash('sha1').update(idPassword, 'utf8').digest('base64');
  return `${user}:${hash}`;
}

/**
 * The "digest" scheme: the client sends "user:password"; the connection gets the id
 * "user:base64(sha1)". When that equals the configured superDigest the connection also
 * becomes super (Id("super","")), which bypasses every ACL.
 */
export class DigestAuthenticationProvider implements AuthenticationProvider {
  readonly scheme = 'digest';

  /** `superDigest` is "super:<base64 sha1>" as DigestAuthenticationProvider.superDigest. */
  constructor(private readonly superDigest: string | null = null) {}

  handleAuthentication(cnxn: ServerCnxn, authData: Buffer): number {
    const digest = generateDigest(authData.toString('utf8'));
    if (this.superDigest !== null && digest === this.superDigest) {
      cnxn.addAuthInfo(new Id({ scheme: SUPER_ID.scheme, id: SUPER_ID.id }));
    }
    cnxn.addAuthInfo(new Id({ scheme: this.scheme, id: digest }));
    return Code.OK;
  }

  matches(id: string, aclExpr: string): boolean {
    return id === aclExpr;
  }

  isAuthenticated(): boolean {
    return true;
  }

  isValid(id: string): boolean {
    return javaSplit(id, ':').length === 2;
  }

  getUserName(id: string): string {
    return javaSplit(id, ':')[0] ?? '';
  }
}
