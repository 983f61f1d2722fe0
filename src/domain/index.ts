export type * from './issue.js';
export type * from './net-value.js';
export type * from './webhook-event.js';
export * from './tracker-error.js';
export * from './rank-plan.js';
