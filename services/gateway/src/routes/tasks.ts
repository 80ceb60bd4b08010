import { randomUUID } from "node:crypto";
import { type EventOf, evolve } from "@taskjet/events";
import { publishEvent } from "@taskjet/runtime";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { CreateTaskBody, ErrorBody, TaskId, TaskResource } from "../api-schemas.ts";
import type { GatewayDeps } from "../deps.ts";
import { ApiError } from "../errors.ts";
import { readTask } from "../task-reader.ts";
import { toResource } from "../task-view.ts";

const DEFAULT_TENANT = "default";

export const taskRoutes =
  (deps: GatewayDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const { config } = deps;

    app.post(
      "/tasks",
      {
        schema: {
          summary: "Submit a task",
          description: "Accepts the task at once (202); it runs in the background, now or at `runAt`.",
          tags: ["tasks"],
          body: CreateTaskBody,
          response: { 202: TaskResource, 400: ErrorBody, 413: ErrorBody, 415: ErrorBody },
        },
      },
      async (req, reply) => {
        const event = submittedEvent(deps, req.body, DEFAULT_TENANT, null);
        await publishEvent(deps.js, deps.subjects, event);
        const state = evolve(null, event);
        if (!state) throw new Error("a new task folded to nothing");
        return reply.status(202).header("location", `/tasks/${state.id}`).send(toResource(state));
      },
    );

    app.get(
      "/tasks/:id",
      {
        schema: {
          summary: "Get a task",
          tags: ["tasks"],
          params: z.object({ id: TaskId }),
          response: { 200: TaskResource, 400: ErrorBody, 404: ErrorBody },
        },
      },
      async (req) => toResource(await readTask(deps, req.params.id)),
    );

    function submittedEvent(
      d: GatewayDeps,
      body: CreateTaskBody,
      tenant: string,
      idempotencyKey: string | null,
    ): EventOf<"TaskSubmitted"> {
      if (body.prompt.length > config.MAX_PROMPT_CHARS) {
        throw new ApiError(
          400,
          "prompt_too_long",
          `prompt is ${body.prompt.length} characters; the limit is ${config.MAX_PROMPT_CHARS}`,
        );
      }
      const now = d.now();
      const runAt =
        body.runAt !== undefined
          ? new Date(body.runAt).toISOString()
          : body.delaySeconds !== undefined
            ? new Date(now.getTime() + body.delaySeconds * 1000).toISOString()
            : null;
      return {
        type: "TaskSubmitted",
        v: 1,
        taskId: randomUUID(),
        at: now.toISOString(),
        prompt: body.prompt,
        system: body.system ?? null,
        model: body.model ?? config.DEFAULT_MODEL,
        maxTokens: body.maxTokens ?? config.DEFAULT_MAX_TOKENS,
        temperature: body.temperature ?? null,
        runAt,
        maxAttempts: body.maxAttempts ?? config.DEFAULT_MAX_ATTEMPTS,
        timeoutMs: (body.timeoutSeconds ?? config.DEFAULT_TIMEOUT_SECONDS) * 1000,
        tenant,
        idempotencyKey,
        metadata: body.metadata ?? {},
      };
    }
  };
