export * from "./attempts.ts";
export * from "./decide.ts";
export * from "./render-child.ts";
export * from "./schedule-firings.ts";
export * from "./scheduling.ts";
export * from "./task-commands.ts";
export * from "./webhook-retry.ts";
export * from "./webhooks.ts";
