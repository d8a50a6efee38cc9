import { ACL, Id } from '../../jute/records/data';
import { Code, KeeperException } from '../../protocol/keeper-exception';
import type { ProviderRegistry } from '../auth/provider-registry';
import { ANYONE, AUTH_SCHEME, SUPER_ID, WORLD_SCHEME } from '../auth/super';

/**
 * ZooKeeperServer.checkACL: passes when the node has no ACL, when the caller is super,
 * or when an entry granting any bit of `perm` matches world:anyone or one of the
 * caller's ids (by the entry scheme's provider); otherwise NoAuth.
 */
export function checkACL(
  providers: ProviderRegistry,
  acl: readonly ACL[] | null,
  perm: number,
  ids: readonly Id[],
  skipACL = false,
): void {
  if (skipACL) return;
  if (acl === null || acl.length === 0) return;
  for (const authId of ids) {
    if (authId.scheme === SUPER_ID.scheme) return;
  }
  for (const a of acl) {
    const id = a.id;
    if ((a.perms & perm) === 0) continue;
    if (id.scheme === WORLD_SCHEME && id.id === ANYONE) return;
    const ap = providers.get(id.scheme);
    if (!ap) continue;
    for (const authId of ids) {
      if (authId.scheme === id.scheme && authId.id !== null && id.id !== null && ap.matches(authId.id, id.id)) return;
    }
  }
  throw new KeeperException(Code.NOAUTH);
}

function sameAcl(a: ACL, b: ACL): boolean {
  return a.perms === b.perms && a.id.scheme === b.id.scheme && a.id.id === b.id.id;
}

/** PrepRequestProcessor.removeDuplicates: first occurrences, in order. */
export function removeDuplicates(acls: readonly ACL[] | null): ACL[] {
  const out: ACL[] = [];
  for (const a of acls ?? []) if (!out.some((b) => sameAcl(a, b))) out.push(a);
  return out;
}

/**
 * PrepRequestProcessor.fixupACL: the ACL a create or setACL will store. It must be
 * non-empty; world is allowed only as world:anyone; the "auth" pseudo-scheme expands to
 * each of the caller's ids whose provider identifies a creator (InvalidACL when there is
 * none); any other scheme needs a provider that accepts the id. Anything else: InvalidACL.
 */
export function fixupACL(
  providers: ProviderRegistry,
  path: string | null,
  authInfo: readonly Id[],
  acls: readonly ACL[] | null,
): ACL[] {
  // One world:anyone entry, what most creates carry, comes out as it went in: the
  // request's own list (never changed afterwards) instead of two copies of it.
  if (acls !== null && acls.length === 1) {
    const id = acls[0].id;
    if (id.scheme === WORLD_SCHEME && id.id === ANYONE) return acls as ACL[];
  }
  const invalid = () => new KeeperException(Code.INVALIDACL, path ?? undefined);
  const uniq = removeDuplicates(acls);
  if (uniq.length === 0) throw invalid();
  const rv: ACL[] = [];
  for (const a of uniq) {
    const id = a.id;
    if (id.scheme === null) throw invalid();
    if (id.scheme === WORLD_SCHEME && id.id === ANYONE) {
      rv.push(a);
    } else if (id.scheme === AUTH_SCHEME) {
      let authIdValid = false;
      for (const cid of authInfo) {
        const ap = providers.get(cid.scheme);
        if (ap?.isAuthenticated()) {
          authIdValid = true;
          rv.push(new ACL({ perms: a.perms, id: cid }));
        }
      }
      if (!authIdValid) throw invalid();
    } else {
      const ap = providers.get(id.scheme);
      if (!ap || id.id === null || !ap.isValid(id.id)) throw invalid();
      rv.push(a);
    }
  }
  return rv;
}
