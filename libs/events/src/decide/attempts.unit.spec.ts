import { describe, expect, it } from "vitest";
import { ev, TASK_ID } from "../fixtures.ts";
import type { AttemptRef } from "./attempts.ts";
import { type Command, decide } from "./decide.ts";

const now = new Date("2026-11-22T10:30:00.000Z");
const at = now.toISOString();
const attempt: AttemptRef = { taskId: TASK_ID, gen: 1, attempt: 2, delivery: 7 };
const when = (command: Command) => decide(command, null, now);
const partial = { output: "half", usage: { inputTokens: 3, outputTokens: 1 } };
const error = { code: "overloaded", message: "Overloaded" };

describe("the executor's attempts", () => {
  it("StartAttempt: then TaskStarted for this try, by this executor", () => {
    expect(when({ type: "StartAttempt", attempt, executorId: "ex-1" })).toEqual([
      ev.started({ at, attempt: 2, delivery: 7 }),
    ]);
  });

  it("CompleteAttempt: then TaskCompleted with the result and how long it took", () => {
    const result = { output: "hi there", model: "claude-sonnet-4-5", stopReason: "end_turn", usage: partial.usage };
    expect(when({ type: "CompleteAttempt", attempt, result, durationMs: 40 })).toEqual([
      ev.completed({ at, attempt: 2, usage: partial.usage }),
    ]);
  });

  it("FailAttempt with a retry: then a retryable TaskAttemptFailed due after the delay", () => {
    expect(when({ type: "FailAttempt", attempt, error, countsAsAttempt: false, retryInMs: 1500, partial })).toEqual([
      ev.attemptFailed({
        at,
        attempt: 2,
        delivery: 7,
        error,
        countsAsAttempt: false,
        retryAt: "2026-11-22T10:30:01.500Z",
        ...partial,
      }),
    ]);
  });

  it("FailAttempt with no retry: then TaskAttemptFailed and TaskFailed after this many attempts", () => {
    const none = { output: null, usage: null };
    expect(
      when({ type: "FailAttempt", attempt, error, countsAsAttempt: true, retryInMs: null, partial: none }),
    ).toEqual([
      ev.attemptFailed({ at, attempt: 2, delivery: 7, error, retryable: false, retryAt: null }),
      ev.failed({ at, attempts: 2, error }),
    ]);
  });

  it("AbortAttempt: then a final TaskAttemptFailed keeping the partial output, and no TaskFailed", () => {
    expect(when({ type: "AbortAttempt", attempt, partial })).toEqual([
      ev.attemptFailed({
        at,
        attempt: 2,
        delivery: 7,
        error: { code: "cancelled", message: "cancelled during the call" },
        retryable: false,
        retryAt: null,
        ...partial,
      }),
    ]);
  });
  it("WaitForLane: then TaskWaiting with its reason, lane and expected end, for this generation", () => {
    const until = new Date("2026-11-22T10:30:05.000Z");
    const command = {
      type: "WaitForLane",
      taskId: TASK_ID,
      gen: 1,
      reason: "rate_limited",
      lane: "anthropic/m",
      until,
    };
    expect(when({ ...command, type: "WaitForLane", reason: "rate_limited" })).toEqual([
      ev.waiting({ at, gen: 1, reason: "rate_limited", lane: "anthropic/m", until: until.toISOString() }),
    ]);
    expect(when({ ...command, type: "WaitForLane", reason: "spend_limit", until: null })).toEqual([
      ev.waiting({ at, gen: 1, reason: "spend_limit", lane: "anthropic/m", until: null }),
    ]);
  });
});
