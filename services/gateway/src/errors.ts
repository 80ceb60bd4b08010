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

/** The one place errors become HTTP: known ones are 4xx with a code, anything else a 500 that hides its text. */
export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const details = err.validation.map((v) => ({
        path: `${err.validationContext ?? "body"}${v.instancePath.replaceAll("/", ".")}`,
        message: v.message,
      }));
      const first = details[0];
      return reply.status(400).send({
        error: {
          code: "invalid_request",
          message: first ? `${first.path}: ${first.message}` : "invalid request",
          details,
        },
      });
    }
    if (err instanceof ApiError) {
      return reply.status(err.status).send({ error: { code: err.code, message: err.message, details: err.details } });
    }
    if (err instanceof TaskNotFoundError) {
      return reply.status(404).send({ error: { code: "not_found", message: err.message } });
    }
    if (err instanceof IllegalTransitionError) {
      return reply
        .status(409)
        .send({ error: { code: "illegal_transition", message: err.message, details: { status: err.status } } });
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = (err.code ?? "bad_request").replace(/^FST_ERR_/, "").toLowerCase();
      return reply.status(status).send({ error: { code, message: err.message } });
    }
    req.log.error({ err }, "request failed");
    return reply.status(500).send({ error: { code: "internal", message: "internal error" } });
  });
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send({ error: { code: "route_not_found", message: `no route ${req.method} ${req.url}` } }),
  );
}
