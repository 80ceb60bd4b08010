import { foldEvents, type TaskState } from "@taskjet/events";
import { ev, TASK_ID } from "@taskjet/events/fixtures";
import { loadConfig } from "@taskjet/runtime";
import { describe, expect, it } from "vitest";
import { decideOne, filterStatuses, publishedOutcome } from "./bulk-commands.ts";
import { batchProblems, batchStatus } from "./bulk-tasks.ts";
import { mapPooled } from "./map-pooled.ts";

const config = loadConfig({ MAX_PROMPT_CHARS: "10" });
const now = new Date("2026-01-01T00:00:00Z");
const cancel = { type: "CancelTask" as const, taskId: TASK_ID, reason: "r", issuedBy: null };
const retry = { type: "RetryTask" as const, taskId: TASK_ID, issuedBy: null };
const stateOf = (events: Parameters<typeof foldEvents>[0]): TaskState => {
  const s = foldEvents(events);
  if (s === null) throw new Error("no task");
  return s;
};
const live = stateOf([ev.submitted()]);
const done = stateOf([ev.submitted(), ev.queued(), ev.completed()]);

describe("a batch's validation", () => {
  it("names each failing item by its path in the request", () => {
    const problems = batchProblems(
      [{ prompt: "ok" }, { prompt: "hot", temperature: 1.5 }, { prompt: "much too long" }, { prompt: "ok" }],
      config,
    );
    expect(problems.map((p) => p.path)).toEqual(["body.tasks.1.temperature", "body.tasks.2.prompt"]);
  });

  it("refuses an idempotency key given to two items of one batch", () => {
    const problems = batchProblems(
      [
        { prompt: "a", idempotencyKey: "k" },
        { prompt: "b", idempotencyKey: "j" },
        { prompt: "a", idempotencyKey: "k" },
      ],
      config,
    );
    expect(problems).toEqual([{ path: "body.tasks.2.idempotencyKey", message: "item 0 has it too" }]);
  });

  it("answers 202 when every item was accepted, 207 when one was not", () => {
    const task = { task: live, replay: false };
    expect(batchStatus([task, task])).toBe(202);
    expect(batchStatus([task, { error: { code: "unavailable", message: "" } }])).toBe(207);
  });
});

describe("a bulk command per task", () => {
  it("gives the single routes' errors as outcomes; another tenant's task is not found", () => {
    expect(decideOne(cancel, null, "default", now)).toEqual({ id: TASK_ID, outcome: "not_found" });
    expect(decideOne(cancel, live, "other", now)).toEqual({ id: TASK_ID, outcome: "not_found" });
    expect(decideOne(cancel, done, "default", now)).toMatchObject({ outcome: "illegal_transition" });
    expect(decideOne(retry, live, "default", now)).toMatchObject({ outcome: "illegal_transition" });
    const d = decideOne(cancel, live, "default", now);
    expect("events" in d && d.events.map((e) => e.type)).toEqual(["TaskCancelled"]);
  });

  it("says a cancel that decided nothing found the task already cancelled", () => {
    expect(publishedOutcome("CancelTask", [])).toBe("already_cancelled");
    expect(publishedOutcome("CancelTask", [ev.cancelled()])).toBe("cancelled");
  });

  it("lets a filter pick only statuses the command moves tasks out of", () => {
    expect(filterStatuses("RetryTask", undefined)).toEqual(["failed"]);
    expect(filterStatuses("CancelTask", ["queued"])).toEqual(["queued"]);
    expect(filterStatuses("CancelTask", undefined)).not.toContain("completed");
    expect(() => filterStatuses("CancelTask", ["completed"])).toThrow(/CancelTask acts on/);
    expect(() => filterStatuses("RetryTask", ["queued"])).toThrow();
  });
});

describe("mapPooled", () => {
  it("keeps input order and never runs more than the pool at once", async () => {
    let running = 0;
    let most = 0;
    const out = await mapPooled([5, 1, 4, 2, 3], 2, async (n) => {
      running++;
      most = Math.max(most, running);
      await Promise.resolve();
      running--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(most).toBe(2);
  });
});
