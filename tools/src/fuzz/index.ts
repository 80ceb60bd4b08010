export * from "./report.ts";
export * from "./run.ts";
