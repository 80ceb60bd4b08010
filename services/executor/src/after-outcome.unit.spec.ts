import { ev, TASK_ID } from "@taskjet/testkit/fixtures";
import { describe, expect, it } from "vitest";
import { afterOutcome } from "./after-outcome.ts";
import type { Outcome } from "./outcome.ts";
import { ProviderError } from "./providers/provider.ts";

const queuedAt = new Date("2026-11-22T10:00:00.000Z");
const now = new Date("2026-11-22T10:00:10.000Z");
const queued = ev.queued({ at: queuedAt.toISOString(), maxAttempts: 3, timeoutMs: 60_000 });
const startedAt = new Date("2026-11-22T10:00:09.250Z");
const partial = { output: "half", usage: { inputTokens: 3, outputTokens: 1 } };
const result = {
  output: "done",
  content: [{ type: "text" as const, text: "done" }],
  model: "claude-sonnet-4-5",
  stopReason: "end_turn",
  usage: partial.usage,
};

const failedWith = (status: number, type: string, message: string, headers: Record<string, string> = {}): Outcome => {
  const error = new ProviderError(message, { kind: "http", status, type, headers });
  error.partialOutput = "half";
  error.usage = partial.usage;
  return { kind: "failed", error };
};
const overloaded = failedWith(529, "overloaded_error", "Overloaded");
const invalid = failedWith(400, "invalid_request_error", "max_tokens: too large");
const rateLimited = failedWith(429, "rate_limit_error", "Rate limited", { "retry-after": "5" });

const when = (outcome: Outcome, attempt: number) => {
  const ref = { taskId: TASK_ID, gen: 1, attempt, delivery: 9 };
  return afterOutcome(outcome, { queued, ref, startedAt }, now, { random: () => 1 });
};
const types = (o: ReturnType<typeof when>) => o.events.map((e) => e.type);

describe("afterOutcome: every outcome × attempts left or last", () => {
  it.each<[string, Outcome, number, string[], object]>([
    ["completed, attempts left", { kind: "completed", result }, 1, ["TaskCompleted"], { ack: true }],
    ["completed, last attempt", { kind: "completed", result }, 3, ["TaskCompleted"], { ack: true }],
    ["retryable failure, attempts left", overloaded, 1, ["TaskAttemptFailed"], { nak: 1000 }],
    [
      "retryable failure, last attempt",
      overloaded,
      3,
      ["TaskAttemptFailed", "TaskFailed"],
      { term: "failed: overloaded" },
    ],
    [
      "fatal failure, attempts left",
      invalid,
      1,
      ["TaskAttemptFailed", "TaskFailed"],
      { term: "failed: invalid_request" },
    ],
    // A 429 goes straight back to admission (jitter only): the lane's pause holds it, not a nak.
    ["rate limit, attempts left", rateLimited, 1, ["TaskAttemptFailed"], { nak: 250 }],
    ["rate limit, last attempt", rateLimited, 3, ["TaskAttemptFailed"], { nak: 250 }],
    ["rate limit, long past the last attempt", rateLimited, 30, ["TaskAttemptFailed"], { nak: 250 }],
    ["timed out, attempts left", { kind: "timed-out", partial }, 1, ["TaskAttemptFailed"], { nak: 1000 }],
    [
      "timed out, last attempt",
      { kind: "timed-out", partial },
      3,
      ["TaskAttemptFailed", "TaskFailed"],
      { term: "failed: timeout" },
    ],
    ["cancelled, attempts left", { kind: "cancelled", partial }, 1, ["TaskAttemptFailed"], { ack: true }],
    ["cancelled, last attempt", { kind: "cancelled", partial }, 3, ["TaskAttemptFailed"], { ack: true }],
    ["handed back, attempts left", { kind: "handed-back" }, 1, [], { nak: 0 }],
    ["handed back, last attempt", { kind: "handed-back" }, 3, [], { nak: 0 }],
  ])("%s", (_row, outcome, attempt, events, verdict) => {
    const after = when(outcome, attempt);
    expect(types(after)).toEqual(events);
    expect(after.verdict).toEqual(verdict);
  });

  it("a completed call carries its result and how long it took by the injected clock", () => {
    expect(when({ kind: "completed", result }, 2).events).toEqual([
      ev.completed({ at: now.toISOString(), attempt: 2, output: "done", usage: partial.usage, durationMs: 750 }),
    ]);
  });

  it("a retried failure says when, whether it counted, and keeps the partial output", () => {
    const [failed] = when(rateLimited, 1).events;
    expect(failed).toMatchObject({
      error: { code: "rate_limited", message: "Rate limited" },
      retryable: true,
      countsAsAttempt: false,
      retryAt: "2026-11-22T10:00:15.000Z",
      ...partial,
    });
    expect(when(rateLimited, 1).pauseLaneMs).toBe(5000); // the lane, not the task, waits out the 429
    expect(when(overloaded, 1).pauseLaneMs).toBeNull();
  });

  it("a timeout says the task's limit; a cancelled call is final but fails nothing", () => {
    expect(when({ kind: "timed-out", partial }, 1).events[0]).toMatchObject({
      error: { code: "timeout", message: "no answer within 60000 ms" },
      retryable: true,
    });
    expect(when({ kind: "cancelled", partial }, 1).events[0]).toMatchObject({
      error: { code: "cancelled" },
      retryable: false,
      retryAt: null,
      ...partial,
    });
  });

  it("the last attempt's TaskFailed counts every attempt and repeats the error", () => {
    expect(when(overloaded, 3).events[1]).toMatchObject({
      type: "TaskFailed",
      attempts: 3,
      error: { code: "overloaded", message: "Overloaded" },
    });
  });
});

describe("afterOutcome: what a reply is worth", () => {
  const price = (model: string, usage: { inputTokens: number; outputTokens: number }) =>
    model === "free" ? undefined : usage.inputTokens * 0.01 + usage.outputTokens * 0.1;
  const priced = (outcome: Outcome, input = queued.input, fallback: { model: string; since: number } | null = null) =>
    afterOutcome(
      outcome,
      { queued: { ...queued, input }, ref: { taskId: TASK_ID, gen: 1, attempt: 1, delivery: 9 }, startedAt, fallback },
      now,
      { random: () => 1, price },
    );

  it("prices every attempt by its usage: a completed one, a failed one, a cancelled one", () => {
    expect(priced({ kind: "completed", result }).events[0]).toMatchObject({ costUsd: 0.13 });
    expect(priced(overloaded).events[0]).toMatchObject({ costUsd: 0.13 });
    expect(priced({ kind: "cancelled", partial }).events[0]).toMatchObject({ costUsd: 0.13 });
    expect(priced({ kind: "completed", result: { ...result, model: "free" } }).events[0]).not.toHaveProperty("costUsd");
  });

  it("a final reply that does not match outputSchema is a failed attempt, retried, keeping what it said and cost", () => {
    const input = { ...queued.input, outputSchema: { type: "object", required: ["name"] } };
    const after = priced({ kind: "completed", result }, input);
    expect(after.verdict).toEqual({ nak: 1000 });
    expect(after.events).toEqual([
      expect.objectContaining({
        type: "TaskAttemptFailed",
        error: { code: "output_invalid", message: "the output is not JSON" },
        retryable: true,
        output: "done",
        costUsd: 0.13,
      }),
    ]);
    const json = { ...result, output: '{"name":"Ada"}', content: [{ type: "text" as const, text: '{"name":"Ada"}' }] };
    expect(types(priced({ kind: "completed", result: json }, input))).toEqual(["TaskCompleted"]);
    const missing = { ...json, output: '{"age":3}' };
    expect(priced({ kind: "completed", result: missing }, input).events[0]).toMatchObject({
      error: { code: "output_invalid", message: expect.stringContaining("must have required property 'name'") },
    });
    const toolCall = { ...result, stopReason: "tool_use" };
    expect(types(priced({ kind: "completed", result: toolCall }, input))).toEqual(["TaskCompleted"]);
  });

  it("a refusal of an outputSchema task fails it at once, keeping what it said and cost: no retry, no fallback", () => {
    const input = { ...queued.input, outputSchema: { type: "object" }, fallbackModels: ["small"] };
    const refusal = { ...result, output: "I can't help with that.", stopReason: "refusal" };
    const after = priced({ kind: "completed", result: refusal }, input);
    expect(after.verdict).toEqual({ term: "failed: refused" });
    expect(after.events).toEqual([
      expect.objectContaining({
        type: "TaskAttemptFailed",
        error: { code: "refused", message: expect.stringMatching(/refused.*: I can't help with that\.$/) },
        retryable: false,
        output: "I can't help with that.",
        costUsd: 0.13,
      }),
      expect.objectContaining({ type: "TaskFailed", error: expect.objectContaining({ code: "refused" }) }),
    ]);
    expect(after.events[0]).not.toHaveProperty("nextModel");
    // Without outputSchema a refusal is an answer like any other: the task completes and its stopReason says it.
    const plain = priced({ kind: "completed", result: refusal });
    expect(plain.events).toEqual([expect.objectContaining({ type: "TaskCompleted", stopReason: "refusal" })]);
  });

  it("keeps every block of a reply with more than one, and only the text of a plain one", () => {
    const content = [
      { type: "thinking" as const, thinking: "hmm", signature: "s" },
      { type: "text" as const, text: "done" },
    ];
    expect(priced({ kind: "completed", result: { ...result, content } }).events[0]).toMatchObject({ content });
    expect(priced({ kind: "completed", result }).events[0]).not.toHaveProperty("content");
  });

  it("records the fallback model an attempt called, and the model it moves to", () => {
    const input = { ...queued.input, model: "big", fallbackModels: ["small"] };
    const [onOwn] = priced(overloaded, { ...input }, null).events;
    expect(onOwn).not.toHaveProperty("model");
    const last = afterOutcome(
      overloaded,
      { queued: { ...queued, input }, ref: { taskId: TASK_ID, gen: 1, attempt: 3, delivery: 9 }, startedAt },
      now,
      { random: () => 1 },
    );
    expect(types(last)).toEqual(["TaskAttemptFailed"]);
    expect(last.events[0]).toMatchObject({ nextModel: "small" });
    const [onSmall] = priced(overloaded, input, { model: "small", since: 4 }).events;
    expect(onSmall).toMatchObject({ model: "small", modelSince: 4 });
  });
});
