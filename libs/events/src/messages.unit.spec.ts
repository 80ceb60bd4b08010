import { describe, expect, it } from "vitest";
import { ev, TASK_ID } from "./fixtures.ts";
import { decodeMessage, encodeMessage, OutputDelta, ProjectedNotice } from "./messages.ts";
import { created } from "./state.ts";

const bytes = (s: string) => new TextEncoder().encode(s);
const state = created(ev.submitted());
const delta = { taskId: TASK_ID, gen: 1, attempt: 2, index: 0, text: "Hel", kind: "thinking" as const, block: 0 };

describe("messages on NATS besides events", () => {
  it("a projected notice and an output delta come back as they were sent", () => {
    const notice = { taskId: TASK_ID, seq: 42, state };
    expect(decodeMessage(ProjectedNotice, encodeMessage(ProjectedNotice, notice))).toEqual({
      ok: true,
      message: notice,
    });
    expect(decodeMessage(OutputDelta, encodeMessage(OutputDelta, delta))).toEqual({ ok: true, message: delta });
  });

  it("a delta written before kinds existed reads as answer text", () => {
    const { kind: _, block: __, ...older } = delta;
    expect(decodeMessage(OutputDelta, bytes(JSON.stringify(older)))).toEqual({
      ok: true,
      message: { ...older, kind: "text" },
    });
  });

  it("a malformed message is never sent", () => {
    expect(() => encodeMessage(OutputDelta, { ...delta, index: -1 })).toThrow();
  });

  it("what cannot be read is said, never thrown", () => {
    expect(decodeMessage(OutputDelta, bytes("{not json"))).toMatchObject({ ok: false, reason: /^not JSON/ });
    expect(decodeMessage(OutputDelta, bytes(JSON.stringify({ ...delta, text: 7 })))).toMatchObject({
      ok: false,
      reason: /text/,
    });
    expect(decodeMessage(ProjectedNotice, bytes(JSON.stringify({ taskId: TASK_ID, seq: 1 })))).toMatchObject({
      ok: false,
      reason: /state/,
    });
  });
});
