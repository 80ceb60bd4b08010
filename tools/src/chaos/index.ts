export * from "../shared/stream.ts";
export * from "./client.ts";
export * from "./report.ts";
export * from "./run.ts";
