export * from "./context.ts";
export * from "./spawn.ts";
export * from "./wait.ts";
