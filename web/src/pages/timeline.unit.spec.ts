import { describe, expect, it } from "vitest";
import type { TaskEvent } from "../api/client.ts";
import { lanesOf } from "./timeline.ts";

/** A history as GET /tasks/:id/events gives it, one event a second from 10:00:00. */
const history = (...events: [string, Record<string, unknown>][]): TaskEvent[] =>
  events.map(([type, payload], i) => ({
    seq: i + 1,
    type,
    time: `2026-11-26T10:00:${String(i).padStart(2, "0")}.000Z`,
    payload,
  }));
const queued = (model: string): [string, Record<string, unknown>] => ["TaskQueued", { input: { prompt: "p", model } }];
const overloaded = { code: "overloaded", message: "Overloaded" };

describe("lanesOf", () => {
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
