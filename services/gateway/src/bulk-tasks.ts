import { created, type TaskState } from "@taskjet/events";
import type { Config } from "@taskjet/runtime";
import type { FastifyBaseLogger } from "fastify";
import { resolveBodies } from "./bodies.ts";
import type { BatchItem } from "./bulk-schemas.ts";
import { type PreparedCreation, prepareCreation, publishCreation } from "./create-task.ts";
import type { GatewayDeps } from "./deps.ts";
import { ApiError, isUnavailable } from "./errors.ts";
import type { IdempotencyKeys } from "./idempotency.ts";
import { mapPooled } from "./map-pooled.ts";
import type { Principal } from "./principal.ts";
import { requestProblems } from "./request-rules.ts";

/** Why one item of a batch was not accepted; the items beside it may have been. */
export type SlotError = { error: { code: string; message: string } };
export type BatchSlot = { task: TaskState; replay: boolean } | SlotError;

/**
 * Every broken rule of every item, each named by its path in the request (`body.tasks.3.temperature`): the
 * rules `createTask` applies to one body, so a batch is refused as a whole before anything is claimed.
 */
export function batchProblems(items: readonly BatchItem[], config: Config) {
  const firstWithKey = new Map<string, number>();
  return items.flatMap(({ idempotencyKey, ...body }, i) => {
    const at = (path: string) => path.replace(/^body\./, `body.tasks.${i}.`);
    // One key is one task: a second item with it could only repeat the first or be refused.
    const earlier = idempotencyKey === undefined ? undefined : firstWithKey.get(idempotencyKey);
    if (idempotencyKey !== undefined && earlier === undefined) firstWithKey.set(idempotencyKey, i);
    const repeated =
      earlier === undefined ? [] : [{ path: `body.tasks.${i}.idempotencyKey`, message: `item ${earlier} has it too` }];
    const prompt = body.prompt ?? "";
    const tooLong =
      prompt.length > config.MAX_PROMPT_CHARS
        ? [{ path: `body.tasks.${i}.prompt`, message: `the limit is ${config.MAX_PROMPT_CHARS} characters` }]
        : [];
    return [...repeated, ...tooLong, ...requestProblems(body, config).map((p) => ({ ...p, path: at(p.path) }))];
  });
}

/**
 * Submits a batch: validated as a whole (a 400 naming every failing item, nothing published), then each item
 * decided and its key claimed, then every new event published at once and the acks awaited together. The
 * slots answer in request order; a slot whose key was claimed but whose publish failed is published by the
 * same request made again (the claim replays to the same task id and the message id dedupes).
 */
export async function submitBatch(
  deps: GatewayDeps,
  keys: IdempotencyKeys,
  principal: Principal,
  items: readonly BatchItem[],
  log: FastifyBaseLogger,
): Promise<BatchSlot[]> {
  const problems = batchProblems(items, deps.config);
  const first = problems[0];
  if (first) throw new ApiError(400, "invalid_request", `${first.path}: ${first.message}`, problems);
  // Claims are KV round trips and a replay reads the stream: as many at once as the stream reads can queue.
  const prepared = await mapPooled(items, deps.config.STREAM_READ_CONCURRENCY * 4, ({ idempotencyKey, ...body }) =>
    settle(
      prepareCreation(deps, keys, {
        body,
        tenant: principal.tenant,
        idempotencyKey: idempotencyKey ?? null,
        issuedBy: principal.keyId,
      }),
      log,
    ),
  );
  // Pipelined: every publish is on the wire before the first ack is awaited.
  return Promise.all(prepared.map((p) => publishSlot(deps, p, log)));
}

async function publishSlot(
  deps: GatewayDeps,
  p: PreparedCreation | SlotError,
  log: FastifyBaseLogger,
): Promise<BatchSlot> {
  if ("error" in p) return p;
  if (p.replay)
    return settle(
      resolveBodies(deps, p.task).then((task) => ({ task, replay: true })),
      log,
    );
  const { event } = p;
  return settle(
    publishCreation(deps, event).then(() => ({ task: created(event), replay: false })),
    log,
  );
}

/** An item's failure as its slot says it, so one item's trouble does not lose the others' answers. */
async function settle<T>(work: Promise<T>, log: FastifyBaseLogger): Promise<T | SlotError> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof ApiError) return { error: { code: err.code, message: err.message } };
    if (isUnavailable(err)) {
      log.warn({ err }, "a batch item was not accepted: a backing service is unavailable");
      return { error: { code: "unavailable", message: "not accepted; send the same request again to complete it" } };
    }
    log.error({ err }, "a batch item failed");
    return { error: { code: "internal", message: "internal error" } };
  }
}

/**
 * 202 when every item was accepted; 207 when some were not. Not 503: the items that were accepted are durable
 * and will run, and a 5xx would tell a client that nothing happened. Each slot says whether it needs sending
 * again; with per-item keys the same request sent again completes the rest and doubles none.
 */
export const batchStatus = (slots: readonly BatchSlot[]) => (slots.some((s) => "error" in s) ? 207 : 202);
