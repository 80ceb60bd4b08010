import type { EventOf } from "@taskjet/events";
import { ev, TASK_ID } from "@taskjet/testkit/fixtures";
import { describe, expect, it } from "vitest";
import { afterBatchResult } from "./batch-result.ts";
import type { BatchOutcome } from "./providers/provider.ts";

const now = new Date("2026-11-22T10:05:00.000Z");
const startedAt = new Date("2026-11-22T10:00:00.000Z");
const queued = ev.queued({ maxAttempts: 3, mode: "batch" });
const usage = { inputTokens: 1_000_000, outputTokens: 1_000_000 };
const succeeded: BatchOutcome = {
  kind: "succeeded",
  result: { output: "done", content: [{ type: "text", text: "done" }], model: "m", stopReason: "end_turn", usage },
};
const errored = (type: string): BatchOutcome => ({ kind: "errored", type, message: `${type} happened` });
/** A price table of one row: $3 in, $15 out per million; a batch half of it. */
const price = (_model: string, u: { inputTokens: number; outputTokens: number }, o?: { batch?: boolean }) =>
  ((u.inputTokens * 3 + u.outputTokens * 15) / 1e6) * (o?.batch ? 0.5 : 1);

const when = (outcome: Parameters<typeof afterBatchResult>[0], o: { attempt?: number; cancelled?: boolean } = {}) => {
  const ref = { taskId: TASK_ID, gen: 1, attempt: o.attempt ?? 1, delivery: 4 };
  return afterBatchResult(outcome, { queued, ref, startedAt }, { cancelled: o.cancelled ?? false }, now, {
    random: () => 1,
    price,
  });
};
const types = (r: ReturnType<typeof when>) => r.events.map((e) => e.type);

describe("afterBatchResult: every result × the task's state, row by row", () => {
  it.each<
    [string, Parameters<typeof afterBatchResult>[0], { attempt?: number; cancelled?: boolean }, string[], number | null]
  >([
    ["succeeded", succeeded, {}, ["TaskCompleted"], null],
    ["errored overloaded, attempts left: retried", errored("overloaded_error"), {}, ["TaskAttemptFailed"], 1000],
    ["errored api_error, attempts left: retried", errored("api_error"), { attempt: 2 }, ["TaskAttemptFailed"], 2000],
    [
      "errored overloaded, last attempt: failed",
      errored("overloaded_error"),
      { attempt: 3 },
      ["TaskAttemptFailed", "TaskFailed"],
      null,
    ],
    [
      "errored invalid request: failed at once",
      errored("invalid_request_error"),
      {},
      ["TaskAttemptFailed", "TaskFailed"],
      null,
    ],
    [
      "errored rate limit: retried without an attempt",
      errored("rate_limit_error"),
      { attempt: 3 },
      ["TaskAttemptFailed"],
      1000,
    ],
    ["an unknown error type: a server error, retried", errored("surprise_error"), {}, ["TaskAttemptFailed"], 1000],
    ["expired: failed", { kind: "expired" }, {}, ["TaskAttemptFailed", "TaskFailed"], null],
    ["canceled by someone else: failed", { kind: "canceled" }, {}, ["TaskAttemptFailed", "TaskFailed"], null],
    ["missing from the results: retried", { kind: "missing", batchId: "b1" }, {}, ["TaskAttemptFailed"], 1000],
    ["succeeded, task cancelled: only its cost kept", succeeded, { cancelled: true }, ["TaskAttemptFailed"], null],
    ["errored, task cancelled: nothing", errored("api_error"), { cancelled: true }, [], null],
    ["canceled, task cancelled: nothing", { kind: "canceled" }, { cancelled: true }, [], null],
  ])("%s", (_name, outcome, o, events, retryInMs) => {
    const r = when(outcome, o);
    expect(types(r)).toEqual(events);
    expect(r.retryInMs).toBe(retryInMs);
  });

  it("a success completes with the reply, priced at the batch discount, its duration the time in the batch", () => {
    const [completed] = when(succeeded).events as [EventOf<"TaskCompleted">];
    expect(completed).toMatchObject({ output: "done", stopReason: "end_turn", usage, costUsd: 9, durationMs: 300_000 });
  });

  it("an errored request carries its type's code and message; a rate limit counts no attempt", () => {
    const [failed] = when(errored("overloaded_error")).events as [EventOf<"TaskAttemptFailed">];
    expect(failed).toMatchObject({
      error: { code: "overloaded", message: "overloaded_error happened" },
      retryable: true,
    });
    const [limited] = when(errored("rate_limit_error")).events as [EventOf<"TaskAttemptFailed">];
    expect(limited).toMatchObject({ error: { code: "rate_limited" }, countsAsAttempt: false });
  });

  it("expired and canceled say so in their code", () => {
    expect(when({ kind: "expired" }).events[0]).toMatchObject({ error: { code: "batch_expired" }, retryable: false });
    expect(when({ kind: "canceled" }).events[0]).toMatchObject({ error: { code: "batch_canceled" } });
  });

  it("a cancelled task's result keeps its usage and cost, not its output", () => {
    const [aborted] = when(succeeded, { cancelled: true }).events as [EventOf<"TaskAttemptFailed">];
    expect(aborted).toMatchObject({ error: { code: "cancelled" }, output: null, usage, costUsd: 9 });
  });
});
