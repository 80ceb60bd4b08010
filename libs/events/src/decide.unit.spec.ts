import { describe, expect, it } from "vitest";
import {
  assertChainable,
  decideCancel,
  decideChildStart,
  decideRetry,
  decideStart,
  queueChild,
  renderChildPrompt,
} from "./decide.ts";
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

describe("renderChildPrompt", () => {
  it.each([
    ["fills the token", "Translate: {{parent.output}}", "bonjour", "Translate: bonjour"],
    ["fills every token", "{{parent.output}} / {{parent.output}}", "x", "x / x"],
    ["appends after a blank line when the token is absent", "Summarise this", "text", "Summarise this\n\ntext"],
    [
      "keeps an escaped token literal",
      "Write \\{{parent.output}} then {{parent.output}}",
      "o",
      "Write {{parent.output}} then o",
    ],
    ["appends when only escaped tokens are present", "\\{{parent.output}}", "o", "{{parent.output}}\n\no"],
    [
      "never expands the token inside the output",
      "A: {{parent.output}}",
      "{{parent.output}}!",
      "A: {{parent.output}}!",
    ],
    ["takes $ patterns in the output literally", "A: {{parent.output}}", "$& $1 $$", "A: $& $1 $$"],
    [
      "leaves near-miss tokens alone",
      "{{ parent.output }} {{parent.outputs}}",
      "o",
      "{{ parent.output }} {{parent.outputs}}\n\no",
    ],
    ["handles an empty output", "[{{parent.output}}]", "", "[]"],
  ])("%s", (_what, template, output, expected) => {
    expect(renderChildPrompt(template, output)).toBe(expected);
  });
});

describe("a chained child given its parent", () => {
  const limits = { maxPromptChars: 10_000, maxPayloadBytes: 1024 * 1024 };
  const child = (prompt = "{{parent.output}}") => state(ev.chained({ prompt }));
  const parentWith = (output: string) => state(ev.submitted(), ev.queued(), ev.completed({ output }));

  it("runs on a completed parent's output, follows a dead parent, waits on a live one", () => {
    expect(decideChildStart(child("A: {{parent.output}}"), parentWith("o"), now, limits)).toMatchObject({
      type: "TaskQueued",
      input: { prompt: "A: o" },
    });
    expect(decideChildStart(child(), state(ev.submitted(), ev.cancelled()), now, limits)).toMatchObject({
      type: "TaskCancelled",
      reason: "parent-cancelled",
    });
    expect(decideChildStart(child(), null, now, limits)).toMatchObject({ reason: "parent-not-found" });
    expect(decideChildStart(child(), state(ev.submitted(), ev.queued()), now, limits)).toBeNull();
  });

  it("is cancelled, saying the rendered length and the limit, when the rendered prompt is too long", () => {
    const tooLong = decideChildStart(child("{{parent.output}}".repeat(11)), parentWith("x".repeat(1000)), now, limits);
    expect(tooLong).toMatchObject({
      type: "TaskCancelled",
      reason: "prompt_too_long: the rendered prompt is 11000 characters; the limit is 10000",
    });
    expect(queueChild(child("{{parent.output}}".repeat(10)), "x".repeat(1000), now, limits)).toHaveProperty("event");
  });

  it("is cancelled when its work item would not fit in one NATS message", () => {
    const small = { maxPromptChars: 10_000, maxPayloadBytes: 8 * 1024 };
    const q = queueChild(child(), "é".repeat(5000), now, small);
    expect(q).toEqual({
      error: {
        code: "prompt_too_long",
        message: expect.stringMatching(/^the rendered task is \d+ bytes; one NATS message holds at most 8192$/),
      },
    });
  });
});
