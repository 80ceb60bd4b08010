import { ACTIVE_STATUSES, type TaskStatus } from "@taskjet/events";
import type { FastifyReply, LightMyRequestResponse } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ErrorBody, TaskParams, type TaskResource } from "../api-schemas.ts";

/** Celery's words for our statuses, as the older service answered. */
const CELERY_STATUS: Record<TaskStatus, "PENDING" | "PROCESSING" | "SUCCESS" | "FAILURE" | "REVOKED"> = {
  submitted: "PENDING",
  scheduled: "PENDING",
  awaiting_parent: "PENDING",
  queued: "PENDING",
  running: "PROCESSING",
  retrying: "PROCESSING",
  completed: "SUCCESS",
  failed: "FAILURE",
  cancelled: "REVOKED",
};
const CeleryStatus = z.enum(["PENDING", "PROCESSING", "SUCCESS", "FAILURE", "REVOKED"]);

const CompatResult = z.object({
  response: z.string(),
  model: z.string(),
  prompt: z.string(),
  prompt_length: z.number(),
  response_length: z.number(),
  timestamp: z.number(),
  task_id: z.string(),
});
const CompatStatus = z.object({
  task_id: z.string(),
  status: CeleryStatus,
  result: CompatResult.nullable(),
  error: z.string().optional(),
});

function compatStatus(t: TaskResource): z.infer<typeof CompatStatus> {
  const status = CELERY_STATUS[t.status];
  const result =
    t.status === "completed" && t.output !== null
      ? {
          response: t.output,
          model: t.model,
          prompt: t.prompt,
          prompt_length: t.prompt.length,
          response_length: t.output.length,
          timestamp: Date.parse(t.finishedAt ?? t.updatedAt) / 1000,
          task_id: t.id,
        }
      : null;
  return { task_id: t.id, status, result, ...(t.error ? { error: t.error.message } : {}) };
}

/**
 * The older Celery-based service's API, as a thin adapter: each route calls the real one through `inject`
 * (same validation, idempotency, tenancy, errors) and reshapes the answer.
 */
export const compatRoutes: FastifyPluginAsyncZod = async (app) => {
  /** Passes the real route's error through as it is: same status, same JSON, same Retry-After. */
  const relay = (reply: FastifyReply, res: LightMyRequestResponse) => {
    const retryAfter = res.headers["retry-after"];
    if (retryAfter !== undefined) reply.header("retry-after", retryAfter);
    return reply.code(res.statusCode as 400).send(res.json());
  };
  /** Passed on as given, arrays too: the real route refuses what is malformed, never a forwarder that drops it. */
  const forward = (req: { headers: Record<string, string | string[] | undefined> }) => {
    const h: Record<string, string | string[]> = {};
    for (const k of ["authorization", "x-tenant-id", "idempotency-key", "x-request-id"]) {
      const v = req.headers[k];
      if (v !== undefined) h[k] = v;
    }
    return h;
  };

  app.post(
    "/submit",
    {
      schema: {
        summary: "Submit (Celery-compatible)",
        tags: ["compatibility"],
        body: z.object({ prompt: z.string() }).meta({ example: { prompt: "What is Docker?" } }),
        response: {
          200: z.object({ task_id: z.string(), status: CeleryStatus, message: z.string() }),
          400: ErrorBody,
        },
      },
    },
    async (req, reply) => {
      const res = await app.inject({
        method: "POST",
        url: "/tasks",
        headers: forward(req),
        payload: { prompt: req.body.prompt },
      });
      if (res.statusCode !== 202) return relay(reply, res);
      const task = res.json() as { id: string };
      return { task_id: task.id, status: "PENDING" as const, message: "Task submitted successfully" };
    },
  );

  app.get(
    "/status/:id",
    {
      schema: {
        summary: "Status (Celery-compatible)",
        tags: ["compatibility"],
        params: TaskParams,
        response: { 200: CompatStatus, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (req, reply) => {
      const res = await app.inject({ method: "GET", url: `/tasks/${req.params.id}`, headers: forward(req) });
      if (res.statusCode !== 200) return relay(reply, res);
      return compatStatus(res.json() as TaskResource);
    },
  );

  app.delete(
    "/cancel/:id",
    {
      schema: {
        summary: "Cancel (Celery-compatible)",
        tags: ["compatibility"],
        params: TaskParams,
        response: {
          200: z.object({ task_id: z.string(), status: CeleryStatus, message: z.string() }),
          400: ErrorBody,
          404: ErrorBody,
          409: ErrorBody,
        },
      },
    },
    async (req, reply) => {
      const res = await app.inject({
        method: "POST",
        url: `/tasks/${req.params.id}/cancel`,
        headers: { ...forward(req), "content-type": "application/json" },
        payload: { reason: "revoked" },
      });
      if (res.statusCode >= 300) return relay(reply, res);
      return { task_id: req.params.id, status: "REVOKED" as const, message: "Task cancelled" };
    },
  );

  app.get(
    "/tasks/recent",
    {
      schema: {
        summary: "Recent unfinished tasks (Celery-compatible)",
        description:
          "Tasks still pending or running, newest first, as the Celery service listed active, scheduled and reserved tasks.",
        tags: ["compatibility"],
        response: { 200: z.object({ tasks: z.array(CompatStatus) }), 400: ErrorBody },
      },
    },
    async (req, reply) => {
      const status = ACTIVE_STATUSES.join(",");
      const res = await app.inject({ method: "GET", url: `/tasks?limit=100&status=${status}`, headers: forward(req) });
      if (res.statusCode !== 200) return relay(reply, res);
      const page = res.json() as { tasks: TaskResource[] };
      return { tasks: page.tasks.map(compatStatus) };
    },
  );
};
