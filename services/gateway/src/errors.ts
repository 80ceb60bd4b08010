import { JetStreamApiError } from "@nats-io/jetstream";
import {
  ClosedConnectionError,
  ConnectionError,
  DrainingConnectionError,
  InvalidArgumentError,
  RequestError,
  TimeoutError,
} from "@nats-io/transport-node";
import { IllegalTransitionError, TaskNotFoundError } from "@taskjet/events";
import { BodyUnavailableError, redactUrl } from "@taskjet/runtime";
import type { FastifyError, FastifyInstance, FastifyReply } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";

export class ApiError extends Error {
  override name = "ApiError";
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  /** Sent as `Retry-After` when set: the request may succeed if made again after this many seconds. */
  readonly retryAfterSeconds: number | undefined;
  constructor(status: number, code: string, message: string, details?: unknown, retryAfterSeconds?: number) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Fastify's own client errors, under the names our clients see. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "unsupported_media_type",
  FST_ERR_CTP_BODY_TOO_LARGE: "payload_too_large",
  FST_ERR_CTP_EMPTY_JSON_BODY: "empty_body",
  FST_ERR_CTP_INVALID_JSON_BODY: "malformed_json",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "invalid_content_length",
  FST_ERR_CTP_INVALID_CHARSET: "unsupported_charset",
};

type Body = { error: { code: string; message: string; details?: unknown } };

/** Seconds a client is asked to wait after a 503: about what a NATS reconnect or a Postgres restart takes. */
const RETRY_AFTER_SECONDS = 2;

/** nats.js's errors for a server that is down, restarting or not answering in time. */
const NATS_UNAVAILABLE = [ClosedConnectionError, ConnectionError, DrainingConnectionError, RequestError, TimeoutError];
/** Known by name: the runtime's own, and the JetStream client's "no responders" (not exported as a class). */
const UNAVAILABLE_NAMES = new Set(["DependencyUnavailableError", "JetStreamNotEnabled"]);
/** Postgres: connection exceptions (08…), the server shutting down (57P01–57P03), too many connections. */
const PG_UNAVAILABLE = /^(08...|57P0[123]|53300)$/;
const SOCKET_UNAVAILABLE = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENOTFOUND"]);
/** node-postgres says these in words only. */
const PG_POOL_UNAVAILABLE = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered)/;

/**
 * Whether an error means a dependency is out of reach (NATS or Postgres down, restarting, or too slow), not
 * that the request was wrong: the client should come back later. Looks through `cause`s, since clients wrap.
 */
export function isUnavailable(err: unknown): boolean {
  for (let e = err, hops = 0; e instanceof Error && hops < 5; e = e.cause, hops++) {
    if (NATS_UNAVAILABLE.some((c) => e instanceof c)) return true;
    if (e instanceof JetStreamApiError && e.status === 503) return true;
    if (UNAVAILABLE_NAMES.has(e.name)) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (PG_UNAVAILABLE.test(code) || SOCKET_UNAVAILABLE.has(code))) return true;
    if (PG_POOL_UNAVAILABLE.test(e.message)) return true;
  }
  return false;
}

/** A message bigger than the NATS server takes: a request the client can make smaller. */
const isOverMaxPayload = (err: unknown) =>
  err instanceof InvalidArgumentError && err.message.includes("max_payload size exceeded");

function toErrorBody(err: FastifyError): { status: number; body: Body; retryAfter?: number } | null {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const details = err.validation.map((v) => ({
      path: `${err.validationContext ?? "body"}${v.instancePath.replaceAll("/", ".")}`.replace(/\.$/, ""),
      message: v.message,
    }));
    const first = details[0];
    const message = first ? `${first.path}: ${first.message}` : "invalid request";
    return { status: 400, body: { error: { code: "invalid_request", message, details } } };
  }
  if (err instanceof ApiError) {
    const details = err.details === undefined ? {} : { details: err.details };
    const body = { error: { code: err.code, message: err.message, ...details } };
    return {
      status: err.status,
      body,
      ...(err.retryAfterSeconds === undefined ? {} : { retryAfter: err.retryAfterSeconds }),
    };
  }
  if (err instanceof TaskNotFoundError)
    return { status: 404, body: { error: { code: "not_found", message: err.message } } };
  if (err instanceof IllegalTransitionError) {
    return {
      status: 409,
      body: { error: { code: "illegal_transition", message: err.message, details: { status: err.status } } },
    };
  }
  if (isUnavailable(err)) {
    const body = { error: { code: "unavailable", message: "a backing service is unavailable; try again shortly" } };
    return { status: 503, body, retryAfter: RETRY_AFTER_SECONDS };
  }
  if (err instanceof BodyUnavailableError) {
    // A claim-checked body gone from the object store: the task's events name what can no longer be read.
    return { status: 500, body: { error: { code: "body_unavailable", message: err.message } } };
  }
  if (isOverMaxPayload(err)) {
    const message = "the task is larger than one message may be; shorten its prompt, system or metadata";
    return { status: 413, body: { error: { code: "payload_too_large", message } } };
  }
  if (err instanceof SyntaxError)
    return { status: 400, body: { error: { code: "malformed_json", message: err.message } } };
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const code = FASTIFY_CODES[err.code] ?? (err.code ?? "bad_request").replace(/^FST_ERR_/, "").toLowerCase();
    return { status, body: { error: { code, message: err.message } } };
  }
  return null;
}

/** The one place errors become HTTP: known ones are 4xx with a code, anything else a 500 that hides its text. */
export function registerErrorHandling(app: FastifyInstance, countError: (code: string) => void) {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const known = toErrorBody(err);
    if (known) {
      countError(known.body.error.code);
      if (known.retryAfter !== undefined) {
        req.log.warn({ err }, "unavailable for now");
        reply.header("retry-after", String(known.retryAfter));
      } else if (known.status >= 500) {
        req.log.error({ err }, "request failed");
      }
      return reply.status(known.status).send(known.body);
    }
    req.log.error({ err }, "request failed");
    countError("internal");
    return reply.status(500).send({ error: { code: "internal", message: "internal error" } });
  });
  app.setNotFoundHandler((req, reply) => {
    countError("route_not_found");
    // The query redacted: a key or ticket some client put in the URL is not repeated back.
    const message = `no route ${req.method} ${redactUrl(req.url)}`;
    return reply.status(404).send({ error: { code: "route_not_found", message } });
  });
}

/** Codes of the requests a limit refused: the caller may come back after `Retry-After`. */
export const LIMIT_CODES = {
  rateLimited: "rate_limited",
  /** Over the tenant's total rate, which all its keys share (`RATE_LIMIT_TENANT_RPS`). */
  tenantRateLimited: "tenant_rate_limited",
  quotaExceeded: "quota_exceeded",
  overloaded: "overloaded",
} as const;

/**
 * Answers a request a limit refused, from the hook that refused it: the error body, `Retry-After`, and the
 * error counted, without a log line each (under overload those lines would be the load).
 */
export function sendRefusal(
  reply: FastifyReply,
  countError: (code: string) => void,
  refusal: { status: 429 | 503; code: string; message: string; retryAfterSeconds: number; details?: unknown },
) {
  countError(refusal.code);
  const details = refusal.details === undefined ? {} : { details: refusal.details };
  return reply
    .status(refusal.status)
    .header("retry-after", String(refusal.retryAfterSeconds))
    .send({ error: { code: refusal.code, message: refusal.message, ...details } });
}
