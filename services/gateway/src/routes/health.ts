import { pendingMigrations } from "@taskjet/read-model";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { GatewayDeps } from "../deps.ts";

const Health = z.object({ status: z.enum(["ok", "unavailable"]), checks: z.record(z.string(), z.string()).optional() });

/** How long /ready waits for each dependency: a server that is away may leave a request unanswered. */
const CHECK_MS = 1000;

const down = (err: Error) => `down: ${err.message}`;

/** The promise's outcome, or a rejection once `ms` has passed without one. */
function answersWithin<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

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
          summary: "Readiness: NATS and Postgres answer, and the read model's tables are there",
          tags: ["ops"],
          response: { 200: Health, 503: Health },
        },
      },
      async (_req, reply) => {
        const [nats, postgres] = await Promise.all([
          answersWithin(deps.nc.rtt(), CHECK_MS).then((ms) => `ok (${ms} ms)`, down),
          // A Postgres that answers but whose schema is not migrated would turn every read into a 500.
          answersWithin(pendingMigrations(deps.db, deps.names), CHECK_MS).then(
            (pending) => (pending.length === 0 ? "ok" : `not migrated: ${pending.join(", ")}`),
            down,
          ),
        ]);
        const ok = nats.startsWith("ok") && postgres === "ok";
        if (!ok) reply.header("retry-after", "1");
        return reply.status(ok ? 200 : 503).send({ status: ok ? "ok" : "unavailable", checks: { nats, postgres } });
      },
    );
  };
