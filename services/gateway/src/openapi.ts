import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import { jsonSchemaTransform, jsonSchemaTransformObject } from "fastify-type-provider-zod";

type Operation = {
  parameters?: { in: string; name: string }[];
  responses?: Record<string, unknown>;
  security?: Record<string, string[]>[];
};
type Document = { paths?: Record<string, Record<string, Operation>> };

/** Routes anyone may call (as `auth.ts` has them): no key, so no 401/403/429. */
const OPEN_PATHS = new Set(["/health", "/ready"]);
/** Routes that take an `Idempotency-Key`: each creates a task. */
const IDEMPOTENT = new Set(["post /tasks", "post /tasks/{id}/chain", "post /submit"]);

const error = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
  headers: description.includes("Retry-After")
    ? { "Retry-After": { schema: { type: "integer" }, description: "seconds to wait before trying again" } }
    : undefined,
});
const UNAUTHORIZED = error("`unauthorized`: no API key, or one malformed, unknown, revoked or expired");
const FORBIDDEN = error("`forbidden`: the key lacks the scope this route needs (or `X-Tenant-Id` sent with auth on)");
const LIMITED = error("`rate_limited` or `quota_exceeded`: over a limit of the key or tenant; see Retry-After");
const LIMITED_SUBMIT = error(
  "`rate_limited` or `quota_exceeded`: over a limit of the key or tenant; `spend_limit_exceeded`: the tenant has " +
    "spent its daily or monthly tokens (Retry-After: until the UTC day or month turns)",
);
const UNAVAILABLE = error("`unavailable`, `busy` or `overloaded`: try again after Retry-After");

/**
 * The security scheme, the `Idempotency-Key` header and the answers every route may give besides its own:
 * added to the generated document rather than repeated in every route's schema.
 */
export function documentAuth(doc: Document): Document {
  for (const [path, ops] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(ops)) {
      op.responses ??= {};
      const responses = op.responses;
      responses["503"] ??= UNAVAILABLE;
      if (OPEN_PATHS.has(path)) {
        op.security = [];
        continue;
      }
      op.security = [{ bearerAuth: [] }];
      responses["401"] ??= UNAUTHORIZED;
      responses["403"] ??= FORBIDDEN;
      responses["429"] ??= IDEMPOTENT.has(`${method} ${path}`) ? LIMITED_SUBMIT : LIMITED;
      op.parameters ??= [];
      const params = op.parameters;
      if (
        IDEMPOTENT.has(`${method} ${path}`) &&
        !params.some((p) => p.in === "header" && p.name === "Idempotency-Key")
      ) {
        params.push({
          in: "header",
          name: "Idempotency-Key",
          required: false,
          schema: { type: "string", minLength: 1, maxLength: 255 },
          description:
            "1–255 printable ASCII characters. Repeating a request with the same key (per tenant) answers with " +
            "the same task (`Idempotent-Replayed: true`); the same key with a different request is a 422.",
        } as { in: string; name: string });
      }
    }
  }
  return doc;
}

/** OpenAPI 3 generated from the routes' own zod schemas, served at /openapi.json, with Swagger UI at /docs. */
export async function registerOpenApi(app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: {
        title: "Taskjet",
        version: "0.1.0",
        description:
          "Submit LLM tasks and follow them: run now or later, chain onto another task's output, cancel, retry. " +
          "Every error is `{ error: { code, message, details? } }`. Send `Authorization: Bearer <key>`: the key " +
          "names the tenant and its scopes (`tasks:read`, `tasks:write`, `admin`). With auth off (the loopback " +
          "quick start), send `X-Tenant-Id` to work in a tenant.",
      },
      components: {
        securitySchemes: {
          bearerAuth: {
            type: "http",
            scheme: "bearer",
            description:
              "An API key (`tj_<id>_<secret>`) from `POST /admin/keys` or `npm run keys -- create`. With " +
              "AUTH_MODE=off (the loopback quick start) no key is needed and `X-Tenant-Id` picks the tenant.",
          },
        },
      },
      security: [{ bearerAuth: [] }],
      tags: [
        { name: "tasks", description: "Create, read and steer tasks" },
        { name: "webhooks", description: "Signed outbound webhooks (Standard Webhooks) and their deliveries" },
        { name: "admin", description: "API keys and operators' views (scope `admin`)" },
        { name: "ops", description: "Health and readiness" },
        { name: "compatibility", description: "The older Celery-based service's API" },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: (input) => documentAuth(jsonSchemaTransformObject(input) as Document) as never,
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
}
