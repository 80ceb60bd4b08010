import { listQuarantine, QUARANTINE_REASONS } from "@taskjet/read-model";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ErrorBody } from "../api-schemas.ts";
import type { GatewayDeps } from "../deps.ts";

const QuarantineQuery = z.strictObject({
  afterSeq: z.coerce.number().int().min(0).default(0).meta({ description: "the last `seq` of the previous page" }),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const QuarantinedEvent = z
  .object({
    seq: z.number().int(),
    subject: z.string(),
    taskId: z.string().nullable(),
    type: z.string().nullable(),
    reason: z.enum(QUARANTINE_REASONS),
    error: z.string(),
    quarantinedAt: z.string(),
  })
  .meta({ id: "QuarantinedEvent" });

/**
 * Operators' view of what the projector could not apply. The events themselves stay in the stream (`nats stream
 * get <stream> <seq>`); a fixed projector replays them with `npm run rebuild`.
 */
export const adminRoutes =
  (deps: GatewayDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      "/admin/quarantine",
      {
        schema: {
          summary: "Events the read model could not apply",
          description:
            "Each event the projector quarantined instead of applying — undecodable, for a task with no creating " +
            "event, or refused by Postgres — oldest first, with its stream sequence and the error.",
          tags: ["ops"],
          querystring: QuarantineQuery,
          response: { 200: z.object({ events: z.array(QuarantinedEvent) }), 400: ErrorBody },
        },
      },
      async (req) => {
        const rows = await listQuarantine(deps.db, req.query.afterSeq, req.query.limit);
        return {
          events: rows.map((r) => ({
            ...r,
            seq: Number(r.seq),
            quarantinedAt: r.quarantinedAt.toISOString(),
          })),
        };
      },
    );
  };
