import { readCostToday, registerProjectionGauges } from "@taskjet/read-model";
import type { FastifyInstance } from "fastify";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { GatewayDeps } from "./deps.ts";

/** The gateway's Prometheus metrics, in a registry of its own so that several apps in one process don't collide. */
export function createMetrics(deps: GatewayDeps) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requestDuration = new Histogram({
    name: "taskjet_http_request_duration_seconds",
    help: "HTTP request latency by route",
    labelNames: ["method", "route", "status"],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const tasksSubmitted = new Counter({
    name: "taskjet_tasks_submitted_total",
    help: "Tasks accepted (submitted or chained), idempotent replays excluded",
    registers: [registry],
  });
  const errors = new Counter({
    name: "taskjet_http_errors_total",
    help: "Error responses by error code",
    labelNames: ["code"],
    registers: [registry],
  });
  registerProjectionGauges(registry, {
    db: deps.db,
    streamEnd: async () => (await deps.jsm.streams.info(deps.names.stream)).state,
  });
  const costToday = new Gauge({
    name: "taskjet_cost_usd",
    help: "What each tenant's tasks that finished on the current UTC day cost by the price table, USD",
    labelNames: ["tenant"],
    registers: [registry],
    async collect() {
      const rows = await readCostToday(deps.db, deps.now());
      // A new day starts every tenant at nothing: series of tenants that have not spent yet go.
      this.reset();
      for (const { tenant, costUsd } of rows) this.set({ tenant }, costUsd);
    },
  });
  void costToday;

  return {
    registry,
    tasksSubmitted,
    countError: (code: string) => errors.inc({ code }),
    register(app: FastifyInstance) {
      app.addHook("onResponse", async (req, reply) => {
        requestDuration.observe(
          { method: req.method, route: req.routeOptions.url ?? "unmatched", status: reply.statusCode },
          reply.elapsedTime / 1000,
        );
      });
      app.get("/metrics", { schema: { hide: true } }, async (_req, reply) =>
        reply.type(registry.contentType).send(await registry.metrics()),
      );
    },
  };
}
export type GatewayMetrics = ReturnType<typeof createMetrics>;
