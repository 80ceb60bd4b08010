import { describe, expect, it } from "vitest";
import type { TaskEvent } from "../api/client.ts";
import { lanesOf } from "./timeline.ts";

/** The history as GET /tasks/:id/events gives it, one event a second from 10:00:00. */
function history(...events: [type: string, payload?: Record<string, unknown>][]): TaskEvent[] {
  return events.map(([type, payload = {}], i) => ({ type, payload, seq: i + 1, time: at(i) }));
}
const at = (i: number) => `2026-11-26T10:00:${String(i).padStart(2, "0")}.000Z`;
/** Each lane as its title, outcome and step labels: what the timeline draws. */
const shape = (events: TaskEvent[]) =>
  lanesOf(events).map((l) => ({ title: l.title, outcome: l.outcome, steps: l.steps.map((s) => s.label) }));

describe("lanesOf: a task's history as one lane per attempt", () => {
  it("given a task that completed at once, is its acceptance and one attempt: queued → started → completed", () => {
    const events = history(
      ["TaskSubmitted"],
      ["TaskQueued"],
      ["TaskStarted", { attempt: 1, executorId: "e1" }],
      ["TaskCompleted", { attempt: 1, stopReason: "end_turn" }],
    );
    expect(shape(events)).toEqual([
      { title: "Accepted", outcome: "done", steps: ["submitted"] },
      { title: "Attempt 1", outcome: "completed", steps: ["queued", "started", "completed"] },
    ]);
    const [, attempt] = lanesOf(events);
    expect(attempt?.steps.map((s) => [s.time, s.detail])).toEqual([
      [at(1), undefined],
      [at(2), "e1"],
      [at(3), "end_turn"],
    ]);
  });

  it("given a retried failure, shows its class, message and retryAt, and the next lane queued from it with its wait", () => {
    const error = { code: "rate_limited", message: "429 from the provider" };
    const events = history(
      ["TaskSubmitted"],
      ["TaskQueued"],
      ["TaskStarted", { attempt: 1 }],
      ["TaskAttemptFailed", { attempt: 1, error, retryable: true, retryAt: at(9) }],
      ["TaskWaiting", { reason: "rate_limited", lane: "fake/m" }],
      ["TaskStarted", { attempt: 2 }],
      ["TaskCompleted", { attempt: 2 }],
    );
    expect(shape(events)).toEqual([
      { title: "Accepted", outcome: "done", steps: ["submitted"] },
      { title: "Attempt 1", outcome: "retried", steps: ["queued", "started", "attempt failed"] },
      { title: "Attempt 2", outcome: "completed", steps: ["queued", "waiting", "started", "completed"] },
    ]);
    const [, first, second] = lanesOf(events);
    expect(first?.failure).toEqual({ ...error, retryAt: at(9), retryable: true, counted: true });
    expect(second?.steps[0]?.time).toBe(at(3)); // waiting since the failure
    expect(second?.steps[1]?.detail).toBe("rate_limited");
  });

  it("given a failure that ended the task and a retry not started yet, shows the next attempt waiting", () => {
    const events = history(
      ["TaskSubmitted"],
      ["TaskQueued"],
      ["TaskStarted", { attempt: 1 }],
      ["TaskAttemptFailed", { attempt: 1, error: { code: "invalid_request" }, retryable: false }],
      ["TaskFailed", { attempts: 1 }],
      ["TaskRetryRequested"],
      ["TaskQueued"],
    );
    expect(shape(events)).toEqual([
      { title: "Accepted", outcome: "done", steps: ["submitted"] },
      { title: "Attempt 1", outcome: "failed", steps: ["queued", "started", "attempt failed", "failed"] },
      { title: "Retry requested", outcome: "done", steps: ["retry requested"] },
      { title: "Next attempt", outcome: "waiting", steps: ["queued"] },
    ]);
    expect(lanesOf(events)[1]?.steps.at(-1)?.detail).toBe("after 1 attempt");
  });

  it("given a chained task cancelled before it ran, keeps it all in the acceptance lane", () => {
    const events = history(
      ["TaskChained", { parentId: "p1" }],
      ["TaskScheduled", { runAt: at(30) }],
      ["TaskAwaitingParent"],
      ["TaskCancelled", { reason: "parent failed" }],
    );
    expect(shape(events)).toEqual([
      { title: "Accepted", outcome: "cancelled", steps: ["chained", "scheduled", "awaiting parent", "cancelled"] },
    ]);
    expect(lanesOf(events)[0]?.steps.map((s) => s.detail)).toEqual([
      "on p1",
      `runs at ${at(30)}`,
      undefined,
      "parent failed",
    ]);
  });

  it("given an event it has no lane for, still shows it, by its type", () => {
    expect(shape(history(["TaskSubmitted"], ["TaskSomethingNew"]))).toEqual([
      { title: "Accepted", outcome: "done", steps: ["submitted", "TaskSomethingNew"] },
    ]);
  });
});

const queued = (model: string): [string, Record<string, unknown>] => ["TaskQueued", { input: { prompt: "p", model } }];
const overloaded = { code: "overloaded", message: "Overloaded" };

describe("lanesOf: models, fallbacks and the result cache", () => {
  it("names the model of each attempt: the task's own, until a fallback takes over", () => {
    const lanes = lanesOf(
      history(
        ["TaskSubmitted", {}],
        queued("claude-busy"),
        ["TaskStarted", { attempt: 1, executorId: "ex-1" }],
        ["TaskAttemptFailed", { attempt: 1, error: overloaded, retryable: true, nextModel: "claude-haiku-4-5" }],
        ["TaskStarted", { attempt: 2, executorId: "ex-1", model: "claude-haiku-4-5" }],
        ["TaskCompleted", { attempt: 2, model: "claude-haiku-4-5", stopReason: "end_turn" }],
      ),
    );
    expect(lanes.map((l) => [l.title, l.model, l.outcome])).toEqual([
      ["Accepted", undefined, "done"],
      ["Attempt 1", "claude-busy", "retried"],
      ["Attempt 2", "claude-haiku-4-5", "completed"],
    ]);
  });

  it("shows the switch to the next model on the attempt that gave its model up", () => {
    const [, first, second] = lanesOf(
      history(
        queued("claude-busy"),
        ["TaskStarted", { attempt: 1, executorId: "ex-1" }],
        ["TaskAttemptFailed", { attempt: 1, error: overloaded, retryable: true }],
        ["TaskStarted", { attempt: 2, executorId: "ex-1" }],
        ["TaskAttemptFailed", { attempt: 2, error: overloaded, retryable: true, nextModel: "claude-haiku-4-5" }],
      ),
    );
    expect(first?.steps.map((s) => s.label)).toEqual(["queued", "started", "attempt failed"]);
    expect(second?.steps.map((s) => s.label)).toEqual(["queued", "started", "attempt failed", "switching model"]);
    expect(second?.steps.at(-1)).toMatchObject({ detail: "claude-busy → claude-haiku-4-5", tone: "warn" });
  });

  it("says a cached completion came from the cache, in a lane of its own with no attempt", () => {
    const lanes = lanesOf(
      history(["TaskSubmitted", {}], queued("claude-haiku-4-5"), [
        "TaskCompleted",
        { attempt: 1, cached: true, cachedFrom: "8d100074-3c1b-4f7e-9a55-1d2f6b0c7e21" },
      ]),
    );
    expect(lanes).toHaveLength(2);
    expect(lanes[1]).toMatchObject({
      title: "From the result cache",
      model: "claude-haiku-4-5",
      outcome: "completed",
      steps: [
        { label: "queued", time: "2026-11-26T10:00:01.000Z" },
        { label: "completed", detail: "from cache", tone: "ok" },
      ],
    });
  });

  it("a completion from a call is not from the cache: its detail is the stop reason alone", () => {
    const lanes = lanesOf(
      history(
        queued("claude-haiku-4-5"),
        ["TaskStarted", { attempt: 1, executorId: "ex-1" }],
        ["TaskCompleted", { attempt: 1, cached: false, stopReason: "max_tokens" }],
      ),
    );
    expect(lanes.at(-1)?.steps.at(-1)).toMatchObject({ label: "completed", detail: "max_tokens" });
  });

  it("a history without TaskQueued's input (an older or trimmed one) names no model", () => {
    const lanes = lanesOf(history(["TaskStarted", { attempt: 1, executorId: "ex-1" }], ["TaskCompleted", {}]));
    expect(lanes.at(-1)).not.toHaveProperty("model");
  });
});
