import { describe, expect, it } from "vitest";
import { decodeEvent, encodeEvent, HEADER_EVENT, HEADER_MSG_ID, msgIdOf } from "./envelope.ts";
import { EVENT_TYPES, eventKind, type TaskEvent } from "./events.ts";
import { ev, TASK_ID } from "./fixtures.ts";
import { namesFor } from "./names.ts";
import { subjectsFor } from "./subjects.ts";

const subjects = subjectsFor(namesFor(""));
const all: TaskEvent[] = Object.values(ev).map((make) => make());

describe("envelope", () => {
  it("every event type has a fixture", () => {
    expect(new Set(all.map((e) => e.type))).toEqual(new Set(EVENT_TYPES));
  });

  it.each(all.map((e) => [e.type, e] as const))("%s round-trips through encode/decode", (_t, event) => {
    const enc = encodeEvent(subjects, event, "00-abc-def-01");
    expect(enc.subject).toBe(`tasks.${TASK_ID}.${eventKind(event.type)}`);
    expect(enc.headers).toMatchObject({
      [HEADER_MSG_ID]: msgIdOf(event),
      [HEADER_EVENT]: event.type,
      traceparent: "00-abc-def-01",
    });
    expect(decodeEvent(enc.data)).toEqual({ ok: true, event });
  });

  it("message ids are deterministic and tell apart generations and attempts", () => {
    expect(msgIdOf(ev.submitted())).toBe(`${TASK_ID}:submitted`);
    expect(msgIdOf(ev.queued({ gen: 2 }))).toBe(`${TASK_ID}:queued:2`);
    expect(msgIdOf(ev.started({ gen: 1, attempt: 3, delivery: 4 }))).toBe(`${TASK_ID}:started:1:3:4`);
    expect(msgIdOf(ev.batched({ gen: 1, attempt: 3, delivery: 4 }))).toBe(`${TASK_ID}:batched:1:3:4`);
    // a rate-limited try keeps its attempt number; its delivery tells it apart
    expect(msgIdOf(ev.attemptFailed({ attempt: 1, delivery: 2 }))).not.toBe(
      msgIdOf(ev.attemptFailed({ attempt: 1, delivery: 1 })),
    );
    const ids = all.map(msgIdOf);
    expect(new Set(ids).size).toBe(ids.length);
    expect(msgIdOf(ev.started({ attempt: 2 }))).not.toBe(msgIdOf(ev.started({ attempt: 3 })));
  });

  it("refuses to encode an invalid event", () => {
    expect(() => encodeEvent(subjects, { ...ev.submitted(), maxTokens: -1 })).toThrow();
    expect(() => encodeEvent(subjects, { ...ev.cancelled(), taskId: "nope" })).toThrow();
  });

  it.each([
    ["not JSON", "{oops", /not JSON/],
    ["an unknown type", JSON.stringify({ type: "TaskExploded", v: 1, taskId: TASK_ID }), /unknown event type/],
    ["no type", JSON.stringify({ v: 1 }), /unknown event type/],
    ["null", "null", /unknown event type/],
    ["a missing field", JSON.stringify({ ...ev.completed(), output: undefined }), /invalid TaskCompleted/],
    ["a wrong version", JSON.stringify({ ...ev.submitted(), v: 2 }), /invalid TaskSubmitted/],
  ])("decoding %s fails without throwing", (_what, raw, reason) => {
    const d = decodeEvent(new TextEncoder().encode(raw));
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.reason).toMatch(reason);
  });
});

describe("subjects and names", () => {
  it("kinds are the lower-kebab form of the type", () => {
    expect(EVENT_TYPES.map(eventKind)).toEqual([
      "submitted",
      "chained",
      "cancelled",
      "retry-requested",
      "scheduled",
      "awaiting-parent",
      "queued",
      "waiting",
      "started",
      "attempt-failed",
      "completed",
      "failed",
      "batched",
    ]);
  });

  it("the empty namespace gives the contract names", () => {
    expect(namesFor("")).toMatchObject({
      stream: "TASKS",
      subjectRoot: "tasks",
      outputStream: "TASK_OUTPUT",
      schema: "taskjet",
    });
    expect(subjects.ofType("TaskQueued")).toBe("tasks.*.queued");
    expect(subjects.task(TASK_ID)).toBe(`tasks.${TASK_ID}.>`);
    expect(subjects.output(TASK_ID)).toBe(`output.${TASK_ID}`);
  });

  it("a namespace prefixes everything", () => {
    const n = namesFor("t_a1");
    expect(n).toMatchObject({
      stream: "T_A1_TASKS",
      subjectRoot: "t_a1.tasks",
      outputStream: "T_A1_TASK_OUTPUT",
      schema: "t_a1",
    });
    const s = subjectsFor(n);
    expect(s.event(TASK_ID, "TaskFailed")).toBe(`t_a1.tasks.${TASK_ID}.failed`);
    expect(s.taskIdOf(`t_a1.tasks.${TASK_ID}.failed`)).toBe(TASK_ID);
    expect(s.taskIdOf(`tasks.${TASK_ID}.failed`)).toBeNull();
  });

  it.each(["Upper", "with-dash", "a.b", "1abc", "x".repeat(41)])("rejects the namespace %j", (ns) => {
    expect(() => namesFor(ns)).toThrow(/namespace/);
  });
});
