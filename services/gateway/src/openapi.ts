import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import { jsonSchemaTransform, jsonSchemaTransformObject } from "fastify-type-provider-zod";
import { TRUNCATED_TASK_EXAMPLE } from "./api-schemas.ts";

type Operation = {
  parameters?: { in: string; name: string }[];
  responses?: Record<string, unknown>;
  security?: Record<string, string[]>[];
};
type Document = {
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, { example?: unknown }> };
};
type Media = { schema?: { $ref?: string }; examples?: Record<string, { summary: string; value: unknown }> };

/** Routes anyone may call (as `auth.ts` has them): no key, so no 401/403/429. */
const OPEN_PATHS = new Set(["/health", "/ready"]);
/** Routes that take an `Idempotency-Key`: each creates a task. */
const IDEMPOTENT = new Set(["post /tasks", "post /tasks/{id}/chain", "post /submit", "post /schedules"]);

type Header = { schema: { type: string }; description: string };
const RETRY_AFTER: Record<string, Header> = {
  "Retry-After": { schema: { type: "integer" }, description: "seconds to wait before trying again" },
};
/** The IETF draft's headers (draft-ietf-httpapi-ratelimit-headers), as `limits/headers.ts` writes them. */
const RATE_LIMIT_HEADERS: Record<string, Header> = {
  ...RETRY_AFTER,
  RateLimit: {
    schema: { type: "string" },
    description:
      'the limit that refused: `"rps";r=<remaining>;t=<seconds until full>` (the key\'s requests per second; ' +
      '`"tenant-rps"` for the tenant\'s, `"tasks-in-flight"` for its tasks in flight)',
  },
  "RateLimit-Policy": {
    schema: { type: "string" },
    description: 'its policy: `"rps";q=<burst>;w=<seconds to refill it>`, `"tasks-in-flight";q=<limit>`',
  },
};

const error = (description: string, headers?: Record<string, Header>) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
  headers: headers ?? (description.includes("Retry-After") ? RETRY_AFTER : undefined),
});
const UNAUTHORIZED = error("`unauthorized`: no API key, or one malformed, unknown, revoked or expired");
const FORBIDDEN = error("`forbidden`: the key lacks the scope this route needs");
/** Every route that takes a key may answer this 400 besides its own validation errors. */
const BAD_REQUEST =
  "`invalid_request` and the like: the request is malformed (`error.details` says where); " +
  "`tenant_header_refused`: `X-Tenant-Id` sent with auth on (the key names the tenant); `invalid_tenant`: a " +
  "malformed `X-Tenant-Id` with auth off";
const LIMITS =
  "`rate_limited`: over the key's requests per second; `tenant_rate_limited`: over the tenant's, all its keys " +
  "together; `quota_exceeded`: over the tenant's tasks in flight";
const LIMITED = error(`${LIMITS}; see Retry-After`, RATE_LIMIT_HEADERS);
const LIMITED_SUBMIT = error(
  `${LIMITS}; \`spend_limit_exceeded\`: the tenant has spent its daily or monthly tokens (Retry-After: until ` +
    "the UTC day or month turns)",
  RATE_LIMIT_HEADERS,
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
      const own = responses["400"] as { description?: string } | undefined;
      if (own === undefined) responses["400"] = error(BAD_REQUEST);
      else if (own.description === undefined || own.description === "Default Response") own.description = BAD_REQUEST;
      responses["401"] ??= UNAUTHORIZED;
      responses["403"] ??= FORBIDDEN;
      const limited = IDEMPOTENT.has(`${method} ${path}`) ? LIMITED_SUBMIT : LIMITED;
      const own429 = responses["429"] as { description?: string; headers?: object } | undefined;
      if (own429 === undefined) responses["429"] = limited;
      else {
        // A route's own 429 (a batch over its limits) still carries the limits' headers.
        own429.headers = { ...RATE_LIMIT_HEADERS, ...own429.headers };
        if (own429.description === undefined || own429.description === "Default Response") {
          own429.description = limited.description;
        }
      }
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
            "the same task — or schedule — (`Idempotent-Replayed: true`); the same key with a different request is a 422.",
        } as { in: string; name: string });
      }
    }
  }
  return doc;
}

/**
 * `GET /tasks/{id}` answers with both examples of a task: the schema's own (a tool call) and one cut short at
 * maxTokens. OpenAPI 3.0 gives a schema a single `example`; a media type may list several.
 */
export function documentTaskExamples(doc: Document): Document {
  const response = doc.paths?.["/tasks/{id}"]?.get?.responses?.["200"] as { content?: Record<string, Media> };
  const media = response?.content?.["application/json"];
  const toolUse = doc.components?.schemas?.Task?.example;
  if (media?.schema?.$ref !== "#/components/schemas/Task" || toolUse === undefined) return doc;
  media.examples = {
    toolUse: { summary: "a reply that calls a tool", value: toolUse },
    maxTokens: { summary: "a reply cut short at maxTokens", value: TRUNCATED_TASK_EXAMPLE },
  };
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
        { name: "schedules", description: "Recurring tasks: a cron expression, a time zone and a task template" },
        { name: "webhooks", description: "Signed outbound webhooks (Standard Webhooks) and their deliveries" },
        { name: "admin", description: "API keys and operators' views (scope `admin`)" },
        { name: "ops", description: "Health and readiness" },
        { name: "compatibility", description: "The older Celery-based service's API" },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: (input) =>
      documentTaskExamples(documentAuth(jsonSchemaTransformObject(input) as Document)) as never,
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
}
