export * from "./decide.ts";
export * from "./envelope.ts";
export * from "./errors.ts";
export * from "./events.ts";
export * from "./names.ts";
export * from "./state.ts";
export * from "./status.ts";
export * from "./subjects.ts";
