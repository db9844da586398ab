export * from './framework/index';
export * from './registry';
