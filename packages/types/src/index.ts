export * from './api-groups.js';
export type * from './duck.js';
