export * from './batches';
export * from './connector';
export * from './errors';
export * from './config';
export * from './secrets';
export * from './expand';
export * from './check';
export * from './cli';
