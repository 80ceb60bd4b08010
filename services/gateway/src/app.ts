import Fastify, { type FastifyServerOptions } from "fastify";
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import type { GatewayDeps } from "./deps.ts";
import { registerErrorHandling } from "./errors.ts";
import { healthRoutes } from "./routes/health.ts";
import { taskRoutes } from "./routes/tasks.ts";

/** The gateway as a Fastify app, without a port: `server.ts` listens, tests call `inject`. */
export async function buildApp(deps: GatewayDeps, opts: FastifyServerOptions = {}) {
  const app = Fastify({ bodyLimit: 1024 * 1024, ...opts }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  await app.register(healthRoutes(deps));
  await app.register(taskRoutes(deps));
  return app;
}
