import { randomUUID } from "node:crypto";
import {
  type CreateTask as CreateTaskCommand,
  type CreatingEvent,
  created,
  decideCreate,
  definedOptions,
  queueChild,
  type TaskState,
} from "@taskjet/events";
import { readProjectedTask } from "@taskjet/read-model";
import { findCreation, inputLimits, publishEvent, webhookUrlProblem } from "@taskjet/runtime";
import type { SubmitTaskBody } from "./api-schemas.ts";
import { claimCheckCreation, resolveBodies } from "./bodies.ts";
import type { GatewayDeps } from "./deps.ts";
import { ApiError } from "./errors.ts";
import type { IdempotencyKeys } from "./idempotency.ts";
import { checkRequest } from "./request-rules.ts";
import { readTaskForCommand, readTaskFromStream } from "./task-reader.ts";

export type CreateTask = {
  body: SubmitTaskBody;
  tenant: string;
  idempotencyKey: string | null;
  /** Set for POST /tasks/:id/chain: the new task runs on this task's output. */
  parentId?: string;
  /** The API key that asked, recorded in the event; null with auth off. */
  issuedBy?: string | null;
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
  const prepared = await prepareCreation(deps, keys, cmd);
  if (prepared.replay) return prepared;
  await publishCreation(deps, prepared.event);
  return { task: created(prepared.event), replay: false };
}

/** A creation decided and its key claimed: the event still to publish, or the earlier request's task. */
export type PreparedCreation = { replay: true; task: TaskState } | { replay: false; event: CreatingEvent };

/**
 * `createTask` up to the publish: validated, decided, its idempotency key claimed. Apart so that a batch can
 * prepare every item first and then publish them all at once.
 */
export async function prepareCreation(
  deps: GatewayDeps,
  keys: IdempotencyKeys,
  cmd: CreateTask,
): Promise<PreparedCreation> {
  const { config } = deps;
  const { body } = cmd;
  const prompt = body.prompt ?? "";
  if (prompt.length > config.MAX_PROMPT_CHARS) {
    throw new ApiError(
      400,
      "prompt_too_long",
      `prompt is ${prompt.length} characters; the limit is ${config.MAX_PROMPT_CHARS}`,
    );
  }
  checkRequest(body, config);
  await checkWebhookUrl(body.webhook?.url, config.WEBHOOK_ALLOWED_HOSTS);
  const parentIds = cmd.parentId === undefined ? (body.parentIds ?? []) : [cmd.parentId];
  const parents = await Promise.all(
    parentIds.map(async (id) => ({ id, state: await readTaskForCommand(deps, id, cmd.tenant) })),
  );
  const decideFor = (taskId: string) => decideCreate(commandOf(deps, cmd, taskId, parents), null, deps.now())[0];
  // Decided before any key is claimed, so a refused request claims none.
  let event = decideFor(randomUUID());
  assertWithinDepth(deps, event);
  const completed = parents.flatMap((p) => (p.state?.status === "completed" ? [p.state] : []));
  if (completed.length > 0 && completed.length === parents.length) {
    assertRunnableOn(deps, event, await Promise.all(completed.map((s) => resolveBodies(deps, s))));
  }
  if (cmd.idempotencyKey !== null) {
    const claim = await keys.claim(
      cmd.tenant,
      cmd.idempotencyKey,
      { body, parentId: cmd.parentId ?? null },
      event.taskId,
    );
    if (claim.replay) {
      const existing = (await findCreation(deps.jsm, deps.names, deps.subjects, claim.taskId))
        ? await readTaskFromStream(deps, claim.taskId)
        : // Its history may have left the stream (FINISHED_HISTORY_SECONDS): the read model still has the task.
          ((await readProjectedTask(deps.db, claim.taskId))?.state ?? null);
      if (existing) return { task: existing, replay: true };
      // The key was claimed but the publish never happened (a crash in between): publish it now.
      event = decideFor(claim.taskId);
    }
  }
  return { replay: false, event };
}

/** Publishes a decided creation, its large input claim-checked first. */
export async function publishCreation(deps: GatewayDeps, event: CreatingEvent): Promise<void> {
  await publishEvent(deps.js, deps.subjects, await claimCheckCreation(deps, event));
}

/**
 * A chain onto parents that have all completed can be rendered now: what the scheduler would cancel as too long
 * is refused at once, before anything is published or an idempotency key claimed.
 */
function assertRunnableOn(deps: GatewayDeps, child: CreatingEvent, parents: TaskState[]) {
  // No bound on bytes: the scheduler claim-checks a rendered input too large for one message.
  const outputs = parents.map((p) => p.output ?? "");
  const q = queueChild(created(child), outputs, deps.now(), inputLimits(deps.config));
  if ("error" in q) throw new ApiError(400, q.error.code, q.error.message);
}

/** A receiver must be reachable without reaching inside (SSRF): refused before anything is claimed or published. */
export async function checkWebhookUrl(
  url: string | undefined,
  allowedHosts: readonly string[],
  path = "body.webhook.url",
) {
  if (url === undefined) return;
  const problem = await webhookUrlProblem(url, allowedHosts);
  if (problem === null) return;
  const message = `${problem} (WEBHOOK_ALLOWED_HOSTS lists hosts let through)`;
  throw new ApiError(400, "webhook_url_refused", `${path}: ${message}`, [{ path, message }]);
}

/** Parents exist before their children, so chains cannot loop; how deep they may grow is configured. */
function assertWithinDepth(deps: GatewayDeps, child: CreatingEvent) {
  const { CHAIN_MAX_DEPTH: max } = deps.config;
  const depth = created(child).depth;
  if (depth <= max) return;
  const path = child.type === "TaskChained" && child.parentIds !== undefined ? "body.parentIds" : "params.id";
  const message = `would sit ${depth} generations of parents deep; the limit is ${max} (CHAIN_MAX_DEPTH)`;
  throw new ApiError(400, "invalid_request", `${path}: ${message}`, [{ path, message }]);
}

/** What a task body comes to with the configured defaults filled in: what a schedule copies into each firing. */
export function taskSpecOf(deps: Pick<GatewayDeps, "config">, body: SubmitTaskBody, tenant: string) {
  return commandOf(deps, { body, tenant, idempotencyKey: null }, "", []).spec;
}

/** The request with the configured defaults filled in. */
function commandOf(
  deps: Pick<GatewayDeps, "config">,
  cmd: CreateTask,
  taskId: string,
  parents: CreateTaskCommand["parents"],
): CreateTaskCommand {
  const { config } = deps;
  const { body } = cmd;
  return {
    type: "CreateTask",
    taskId,
    spec: {
      prompt: body.prompt ?? "",
      system: body.system ?? null,
      model: body.model ?? config.DEFAULT_MODEL,
      maxTokens: body.maxTokens ?? config.DEFAULT_MAX_TOKENS,
      temperature: body.temperature ?? null,
      ...definedOptions({ ...body, userId: userIdOf(body.metadata) }),
      maxAttempts: body.maxAttempts ?? config.DEFAULT_MAX_ATTEMPTS,
      timeoutMs: (body.timeoutSeconds ?? config.DEFAULT_TIMEOUT_SECONDS) * 1000,
      tenant: cmd.tenant,
      priority: body.priority ?? "normal",
      idempotencyKey: cmd.idempotencyKey,
      metadata: body.metadata ?? {},
      ...(body.webhook === undefined ? {} : { webhook: body.webhook }),
    },
    runAt: body.runAt,
    delaySeconds: body.delaySeconds,
    parents,
    ...(body.parentIds === undefined ? {} : { onParentFailure: body.onParentFailure ?? "cascade" }),
    issuedBy: cmd.issuedBy ?? null,
  };
}

/** Anthropic's `metadata.user_id` comes from the task's own `metadata.userId`, when that is a string. */
function userIdOf(metadata: Record<string, unknown> | undefined): string | undefined {
  const id = metadata?.userId;
  return typeof id === "string" && id.length > 0 && id.length <= 256 ? id : undefined;
}
