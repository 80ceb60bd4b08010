import { type Logger, pino } from "pino";
import type { Config } from "./config.ts";

export type { Logger };

export function createLogger(service: string, config: Pick<Config, "LOG_LEVEL">): Logger {
  return pino({ name: service, level: config.LOG_LEVEL, base: { service } });
}
