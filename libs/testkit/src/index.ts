export * from "./context.ts";
export * from "./wait.ts";
