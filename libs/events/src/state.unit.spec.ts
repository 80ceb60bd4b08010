import { describe, expect, it } from "vitest";
import type { TaskEvent, TaskEventType } from "./events.ts";
import { ev, TASK_ID } from "./fixtures.ts";
import { evolve, foldEvents, type TaskState } from "./state.ts";
import { TASK_STATUSES, type TaskStatus } from "./status.ts";

/** Histories that put a task in each status. */
const GIVEN: Record<TaskStatus, TaskEvent[]> = {
  submitted: [ev.submitted()],
  scheduled: [ev.submitted(), ev.scheduled()],
  awaiting_parent: [ev.chained(), ev.awaitingParent()],
  queued: [ev.submitted(), ev.queued()],
  running: [ev.submitted(), ev.queued(), ev.started()],
  retrying: [ev.submitted(), ev.queued(), ev.started(), ev.attemptFailed()],
  completed: [ev.submitted(), ev.queued(), ev.started(), ev.completed()],
  failed: [ev.submitted(), ev.queued(), ev.started(), ev.failed({ attempts: 1 })],
  cancelled: [ev.submitted(), ev.cancelled()],
};

const WHEN: Record<TaskEventType, TaskEvent> = {
  TaskSubmitted: ev.submitted({ prompt: "other" }),
  TaskChained: ev.chained(),
  TaskCancelled: ev.cancelled({ reason: "late" }),
  TaskRetryRequested: ev.retryRequested(),
  TaskScheduled: ev.scheduled(),
  TaskAwaitingParent: ev.awaitingParent(),
  TaskQueued: ev.queued(),
  TaskWaiting: ev.waiting(),
  TaskStarted: ev.started({ attempt: 2 }),
  TaskBatched: ev.batched({ attempt: 2 }),
  TaskAttemptFailed: ev.attemptFailed({ attempt: 2 }),
  TaskCompleted: ev.completed({ attempt: 2 }),
  TaskFailed: ev.failed(),
};

/** The whole transition table: the status after each event in each status; absent means "unchanged". */
const THEN: Record<TaskStatus, Partial<Record<TaskEventType, TaskStatus>>> = {
  submitted: {
    TaskScheduled: "scheduled",
    TaskAwaitingParent: "awaiting_parent",
    TaskQueued: "queued",
    TaskCancelled: "cancelled",
  },
  scheduled: { TaskAwaitingParent: "awaiting_parent", TaskQueued: "queued", TaskCancelled: "cancelled" },
  awaiting_parent: { TaskQueued: "queued", TaskCancelled: "cancelled" },
  queued: {
    TaskWaiting: "queued",
    TaskStarted: "running",
    TaskBatched: "running",
    TaskAttemptFailed: "retrying",
    TaskCompleted: "completed",
    TaskFailed: "failed",
    TaskCancelled: "cancelled",
  },
  running: {
    TaskStarted: "running",
    TaskBatched: "running",
    TaskAttemptFailed: "retrying",
    TaskCompleted: "completed",
    TaskFailed: "failed",
    TaskCancelled: "cancelled",
  },
  retrying: {
    TaskWaiting: "retrying",
    TaskStarted: "running",
    TaskBatched: "running",
    TaskAttemptFailed: "retrying",
    TaskCompleted: "completed",
    TaskFailed: "failed",
    TaskCancelled: "cancelled",
  },
  completed: {},
  failed: { TaskRetryRequested: "submitted" },
  cancelled: {},
};

const given = (status: TaskStatus) => foldEvents(GIVEN[status]) as TaskState;

describe("evolve: every status × every event", () => {
  it("the given histories reach the status they are named for", () => {
    for (const status of TASK_STATUSES) expect(given(status).status).toBe(status);
  });

  const cases = TASK_STATUSES.flatMap((status) =>
    (Object.keys(WHEN) as TaskEventType[]).map((type) => [status, type] as const),
  );
  it.each(cases)("given %s, when %s", (status, type) => {
    const before = given(status);
    const after = evolve(before, WHEN[type]) as TaskState;
    const expected = THEN[status][type];
    if (expected === undefined && !(status === "cancelled" && type === "TaskAttemptFailed")) {
      expect(after).toBe(before); // a no-op returns the very same state
    } else {
      expect(after.status).toBe(expected ?? status);
    }
  });
});

describe("evolve: rules", () => {
  it("a batch-mode task: mode from its creation, its batch id while in a batch, cleared when it leaves for a retry", () => {
    const created = foldEvents([ev.submitted({ mode: "batch" }), ev.queued({ mode: "batch" })]) as TaskState;
    expect(created).toMatchObject({ mode: "batch", batchId: null, status: "queued" });
    const batched = evolve(created, ev.batched({ batchId: "msgbatch_A" })) as TaskState;
    expect(batched).toMatchObject({ status: "running", batchId: "msgbatch_A", attempts: 1 });
    expect(batched.startedAt).toBe(ev.batched().at);
    const retrying = evolve(batched, ev.attemptFailed({ retryable: true })) as TaskState;
    expect(retrying).toMatchObject({ status: "retrying", batchId: null });
    const again = evolve(retrying, ev.batched({ attempt: 2, delivery: 1, batchId: "msgbatch_B" })) as TaskState;
    expect(evolve(again, ev.completed({ attempt: 2 }))).toMatchObject({ status: "completed", batchId: "msgbatch_B" });
  });

  it("a task from before batches reads as mode now", () => {
    expect(foldEvents([ev.submitted()])).toMatchObject({ mode: "now", batchId: null });
  });

  it("a wait for the lane shows on a queued task, keeps when it began, and ends when the task starts", () => {
    const first = evolve(given("queued"), ev.waiting({ at: "2026-11-22T10:00:05.000Z" })) as TaskState;
    expect(first.waiting).toEqual({
      reason: "lane_budget",
      lane: "anthropic/claude-sonnet-4-5",
      since: "2026-11-22T10:00:05.000Z",
      until: null,
    });
    const until = "2026-11-22T10:01:00.000Z";
    const paused = evolve(first, ev.waiting({ at: "2026-11-22T10:00:09.000Z", reason: "rate_limited", until }));
    expect(paused?.waiting).toEqual({ ...first.waiting, reason: "rate_limited", until });
    expect(paused?.status).toBe("queued");
    expect(evolve(paused, ev.started())?.waiting).toBeNull();
  });

  it("first terminal event wins: a completion after a cancel changes nothing", () => {
    const cancelled = given("running");
    const after = foldEvents([ev.cancelled(), ev.completed()], cancelled) as TaskState;
    expect(after.status).toBe("cancelled");
    expect(after.output).toBeNull();
  });

  it("first terminal event wins: a cancel after completion changes nothing", () => {
    const done = given("completed");
    expect(evolve(done, ev.cancelled())).toBe(done);
  });

  it("a redelivered duplicate changes nothing", () => {
    for (const status of TASK_STATUSES) {
      const history = GIVEN[status];
      const last = history[history.length - 1] as TaskEvent;
      expect(foldEvents([...history, last])).toEqual(foldEvents(history));
    }
  });

  it("only TaskRetryRequested leaves failed, opening the next generation", () => {
    const failed = given("failed");
    for (const e of Object.values(WHEN)) {
      if (e.type !== "TaskRetryRequested") expect(evolve(failed, e)).toBe(failed);
    }
    const reopened = evolve(failed, ev.retryRequested({ gen: 2 })) as TaskState;
    expect(reopened).toMatchObject({ status: "submitted", gen: 2, finishedAt: null, attempts: 1 });
  });

  it("a retry request for a generation other than the next is ignored", () => {
    const failed = given("failed");
    expect(evolve(failed, ev.retryRequested({ gen: 1 }))).toBe(failed);
    expect(evolve(failed, ev.retryRequested({ gen: 3 }))).toBe(failed);
  });

  it("events of a superseded generation are stale", () => {
    const retried = foldEvents(
      [ev.retryRequested({ gen: 2 }), ev.queued({ gen: 2, attemptsBefore: 1 })],
      given("failed"),
    );
    expect(retried?.status).toBe("queued");
    expect(evolve(retried, ev.completed({ gen: 1 }))).toBe(retried);
    const done = evolve(retried, ev.completed({ gen: 2, attempt: 2 }));
    expect(done).toMatchObject({ status: "completed", attempts: 2, gen: 2 });
  });

  it("an event for a task never created is skipped", () => {
    expect(evolve(null, ev.completed())).toBeNull();
    expect(foldEvents([ev.queued(), ev.started()])).toBeNull();
  });

  it("an event for another task is skipped", () => {
    const s = given("queued");
    expect(evolve(s, ev.started({ taskId: "7b1e7f0e-52c1-4a55-8f8b-3f8f1d8a0c11" }))).toBe(s);
  });

  it("cancellation keeps the partial output and usage of the aborted attempt, and stays cancelled", () => {
    const s = foldEvents(
      [
        ev.cancelled(),
        ev.attemptFailed({
          error: { code: "cancelled", message: "x" },
          retryable: false,
          output: "Once upon",
          usage: { inputTokens: 5, outputTokens: 2 },
        }),
      ],
      given("running"),
    );
    expect(s).toMatchObject({
      status: "cancelled",
      output: "Once upon",
      usage: { inputTokens: 5, outputTokens: 2 },
      error: null,
    });
  });

  it("records what completion reports", () => {
    const s = given("completed");
    expect(s).toMatchObject({
      id: TASK_ID,
      output: "hi there",
      stopReason: "end_turn",
      usage: { inputTokens: 3, outputTokens: 2 },
      attempts: 1,
      startedAt: "2026-11-22T10:00:00.000Z",
      finishedAt: "2026-11-22T10:00:00.000Z",
    });
  });

  it("a queued event carries the resolved prompt of a chained task", () => {
    const s = foldEvents([ev.chained(), ev.queued({ input: { ...ev.queued().input, prompt: "resolved" } })]);
    expect(s).toMatchObject({ status: "queued", prompt: "resolved", parentId: ev.chained().parentId });
  });

  it("attempts never go backwards", () => {
    const s = foldEvents([ev.started({ attempt: 3 }), ev.started({ attempt: 2 })], given("queued"));
    expect(s?.attempts).toBe(3);
  });
});

describe("evolve: the Messages API's fields", () => {
  it("a task keeps the request options it was given, and none it was not", () => {
    const tools = [{ name: "t", inputSchema: { type: "object" as const } }];
    const rich = foldEvents([ev.submitted({ prompt: "", messages: [{ role: "user", content: "hi" }], tools })]);
    expect(rich).toMatchObject({ prompt: "", messages: [{ role: "user", content: "hi" }], tools });
    const simple = foldEvents([ev.submitted()]);
    expect(simple).not.toHaveProperty("messages");
    expect(simple).not.toHaveProperty("tools");
  });

  it("costs add up over attempts; a completion brings its blocks, its claim check and whether it was cached", () => {
    const content = [
      { type: "thinking" as const, thinking: "t", signature: "s" },
      { type: "text" as const, text: "hi there" },
    ];
    const state = foldEvents([
      ev.submitted(),
      ev.queued(),
      ev.started(),
      ev.attemptFailed({ costUsd: 0.25 }),
      ev.started({ attempt: 2 }),
      ev.completed({ attempt: 2, costUsd: 0.5, content, cached: false }),
    ]);
    expect(state).toMatchObject({ status: "completed", costUsd: 0.75, content, cached: false, outputRef: null });
    const fromCache = foldEvents([ev.submitted(), ev.queued(), ev.completed({ cached: true, costUsd: 0 })]);
    expect(fromCache).toMatchObject({ status: "completed", cached: true, costUsd: 0, content: null });
  });
});
