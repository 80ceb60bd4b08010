import { type CancelTask, decide, foldEvents, type RetryTask, TaskNotFoundError } from "@taskjet/events";
import { historyPurgeOf } from "@taskjet/read-model";
import { publishEvents } from "@taskjet/runtime";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import {
  CancelBody,
  CreateTaskBody,
  ErrorBody,
  ListTasksQuery,
  SubmitTaskBody,
  TaskPage,
  TaskParams,
  TaskResource,
} from "../api-schemas.ts";
import { resolveBodies } from "../bodies.ts";
import { createTask } from "../create-task.ts";
import type { GatewayDeps } from "../deps.ts";
import { IDEMPOTENCY_HEADER, type IdempotencyKeys } from "../idempotency.ts";
import { listTasks } from "../list-tasks.ts";
import type { GatewayMetrics } from "../metrics.ts";
import type { Principal } from "../principal.ts";
import { historyPurged, readHistoryPage, readTask, readTaskForCommand } from "../task-reader.ts";
import { toResource } from "../task-view.ts";
import { TaskEventsPage, TaskEventsQuery } from "./task-events-schemas.ts";

const errors = { 400: ErrorBody, 404: ErrorBody, 409: ErrorBody, 503: ErrorBody };

export const taskRoutes =
  (deps: GatewayDeps, keys: IdempotencyKeys, metrics: GatewayMetrics): FastifyPluginAsyncZod =>
  async (app) => {
    /** Creates a task (under `parentId`, a chained one) for the caller and answers 202, or the replayed one. */
    async function create(req: FastifyRequest, reply: FastifyReply, body: SubmitTaskBody, parentId?: string) {
      const { tenant, keyId } = req.principal;
      const idempotencyKey = keys.parseHeader(req.headers[IDEMPOTENCY_HEADER]);
      const { task, replay } = await createTask(deps, keys, {
        body,
        tenant,
        idempotencyKey,
        issuedBy: keyId,
        ...(parentId === undefined ? {} : { parentId }),
      });
      if (!replay) metrics.tasksSubmitted.inc();
      if (replay) reply.header("idempotent-replayed", "true");
      return reply
        .status(202)
        .header("location", `/tasks/${task.id}`)
        .send(toResource(await resolveBodies(deps, task)));
    }

    /** Decides a command against the task as the stream has it now, then publishes what was decided. */
    async function command(reply: FastifyReply, principal: Principal, cmd: CancelTask | RetryTask) {
      const current = await readTaskForCommand(deps, cmd.taskId, principal.tenant);
      if (current && current.tenant !== principal.tenant) throw new TaskNotFoundError(cmd.taskId);
      const events = decide(cmd, current, deps.now());
      await publishEvents(deps.js, deps.subjects, events);
      const after = foldEvents(events, current);
      if (after === null) throw new TaskNotFoundError(cmd.taskId);
      return reply.status(events.length > 0 ? 202 : 200).send(toResource(await resolveBodies(deps, after)));
    }

    app.post(
      "/tasks",
      {
        schema: {
          summary: "Submit a task",
          description:
            "Accepts the task at once (202) and runs it in the background, now or at `runAt`/after `delaySeconds`. " +
            "With an `Idempotency-Key` header, repeating the request returns the same task.",
          tags: ["tasks"],
          body: SubmitTaskBody,
          response: { 202: TaskResource, ...errors, 413: ErrorBody, 415: ErrorBody, 422: ErrorBody },
        },
      },
      async (req, reply) => create(req, reply, req.body),
    );

    app.get(
      "/tasks",
      {
        schema: {
          summary: "List tasks",
          description: "The caller's tasks, newest first, filtered; follow `nextCursor` for the next page.",
          tags: ["tasks"],
          querystring: ListTasksQuery,
          response: { 200: TaskPage, 400: ErrorBody },
        },
      },
      async (req) => {
        const page = await listTasks(deps, req.principal.tenant, req.query);
        const tasks = await Promise.all(page.tasks.map((t) => resolveBodies(deps, t)));
        return { tasks: tasks.map((t) => toResource(t)), nextCursor: page.nextCursor };
      },
    );

    app.get(
      "/tasks/:id",
      {
        schema: {
          summary: "Get a task",
          tags: ["tasks"],
          params: TaskParams,
          response: { 200: TaskResource, 400: ErrorBody, 404: ErrorBody },
        },
      },
      async (req) => {
        const { state, quarantinedSeq } = await readTask(deps, req.params.id, req.principal.tenant);
        return toResource(await resolveBodies(deps, state), quarantinedSeq);
      },
    );

    app.get(
      "/tasks/:id/events",
      {
        schema: {
          summary: "A task's history",
          description:
            "The task's events, oldest first, read from the stream (the source of truth): at most 1,000 per " +
            "request (HISTORY_MAX_EVENTS). When more follow, `truncated` is true: ask again with `afterSeq` set " +
            "to the `seq` of the last event given. A gateway runs a bounded number of stream reads at once; " +
            "beyond that it answers 503 `busy` with `Retry-After`.",
          tags: ["tasks"],
          params: TaskParams,
          querystring: TaskEventsQuery,
          response: { 200: TaskEventsPage, 400: ErrorBody, 404: ErrorBody, 410: ErrorBody, 503: ErrorBody },
        },
      },
      async (req) => {
        const { tenant } = req.principal;
        const { created, events, truncated } = await readHistoryPage(deps, req.params.id, req.query.afterSeq);
        const first = created?.event;
        if (!first) {
          const purge = await historyPurgeOf(deps.db, req.params.id);
          if (purge?.tenant === tenant) throw historyPurged(req.params.id, purge.at, deps.now(), 410);
        }
        if (!first || !("tenant" in first) || first.tenant !== tenant) throw new TaskNotFoundError(req.params.id);
        return {
          events: events.map((h) => ({ seq: h.seq, type: h.event.type, time: h.time, payload: h.event })),
          truncated,
        };
      },
    );

    app.post(
      "/tasks/:id/chain",
      {
        schema: {
          summary: "Chain a task onto this one",
          description:
            "Creates a task that runs on this task's output once it completes: `{{parent.output}}` in `prompt` " +
            "is replaced by it (appended after a blank line when absent; `\\{{parent.output}}` stays literal).",
          tags: ["tasks"],
          params: TaskParams,
          body: CreateTaskBody,
          response: { 202: TaskResource, ...errors, 413: ErrorBody, 415: ErrorBody, 422: ErrorBody },
        },
      },
      async (req, reply) => create(req, reply, req.body, req.params.id),
    );

    app.post(
      "/tasks/:id/cancel",
      {
        schema: {
          summary: "Cancel a task",
          description:
            "Stops a waiting task from running, or aborts it mid-generation (partial output is kept). " +
            "Cancelling a cancelled task is a no-op (200); a finished one is a 409.",
          tags: ["tasks"],
          params: TaskParams,
          body: CancelBody,
          response: { 200: TaskResource, 202: TaskResource, ...errors },
        },
      },
      async (req, reply) => {
        const reason = req.body?.reason ?? "cancelled by request";
        const issuedBy = req.principal.keyId;
        return command(reply, req.principal, { type: "CancelTask", taskId: req.params.id, reason, issuedBy });
      },
    );

    app.post(
      "/tasks/:id/retry",
      {
        schema: {
          summary: "Retry a failed task",
          description: "Runs a failed task again; its attempts are counted on. Only a failed task can be retried.",
          tags: ["tasks"],
          params: TaskParams,
          response: { 202: TaskResource, ...errors },
        },
      },
      async (req, reply) => {
        return command(reply, req.principal, {
          type: "RetryTask",
          taskId: req.params.id,
          issuedBy: req.principal.keyId,
        });
      },
    );
  };
