import { describe, expect, it } from "vitest";
import { IllegalTransitionError, TaskNotFoundError } from "../errors.ts";
import { TaskEvent } from "../events.ts";
import { ev, PARENT_ID, TASK_ID } from "../fixtures.ts";
import { foldEvents } from "../state.ts";
import { type Command, decide } from "./decide.ts";
import type { CreateTask } from "./task-commands.ts";

const now = new Date("2026-11-22T10:30:00.000Z");
const at = now.toISOString();
const given = (...events: TaskEvent[]) => foldEvents(events);
const when = (command: Command, state = given()) => decide(command, state, now);

const { prompt, system, model, maxTokens, temperature, maxAttempts, timeoutMs, tenant, idempotencyKey, metadata } =
  ev.submitted();
const spec = {
  prompt,
  system,
  model,
  maxTokens,
  temperature,
  maxAttempts,
  timeoutMs,
  tenant,
  idempotencyKey,
  metadata,
  priority: "normal" as const,
};
const create = (o: Partial<CreateTask> = {}): CreateTask => ({ type: "CreateTask", taskId: TASK_ID, spec, ...o });
const parent = (...events: TaskEvent[]) => ({
  id: PARENT_ID,
  state: foldEvents(events.map((e) => ({ ...e, taskId: PARENT_ID }))),
});

describe("CreateTask", () => {
  it("given no task, then TaskSubmitted with what was asked, due now", () => {
    expect(when(create())).toEqual([ev.submitted({ at })]);
  });

  it("runs at runAt (normalised) or delaySeconds from now", () => {
    expect(when(create({ runAt: "2026-11-22T12:00:00+01:00" }))).toMatchObject([{ runAt: "2026-11-22T11:00:00.000Z" }]);
    expect(when(create({ delaySeconds: 90 }))).toMatchObject([{ runAt: "2026-11-22T10:31:30.000Z" }]);
  });

  it("under a live or completed parent of the same tenant, then TaskChained", () => {
    expect(when(create({ parents: [parent(ev.submitted(), ev.queued())] }))).toEqual([
      ev.chained({ at, prompt: "hello", depth: 1 }),
    ]);
    expect(when(create({ parents: [parent(ev.submitted(), ev.queued(), ev.completed())] }))).toMatchObject([
      { type: "TaskChained" },
    ]);
  });

  it("under a missing parent or another tenant's, then not found", () => {
    expect(() => when(create({ parents: [{ id: PARENT_ID, state: null }] }))).toThrow(TaskNotFoundError);
    expect(() => when(create({ parents: [parent(ev.submitted({ tenant: "other" }))] }))).toThrow(TaskNotFoundError);
  });

  it("under a failed or cancelled parent, then illegal", () => {
    expect(() => when(create({ parents: [parent(ev.submitted(), ev.cancelled())] }))).toThrow(IllegalTransitionError);
    expect(() => when(create({ parents: [parent(ev.submitted(), ev.queued(), ev.failed())] }))).toThrow(
      IllegalTransitionError,
    );
  });

  it("under several parents, then TaskChained naming them all in order, one deeper than the deepest", () => {
    const other = "1f6a2d3b-1c4f-4b8a-9d2e-7f5a6b4c3d22";
    const deep = { id: other, state: foldEvents([ev.chained({ taskId: other, depth: 4 })]) };
    expect(when(create({ parents: [parent(ev.submitted()), deep], onParentFailure: "continue" }))).toMatchObject([
      {
        type: "TaskChained",
        parentId: PARENT_ID,
        parentIds: [PARENT_ID, other],
        onParentFailure: "continue",
        depth: 5,
      },
    ]);
  });

  it("under a dead parent among live ones: illegal for cascade, accepted for continue unless all are dead", () => {
    const other = "1f6a2d3b-1c4f-4b8a-9d2e-7f5a6b4c3d22";
    const live = { id: other, state: foldEvents([ev.submitted({ taskId: other })]) };
    const dead = parent(ev.submitted(), ev.cancelled());
    expect(() => when(create({ parents: [dead, live], onParentFailure: "cascade" }))).toThrow(IllegalTransitionError);
    expect(when(create({ parents: [dead, live], onParentFailure: "continue" }))).toMatchObject([
      { type: "TaskChained" },
    ]);
    expect(() => when(create({ parents: [dead], onParentFailure: "continue" }))).toThrow(IllegalTransitionError);
  });

  it("given the task exists, then illegal", () => {
    expect(() => when(create(), given(ev.submitted()))).toThrow(IllegalTransitionError);
  });
});

describe("CancelTask", () => {
  const cancel: Command = { type: "CancelTask", taskId: TASK_ID, reason: "user" };

  it("given a live task, then TaskCancelled with the reason", () => {
    expect(when(cancel, given(ev.submitted(), ev.queued(), ev.started()))).toEqual([
      { type: "TaskCancelled", v: 1, taskId: TASK_ID, at, reason: "user" },
    ]);
  });

  it("given a cancelled task, then nothing (idempotent)", () => {
    expect(when(cancel, given(ev.submitted(), ev.cancelled()))).toEqual([]);
  });

  it("given a finished task, then illegal; given none, then not found", () => {
    expect(() => when(cancel, given(ev.submitted(), ev.queued(), ev.completed()))).toThrow(IllegalTransitionError);
    expect(() => when(cancel)).toThrow(TaskNotFoundError);
  });
});

describe("RetryTask", () => {
  const retry: Command = { type: "RetryTask", taskId: TASK_ID };

  it("given a failed task, then TaskRetryRequested for the next generation", () => {
    expect(when(retry, given(ev.submitted(), ev.queued(), ev.failed()))).toEqual([
      { type: "TaskRetryRequested", v: 1, taskId: TASK_ID, at, gen: 2 },
    ]);
  });

  it("given a task that has not failed, then illegal; given none, then not found", () => {
    expect(() => when(retry, given(ev.submitted(), ev.queued()))).toThrow(/cannot retry .* it is queued/);
    expect(() => when(retry)).toThrow(TaskNotFoundError);
  });
});

describe("issuedBy: the API key a command came with", () => {
  const live = () => given(ev.submitted(), ev.queued());

  it("is recorded in TaskSubmitted, TaskChained, TaskCancelled and TaskRetryRequested", () => {
    const issuedBy = "k1a2b3c4";
    expect(when(create({ issuedBy }))).toMatchObject([{ type: "TaskSubmitted", issuedBy }]);
    expect(when(create({ issuedBy, parents: [parent(ev.submitted())] }))).toMatchObject([
      { type: "TaskChained", issuedBy },
    ]);
    expect(when({ type: "CancelTask", taskId: TASK_ID, reason: "user", issuedBy }, live())).toMatchObject([
      { type: "TaskCancelled", issuedBy },
    ]);
    expect(
      when({ type: "RetryTask", taskId: TASK_ID, issuedBy }, given(ev.submitted(), ev.queued(), ev.failed())),
    ).toMatchObject([{ type: "TaskRetryRequested", issuedBy }]);
  });

  it("is absent without a key (auth off), and events without it still decode", () => {
    const [event] = when(create({ issuedBy: null }));
    expect(event).not.toHaveProperty("issuedBy");
    expect(TaskEvent.parse(ev.submitted())).not.toHaveProperty("issuedBy");
    expect(TaskEvent.parse({ ...ev.cancelled(), issuedBy: "k1a2b3c4" })).toMatchObject({ issuedBy: "k1a2b3c4" });
  });
});
