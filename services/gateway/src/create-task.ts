import { randomUUID } from "node:crypto";
import {
  assertChainable,
  evolve,
  queueChild,
  type TaskEvent,
  TaskNotFoundError,
  type TaskState,
} from "@taskjet/events";
import { inputLimits, lastEvent, publishEvent } from "@taskjet/runtime";
import type { CreateTaskBody } from "./api-schemas.ts";
import type { GatewayDeps } from "./deps.ts";
import { ApiError } from "./errors.ts";
import type { IdempotencyKeys } from "./idempotency.ts";
import { readTaskFromStream } from "./task-reader.ts";

export type CreateTask = {
  body: CreateTaskBody;
  tenant: string;
  idempotencyKey: string | null;
  /** Set for POST /tasks/:id/chain: the new task runs on this task's output. */
  parentId?: string;
};

/**
 * Validates and publishes a new task (TaskSubmitted, or TaskChained under a parent). With an idempotency key
 * already claimed by an earlier request, answers with that request's task instead of making another.
 */
export async function createTask(
  deps: GatewayDeps,
  keys: IdempotencyKeys,
  cmd: CreateTask,
): Promise<{ task: TaskState; replay: boolean }> {
  const { config } = deps;
  const { body } = cmd;
  if (body.prompt.length > config.MAX_PROMPT_CHARS) {
    throw new ApiError(
      400,
      "prompt_too_long",
      `prompt is ${body.prompt.length} characters; the limit is ${config.MAX_PROMPT_CHARS}`,
    );
  }
  let taskId: string = randomUUID();
  if (cmd.parentId !== undefined) {
    const parent = await readTaskFromStream(deps, cmd.parentId);
    if (parent?.tenant !== cmd.tenant) throw new TaskNotFoundError(cmd.parentId);
    assertChainable(parent, cmd.parentId);
    if (parent.status === "completed") assertRunnableOn(deps, creationEvent(deps, cmd, taskId), parent);
  }
  if (cmd.idempotencyKey !== null) {
    const claim = await keys.claim(cmd.tenant, cmd.idempotencyKey, { body, parentId: cmd.parentId ?? null }, taskId);
    taskId = claim.taskId;
    if (claim.replay) {
      const created = await Promise.all([
        lastEvent(deps.jsm, deps.names, deps.subjects, taskId, "TaskSubmitted"),
        lastEvent(deps.jsm, deps.names, deps.subjects, taskId, "TaskChained"),
      ]);
      const existing = created.some(Boolean) ? await readTaskFromStream(deps, taskId) : null;
      if (existing) return { task: existing, replay: true };
      // The key was claimed but the publish never happened (a crash in between): publish it now.
    }
  }
  const event = creationEvent(deps, cmd, taskId);
  await publishEvent(deps.js, deps.subjects, event);
  return { task: evolve(null, event) as TaskState, replay: false };
}

/**
 * A chain onto a completed parent can be rendered now: what the scheduler would cancel as too long is refused
 * at once, before anything is published or an idempotency key claimed.
 */
function assertRunnableOn(deps: GatewayDeps, child: TaskEvent, parent: TaskState) {
  const q = queueChild(
    evolve(null, child) as TaskState,
    parent.output ?? "",
    deps.now(),
    inputLimits(deps.config, deps.nc),
  );
  if ("error" in q) throw new ApiError(400, q.error.code, q.error.message);
}

function creationEvent(deps: GatewayDeps, cmd: CreateTask, taskId: string): TaskEvent {
  const { config } = deps;
  const { body } = cmd;
  const now = deps.now();
  const runAt =
    body.runAt !== undefined
      ? new Date(body.runAt).toISOString()
      : body.delaySeconds !== undefined
        ? new Date(now.getTime() + body.delaySeconds * 1000).toISOString()
        : null;
  const spec = {
    v: 1 as const,
    taskId,
    at: now.toISOString(),
    prompt: body.prompt,
    system: body.system ?? null,
    model: body.model ?? config.DEFAULT_MODEL,
    maxTokens: body.maxTokens ?? config.DEFAULT_MAX_TOKENS,
    temperature: body.temperature ?? null,
    runAt,
    maxAttempts: body.maxAttempts ?? config.DEFAULT_MAX_ATTEMPTS,
    timeoutMs: (body.timeoutSeconds ?? config.DEFAULT_TIMEOUT_SECONDS) * 1000,
    tenant: cmd.tenant,
    idempotencyKey: cmd.idempotencyKey,
    metadata: body.metadata ?? {},
  };
  return cmd.parentId === undefined
    ? { type: "TaskSubmitted", ...spec }
    : { type: "TaskChained", ...spec, parentId: cmd.parentId };
}
