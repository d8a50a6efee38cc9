import { ACL, Id } from '../jute/records/data';
import { Perms } from '../protocol/zoo-defs';
import { toCSVString } from './java-format';

/**
 * AclParser.parse: "scheme:id:perms[,…]" into ACL entries. Like zkCli, an entry without
 * two colons and an unknown permission letter are reported on `err` and skipped, not
 * fatal (an empty result is refused later as InvalidACL).
 */
export function parseAcl(aclString: string, err: (line: string) => void): ACL[] {
  const acl: ACL[] = [];
  for (const a of javaSplit(aclString, ',')) {
    const first = a.indexOf(':');
    const last = a.lastIndexOf(':');
    if (first === -1 || last === -1 || first === last) {
      err(`${a} does not have the form scheme:id:perm`);
      continue;
    }
    const id = new Id({ scheme: a.substring(0, first), id: a.substring(first + 1, last) });
    acl.push(new ACL({ perms: permsFromString(a.substring(last + 1), err), id }));
  }
  return acl;
}

const PERM_LETTERS: Record<string, number> = { r: Perms.READ, w: Perms.WRITE, c: Perms.CREATE, d: Perms.DELETE, a: Perms.ADMIN };

function permsFromString(s: string, err: (line: string) => void): number {
  let perm = 0;
  for (const ch of s) {
    if (ch in PERM_LETTERS) perm |= PERM_LETTERS[ch];
    else err(`Unknown perm type: ${ch}`);
  }
  return perm;
}

/** ZKUtil.getPermString: the letters in the order c d r w a. */
export function permString(perms: number): string {
  let p = '';
  if (perms & Perms.CREATE) p += 'c';
  if (perms & Perms.DELETE) p += 'd';
  if (perms & Perms.READ) p += 'r';
  if (perms & Perms.WRITE) p += 'w';
  if (perms & Perms.ADMIN) p += 'a';
  return p;
}

/**
 * Id.toString() as jute generates it (a CSV record ending in a newline), which is why
 * getAcl prints "'world,'anyone" and ": cdrwa" on two lines.
 */
export function idToString(id: Id): string {
  return `${toCSVString(id.scheme)},${toCSVString(id.id)}\n`;
}

/** Java's String.split: trailing empty strings are dropped. */
export function javaSplit(s: string, sep: string | RegExp): string[] {
  const parts = s.split(sep);
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length === 1 && parts[0] === '' && s !== '') return [];
  return parts;
}
