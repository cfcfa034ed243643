export * from './api';
export * from './contract';
export * from './errors';
export * from './names';
export * from './schemas';
