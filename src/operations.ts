/**
 * `@featherhq/api-client/operations`: one function per operation, over the client of
 * `createFeatherClient()` (docs/client.md, "Operation functions"). Import only what you call: a
 * bundler keeps those functions and their parameter rules, nothing else of the API.
 */
export * from '../generated/functions.ts';
export { createOperationClient, type OperationFunction } from './client/operation.ts';
export type { OperationFn, OperationResult } from './client/operation-fn.ts';
export type { OperationRequestOptions } from './client/init-args.ts';
