import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { ErrorBody } from "../api-schemas.ts";
import { commandMany } from "../bulk-commands.ts";
import { BatchBody, BatchResult, BulkCancelBody, BulkResult, BulkRetryBody } from "../bulk-schemas.ts";
import { batchStatus, submitBatch } from "../bulk-tasks.ts";
import type { GatewayDeps } from "../deps.ts";
import type { IdempotencyKeys } from "../idempotency.ts";
import { markAccepted } from "../limits/accepted.ts";
import type { GatewayMetrics } from "../metrics.ts";
import { toResource } from "../task-view.ts";

const errors = { 400: ErrorBody, 413: ErrorBody, 415: ErrorBody, 503: ErrorBody };

/** Many tasks in one request: submit a batch, cancel or retry by ids or by the list's filter. */
export const bulkRoutes =
  (deps: GatewayDeps, keys: IdempotencyKeys, metrics: GatewayMetrics): FastifyPluginAsyncZod =>
  async (app) => {
    app.post(
      "/tasks/batch",
      {
        schema: {
          summary: "Submit many tasks",
          description:
            "Up to 1,000 tasks in one request, each with its own optional `idempotencyKey`. The request is " +
            "validated as a whole: one invalid item is a 400 naming every failing item, and nothing is " +
            "submitted. Otherwise 202 with each task in request order (a replayed key gives the earlier task). " +
            "When some items could not be accepted, 207: their slots hold an `error` and no `id`; send the same request " +
            "again (with per-item keys) to complete them without doubling the others.",
          tags: ["tasks"],
          body: BatchBody,
          response: { 202: BatchResult, 207: BatchResult, ...errors, 429: ErrorBody },
        },
      },
      async (req, reply) => {
        const slots = await submitBatch(deps, keys, req.principal, req.body.tasks, req.log);
        const fresh = slots.flatMap((s) => ("task" in s && !s.replay ? [s.task.id] : []));
        metrics.tasksSubmitted.inc(fresh.length);
        markAccepted(req, fresh);
        const tasks = slots.map((s) => ("error" in s ? s : toResource(s.task)));
        return reply.status(batchStatus(slots)).send({ tasks });
      },
    );

    app.post(
      "/tasks/cancel",
      {
        schema: {
          summary: "Cancel many tasks",
          description:
            "Cancels the tasks named by `ids` (up to 1,000), or the newest 1,000 of the caller's active tasks " +
            "matching `filter` (the list's filter; only active statuses). Each result says what became of " +
            "one task. With `truncated`, more matched: send the same request again for the next ones.",
          tags: ["tasks"],
          body: BulkCancelBody,
          response: { 200: BulkResult, ...errors },
        },
      },
      async (req) => {
        const { ids, filter, reason } = req.body;
        const command = {
          type: "CancelTask" as const,
          reason: reason ?? "cancelled by request",
          issuedBy: req.principal.keyId,
        };
        return commandMany(deps, req.principal, { ids, filter }, command, req.log);
      },
    );

    app.post(
      "/tasks/retry",
      {
        schema: {
          summary: "Retry many failed tasks",
          description:
            "Runs failed tasks again: those named by `ids` (up to 1,000), or the newest 1,000 failed ones " +
            "matching `filter`. With `truncated`, more matched: send the same request again for the next ones.",
          tags: ["tasks"],
          body: BulkRetryBody,
          response: { 200: BulkResult, ...errors, 429: ErrorBody },
        },
      },
      async (req) => {
        const command = { type: "RetryTask" as const, issuedBy: req.principal.keyId };
        const result = await commandMany(deps, req.principal, req.body, command, req.log);
        markAccepted(
          req,
          result.results.flatMap((r) => (r.outcome === "retried" ? [r.id] : [])),
        );
        return result;
      },
    );
  };
