export { Taskjet, type TaskjetOptions } from "./client.ts";
export * from "./errors.ts";
export { DEFAULT_RETRY, isIdempotent, type RetryPolicy, retryDelay } from "./retry.ts";
export type { components, paths } from "./schema.ts";
export * from "./types.ts";
