export * from './api';
export * from './contract';
export * from './errors';
export * from './names';
export * from './schemas';
export * from './entry';
export * from './session-contract';
export * from './tickets-contract';
