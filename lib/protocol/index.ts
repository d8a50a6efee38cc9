export * from './op-code';
export * from './keeper-exception';
export * from './zoo-defs';
