import { describe, expect, it } from "vitest";
import { deltaAfter, deltaEventId, parseDeltaEventId, sseFrame } from "./sse.ts";

describe("Server-Sent Events frames", () => {
  it("writes an event as id, event and one line of JSON data, ended by a blank line", () => {
    expect(sseFrame("delta", { text: "a\nb" }, "1.2.3")).toBe('id: 1.2.3\nevent: delta\ndata: {"text":"a\\nb"}\n\n');
    expect(sseFrame("end", { status: "completed" })).toBe('event: end\ndata: {"status":"completed"}\n\n');
  });

  it("reads back the ids it writes, and refuses anything else", () => {
    expect(parseDeltaEventId(deltaEventId({ gen: 2, attempt: 3, index: 14 }))).toEqual([2, 3, 14]);
    expect(parseDeltaEventId(undefined)).toBeNull();
    expect(parseDeltaEventId("")).toBeNull();
    for (const bad of ["1.2", "a.b.c", "1.2.3.4", "-1.0.0", ["1.2.3"]]) expect(parseDeltaEventId(bad)).toBe("invalid");
  });

  it("orders deltas by generation, then attempt, then index", () => {
    const place = [2, 1, 5] as const;
    expect(deltaAfter({ gen: 2, attempt: 1, index: 6 }, place)).toBe(true);
    expect(deltaAfter({ gen: 2, attempt: 1, index: 5 }, place)).toBe(false);
    expect(deltaAfter({ gen: 2, attempt: 2, index: 0 }, place)).toBe(true);
    expect(deltaAfter({ gen: 3, attempt: 1, index: 0 }, place)).toBe(true);
    expect(deltaAfter({ gen: 1, attempt: 9, index: 99 }, place)).toBe(false);
  });
});
