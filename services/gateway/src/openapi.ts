import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import { jsonSchemaTransform, jsonSchemaTransformObject } from "fastify-type-provider-zod";

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
          "Every error is `{ error: { code, message, details? } }`. Send `X-Tenant-Id` to work in a tenant.",
      },
      tags: [
        { name: "tasks", description: "Create, read and steer tasks" },
        { name: "ops", description: "Health and readiness" },
        { name: "compatibility", description: "The older Celery-based service's API" },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
}
