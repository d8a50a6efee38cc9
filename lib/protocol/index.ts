// Server code on the request path imports from these modules directly, not from here:
// TypeScript's CommonJS output turns `export *` into accessor properties, and reading
// OpCode through one on every request was 1–2% of a write load.
export * from './op-code';
export * from './keeper-exception';
export * from './zoo-defs';
