import { describe, expect, it } from "vitest";
import { createDeltaMerger, createTaskVersions } from "./merge.ts";
import type { Delta, Task } from "./types.ts";

const ID = "00000000-0000-4000-8000-000000000001";
const d = (index: number, text: string, attempt = 1, gen = 1): Delta => ({ taskId: ID, gen, attempt, index, text });
const texts = (ds: Delta[]) => ds.map((x) => x.text).join("");

describe("output deltas through a reconnect", () => {
  it("a replay from the start after a reconnect gives only what was not given yet", () => {
    const m = createDeltaMerger();
    const given = [d(0, "Hel"), d(1, "lo ")].flatMap((x) => m.accept(x));
    // the socket broke; the gateway replays from index 0, then goes on live
    const after = [d(0, "Hel"), d(1, "lo "), d(2, "wor"), d(3, "ld")].flatMap((x) => m.accept(x));
    expect(texts(given)).toBe("Hello ");
    expect(texts(after)).toBe("world");
  });

  it("a piece that comes early waits for the ones before it: no hole, nothing twice", () => {
    const m = createDeltaMerger();
    expect(m.accept(d(0, "a"))).toHaveLength(1);
    expect(m.accept(d(2, "c"))).toEqual([]);
    expect(texts(m.accept(d(1, "b")))).toBe("bc");
    expect(m.accept(d(2, "c"))).toEqual([]);
  });

  it("a new attempt starts afresh, and an older attempt's replay is dropped", () => {
    const m = createDeltaMerger();
    m.accept(d(0, "first try", 1));
    expect(texts(m.accept(d(0, "second", 2)))).toBe("second");
    expect(m.accept(d(1, " of the first", 1))).toEqual([]);
    expect(texts(m.accept(d(0, "retried", 1, 2)))).toBe("retried");
    expect(m.place).toEqual({ gen: 2, attempt: 1, next: 1 });
  });
});

describe("task versions through a reconnect", () => {
  const task = (status: Task["status"], updatedAt: string, attempts = 0) =>
    ({ id: ID, status, updatedAt, attempts }) as Task;

  it("a snapshot sent again is not given twice, and an older version never after a newer", () => {
    const v = createTaskVersions();
    expect(v.accept(task("queued", "2026-11-27T00:00:01.000Z"))).toBe(true);
    expect(v.accept(task("running", "2026-11-27T00:00:02.000Z", 1))).toBe(true);
    expect(v.accept(task("running", "2026-11-27T00:00:02.000Z", 1))).toBe(false);
    expect(v.accept(task("queued", "2026-11-27T00:00:01.000Z"))).toBe(false);
    expect(v.accept(task("completed", "2026-11-27T00:00:02.000Z", 1))).toBe(true);
    expect(v.latestChange).toBe(Date.parse("2026-11-27T00:00:02.000Z"));
  });
});
