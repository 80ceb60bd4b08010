import { describe, expect, it } from "vitest";
import { assertChainable, decideCancel, decideRetry, decideStart } from "./decide.ts";
import { IllegalTransitionError, TaskNotFoundError } from "./errors.ts";
import { ev, TASK_ID } from "./fixtures.ts";
import { foldEvents, type TaskState } from "./state.ts";

const now = new Date("2026-11-22T10:30:00.000Z");
const state = (...events: Parameters<typeof foldEvents>[0]) => foldEvents(events) as TaskState;

describe("decide", () => {
  it("cancel: a live task is cancelled with the reason", () => {
    const running = state(ev.submitted(), ev.queued(), ev.started());
    expect(decideCancel({ type: "CancelTask", taskId: TASK_ID, reason: "user", now }, running)).toEqual([
      { type: "TaskCancelled", v: 1, taskId: TASK_ID, at: now.toISOString(), reason: "user" },
    ]);
  });

  it("cancel: an already cancelled task is an idempotent no-op", () => {
    const cancelled = state(ev.submitted(), ev.cancelled());
    expect(decideCancel({ type: "CancelTask", taskId: TASK_ID, reason: "again", now }, cancelled)).toEqual([]);
  });

  it("cancel: a finished task cannot be cancelled; an unknown one is not found", () => {
    const done = state(ev.submitted(), ev.queued(), ev.completed());
    expect(() => decideCancel({ type: "CancelTask", taskId: TASK_ID, reason: "x", now }, done)).toThrow(
      IllegalTransitionError,
    );
    expect(() => decideCancel({ type: "CancelTask", taskId: TASK_ID, reason: "x", now }, null)).toThrow(
      TaskNotFoundError,
    );
  });

  it("retry: only a failed task, into the next generation", () => {
    const failed = state(ev.submitted(), ev.queued(), ev.failed());
    expect(decideRetry({ type: "RetryTask", taskId: TASK_ID, now }, failed)).toEqual([
      { type: "TaskRetryRequested", v: 1, taskId: TASK_ID, at: now.toISOString(), gen: 2 },
    ]);
    const queued = state(ev.submitted(), ev.queued());
    expect(() => decideRetry({ type: "RetryTask", taskId: TASK_ID, now }, queued)).toThrow(
      /cannot retry .* it is queued/,
    );
  });

  it("chain: onto a live or completed parent, never a failed or cancelled one", () => {
    expect(assertChainable(state(ev.submitted()), TASK_ID).status).toBe("submitted");
    expect(assertChainable(state(ev.submitted(), ev.queued(), ev.completed()), TASK_ID).status).toBe("completed");
    expect(() => assertChainable(state(ev.submitted(), ev.cancelled()), TASK_ID)).toThrow(IllegalTransitionError);
    expect(() => assertChainable(state(ev.submitted(), ev.queued(), ev.failed()), TASK_ID)).toThrow(
      IllegalTransitionError,
    );
    expect(() => assertChainable(null, TASK_ID)).toThrow(TaskNotFoundError);
  });

  it("start: a task due later is scheduled, one due now or in the past is queued with its input", () => {
    const later = state(ev.submitted({ runAt: "2026-11-22T11:00:00.000Z" }));
    expect(decideStart(later, now)).toMatchObject({ type: "TaskScheduled", runAt: "2026-11-22T11:00:00.000Z" });
    const past = state(ev.submitted({ runAt: "2026-11-22T09:00:00.000Z" }));
    expect(decideStart(past, now)).toMatchObject({ type: "TaskQueued", gen: 1, attemptsBefore: 0 });
    const chained = state(ev.chained());
    expect(decideStart(chained, now, "resolved prompt")).toMatchObject({
      type: "TaskQueued",
      input: { prompt: "resolved prompt", model: "claude-sonnet-4-5", maxTokens: 100, system: null, temperature: null },
      maxAttempts: 3,
      timeoutMs: 60_000,
    });
  });
});
