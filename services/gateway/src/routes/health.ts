import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { sql } from "kysely";
import { z } from "zod";
import type { GatewayDeps } from "../deps.ts";

const Health = z.object({ status: z.enum(["ok", "unavailable"]), checks: z.record(z.string(), z.string()).optional() });

export const healthRoutes =
  (deps: GatewayDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get("/health", { schema: { summary: "Liveness", tags: ["ops"], response: { 200: Health } } }, async () => ({
      status: "ok" as const,
    }));

    app.get(
      "/ready",
      {
        schema: {
          summary: "Readiness: NATS and Postgres answer",
          tags: ["ops"],
          response: { 200: Health, 503: Health },
        },
      },
      async (_req, reply) => {
        const [nats, postgres] = await Promise.all([
          deps.nc.rtt().then(
            (ms) => `ok (${ms} ms)`,
            (err: Error) => `down: ${err.message}`,
          ),
          sql`select 1`.execute(deps.db).then(
            () => "ok",
            (err: Error) => `down: ${err.message}`,
          ),
        ]);
        const ok = nats.startsWith("ok") && postgres === "ok";
        return reply.status(ok ? 200 : 503).send({ status: ok ? "ok" : "unavailable", checks: { nats, postgres } });
      },
    );
  };
