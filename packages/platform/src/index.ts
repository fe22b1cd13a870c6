export * from './config.js';
export * from './errors.js';
export * from './grpc-errors.js';
export * from './grpc.js';
export * from './logger.js';
export * from './shutdown.js';
export * from './db/index.js';
