export * from "./context.ts";
export * from "./fake-anthropic.ts";
export * from "./spawn.ts";
export * from "./wait.ts";
