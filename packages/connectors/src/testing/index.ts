export * from './collect';
export * from './cli';
export * from './fixtures';
export * from './batches';
export * from './assertions';
export * from './contract-options';
export * from './source-contract';
export * from './destination-contract';
