import { IllegalTransitionError, TaskNotFoundError } from "@taskjet/events";
import type { FastifyError, FastifyInstance } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";

export class ApiError extends Error {
  override name = "ApiError";
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
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

function toErrorBody(err: FastifyError): { status: number; body: Body } | null {
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
    return { status: err.status, body: { error: { code: err.code, message: err.message, ...details } } };
  }
  if (err instanceof TaskNotFoundError)
    return { status: 404, body: { error: { code: "not_found", message: err.message } } };
  if (err instanceof IllegalTransitionError) {
    return {
      status: 409,
      body: { error: { code: "illegal_transition", message: err.message, details: { status: err.status } } },
    };
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
      return reply.status(known.status).send(known.body);
    }
    req.log.error({ err }, "request failed");
    countError("internal");
    return reply.status(500).send({ error: { code: "internal", message: "internal error" } });
  });
  app.setNotFoundHandler((req, reply) => {
    countError("route_not_found");
    return reply.status(404).send({ error: { code: "route_not_found", message: `no route ${req.method} ${req.url}` } });
  });
}
