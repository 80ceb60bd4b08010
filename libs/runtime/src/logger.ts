import { type DestinationStream, type Logger, pino } from "pino";
import type { Config } from "./config.ts";

export type { Logger };

/**
 * Where secrets would be if anything logged them: credentials in headers, keys and passwords under the usual
 * names (at the top of a log object or one level down), and the configuration's secrets. pino replaces them
 * with "[Redacted]" before a line is written.
 */
const SECRET_FIELDS = [
  "authorization",
  "cookie",
  "key",
  "apiKey",
  "api_key",
  "secret",
  "password",
  "token",
  "ticket",
  "ANTHROPIC_API_KEY",
  "OPENAI_API_KEY",
  "NATS_PASSWORD",
  "NATS_TOKEN",
  "BOOTSTRAP_ADMIN_KEY",
];
export const REDACTED_PATHS = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-api-key"]',
  'req.headers["sec-websocket-protocol"]',
  "headers.authorization",
  "*.headers.authorization",
  "res.headers['set-cookie']",
];

/** Query parameters that carry a credential (a WebSocket ticket, a key some client put in the URL). */
const SECRET_QUERY = /([?&](?:key|api_key|apikey|ticket|token|access_token|auth)=)[^&#]*/gi;
export const redactUrl = (url: string) =>
  url.replace(SECRET_QUERY, "$1[Redacted]").replace(/\/\/[^/@\s,]*@/g, "//[Redacted]@");

type RequestLike = {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number } | null;
};

/** Fastify's request serializer, with credentials in the URL's query redacted; headers are never logged. */
const serializers = {
  req: (req: RequestLike) => ({
    method: req.method,
    url: req.url === undefined ? undefined : redactUrl(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  }),
};

export function createLogger(
  service: string,
  config: Pick<Config, "LOG_LEVEL">,
  destination?: DestinationStream,
): Logger {
  const options = { name: service, level: config.LOG_LEVEL, base: { service }, redact: REDACTED_PATHS, serializers };
  return destination ? pino(options, destination) : pino(options);
}
