import { type DestinationStream, type Logger, pino } from "pino";
import pretty from "pino-pretty";
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

/** Pretty on a terminal (or when asked: `npm start` asks for its services when it runs on one), else JSON. */
export function wantsPretty(format: Config["LOG_FORMAT"] | undefined, isTTY = Boolean(process.stdout.isTTY)): boolean {
  return format === "pretty" || ((format ?? "auto") === "auto" && isTTY);
}

/**
 * One line per event either way. Pretty lines leave out what the reader has already: pid and host always, and
 * the service's name under `npm start`, which prefixes every line with it.
 */
function prettyStream(): DestinationStream {
  const supervised = process.env.TASKJET_SUPERVISED === "1";
  return pretty({
    colorize: Boolean(process.stdout.isTTY) || process.env.FORCE_COLOR === "1",
    singleLine: true,
    translateTime: "SYS:HH:MM:ss.l",
    ignore: supervised ? "pid,hostname,service,name" : "pid,hostname,service",
    sync: true,
  });
}

export function createLogger(
  service: string,
  config: Pick<Config, "LOG_LEVEL"> & Partial<Pick<Config, "LOG_FORMAT">>,
  destination?: DestinationStream,
): Logger {
  const options = { name: service, level: config.LOG_LEVEL, base: { service }, redact: REDACTED_PATHS, serializers };
  if (destination) return pino(options, destination);
  return wantsPretty(config.LOG_FORMAT) ? pino(options, prettyStream()) : pino(options);
}
