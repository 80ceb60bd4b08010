export * from "./context.ts";
export * from "./fake-llm.ts";
export * from "./nats-cluster.ts";
export * from "./private-nats.ts";
export * from "./private-postgres.ts";
export * from "./spawn.ts";
export * from "./stats.ts";
export * from "./wait.ts";
