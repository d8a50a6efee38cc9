/**
 * The id a connection carries once it authenticated as the super user (digest matching
 * superDigest). checkACL lets any id of scheme "super" through.
 */
export const SUPER_ID = { scheme: 'super', id: '' } as const;

/** The implicit "world" scheme: world:anyone matches every connection. */
export const WORLD_SCHEME = 'world';
export const ANYONE = 'anyone';
/** The "auth" pseudo-scheme of fixupACL: "every id I authenticated as". */
export const AUTH_SCHEME = 'auth';
