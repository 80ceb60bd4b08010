import { TASK_STATUSES } from "@taskjet/events";
import { COST_DAYS, readCheckpoint, readCostPerDay, readTaskStats } from "@taskjet/read-model";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ErrorBody } from "../api-schemas.ts";
import type { GatewayDeps } from "../deps.ts";
import { LaneStats, type LanesOf } from "../flow/lanes.ts";

const count = z.number().int().nonnegative();
const usd = z.number().nonnegative();

export const Stats = z
  .object({
    perMinute: z
      .array(
        z.object({
          minute: z.string().meta({ description: "the minute's start, ISO-8601 UTC" }),
          completed: count,
          failed: count,
        }),
      )
      .meta({ description: "tasks that finished completed or failed in each of the last 60 minutes, oldest first" }),
    running: count,
    waiting: z.object({ queued: count, scheduled: count, awaitingParent: count }),
    countsByStatus: z.record(z.enum(TASK_STATUSES), count).meta({ description: "every status, zero included" }),
    cost: z
      .object({
        todayUsd: usd.meta({ description: "spent so far on the current UTC day" }),
        perDay: z.array(z.object({ day: z.string().meta({ description: "a UTC day, 2026-11-26" }), costUsd: usd })),
      })
      .meta({
        description:
          `what the caller's tasks cost by the price table, per UTC day for the last ${COST_DAYS} days (oldest ` +
          "first, today last, so far), each task counted whole on the day it finished",
        example: {
          todayUsd: 0.0412,
          perDay: [
            { day: "2026-11-25", costUsd: 1.27 },
            { day: "2026-11-26", costUsd: 0.0412 },
          ],
        },
      }),
    projectorLagEvents: count.meta({ description: "events in the stream (any tenant's) not yet in the read model" }),
    lanes: z.array(LaneStats).meta({
      description:
        "every model lane: its limits, what its buckets hold, calls in flight, a 429's pause, totals, and what " +
        "executors hold for it by priority and wait reason (lane-wide), and by tenant (the caller's own)",
    }),
  })
  .meta({ id: "Stats" });
export type Stats = z.infer<typeof Stats>;

/** The console's overview: throughput and failures per minute, what is running and waiting, projector lag. */
export const statsRoutes =
  (deps: GatewayDeps, lanes: LanesOf): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      "/stats",
      {
        schema: {
          summary: "Overview of the caller's tasks",
          description:
            "Completed and failed per minute for the last hour, tasks running and waiting, counts by status, " +
            "cost per day (all in the caller's tenant), how many events the read model trails the stream by, " +
            "and the model lanes' budgets and queues.",
          tags: ["tasks"],
          response: { 200: Stats, 400: ErrorBody, 503: ErrorBody },
        },
      },
      async (req): Promise<Stats> => {
        const { tenant } = req.principal;
        const now = deps.now();
        const [stats, perDay, info, checkpoint] = await Promise.all([
          readTaskStats(deps.db, tenant, now),
          readCostPerDay(deps.db, tenant, now),
          deps.jsm.streams.info(deps.names.stream),
          readCheckpoint(deps.db),
        ]);
        const counts = stats.countsByStatus;
        return {
          perMinute: stats.perMinute.map((m) => ({ ...m, minute: m.minute.toISOString() })),
          running: counts.running,
          waiting: { queued: counts.queued, scheduled: counts.scheduled, awaitingParent: counts.awaiting_parent },
          countsByStatus: counts,
          cost: { todayUsd: perDay.at(-1)?.costUsd ?? 0, perDay },
          projectorLagEvents: Math.max(0, info.state.last_seq - checkpoint.seq),
          lanes: lanes({ tenant, allTenants: false }),
        };
      },
    );
  };
