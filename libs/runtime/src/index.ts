export * from "./config.ts";
export * from "./consume.ts";
export * from "./db.ts";
export * from "./events-io.ts";
export * from "./logger.ts";
export * from "./nats.ts";
export * from "./provision.ts";
export * from "./shutdown.ts";
