import { describe, expect, it } from "vitest";
import { BatchEntry, batchCustomId, batchEntry, batchKeys, parseBatchEntry } from "./batches.ts";
import { decide } from "./decide/decide.ts";
import { TASK_ID } from "./fixtures.ts";

const ref = { taskId: TASK_ID, gen: 2, attempt: 3, delivery: 41 };

describe("batch records", () => {
  it("an entry says its attempt, and its fallback model's first attempt when it calls one", () => {
    expect(batchEntry({ ref, fallback: null })).toBe(`${TASK_ID}:2:3:41`);
    expect(parseBatchEntry(`${TASK_ID}:2:3:41`, "m")).toEqual({ ref, fallback: null });
    const fallback = { model: "claude-haiku-4-5", since: 2 };
    const entry = batchEntry({ ref, fallback });
    expect(BatchEntry.safeParse(entry).success).toBe(true);
    expect(parseBatchEntry(entry, "claude-haiku-4-5")).toEqual({ ref, fallback });
  });

  it("a custom id is the task and its attempt, within what the Batches API takes", () => {
    const id = batchCustomId(ref);
    expect(id).toBe(`${TASK_ID}_2_3`);
    expect(id).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
  });

  it("keys hold any batch id", () => {
    expect(batchKeys.batch("msgbatch_01Abc")).toBe("batch.msgbatch_01Abc");
    expect(batchKeys.lease("odd/id")).toBe("lease.odd=2f=id");
  });
});

describe("decide BatchAttempt", () => {
  it("a batched attempt is one TaskBatched naming the batch, and its fallback model when it calls one", () => {
    const now = new Date("2026-11-26T10:00:00.000Z");
    const [e] = decide({ type: "BatchAttempt", attempt: ref, executorId: "ex", batchId: "b1" }, null, now);
    expect(e).toEqual({ type: "TaskBatched", v: 1, at: now.toISOString(), ...ref, executorId: "ex", batchId: "b1" });
    const fallback = { model: "claude-haiku-4-5", since: 3 };
    const [f] = decide({ type: "BatchAttempt", attempt: ref, executorId: "ex", batchId: "b1", fallback }, null, now);
    expect(f).toMatchObject({ model: "claude-haiku-4-5" });
  });
});
