export * from './token';
export * from './clock';
export * from './random';
export * from './logger';
export * from './container';
export * from './renewing-collections';
