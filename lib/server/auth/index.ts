export * from './authentication-provider';
export * from './digest-authentication-provider';
export * from './ip-authentication-provider';
export * from './provider-registry';
export * from './super';
