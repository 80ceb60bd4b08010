export * from "./context.ts";
export * from "./fake-llm.ts";
export * from "./spawn.ts";
export * from "./wait.ts";
