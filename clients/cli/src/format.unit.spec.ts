import type { Task } from "@taskjet/client";
import { describe, expect, it } from "vitest";
import { oneLine, table, taskDetails, taskRows, time } from "./format.ts";

const plain = { color: false };
const task = (over: Partial<Task>) =>
  ({
    id: "8d100074-0000-4000-8000-000000000001",
    status: "completed",
    model: "claude-haiku-4-5",
    prompt: "Write a haiku\nabout queues",
    attempts: 1,
    maxAttempts: 3,
    createdAt: "2026-11-27T00:01:02.345Z",
    output: "Fake reply",
    ...over,
  }) as Task;

describe("what a person reads", () => {
  it("a table pads every column but the last to its widest cell, colours taking no room", () => {
    expect(
      table(
        ["A", "BB"],
        [
          ["xxx", "y"],
          ["z", "w"],
        ],
      ),
    ).toBe("A    BB\nxxx  y\nz    w");
    const coloured = taskRows({ color: true }, [task({})]).split("\n");
    const uncoloured = taskRows(plain, [task({})]).split("\n");
    expect(coloured[0]).toBe(uncoloured[0]);
    expect(coloured[1]?.replaceAll("\u001b[32m", "").replaceAll("\u001b[0m", "")).toBe(uncoloured[1]);
  });

  it("a prompt is one line, cut with an ellipsis; times are UTC without the T and the fraction", () => {
    expect(oneLine("a\n b\tc", 10)).toBe("a b c");
    expect(oneLine("abcdefghij", 5)).toBe("abcd…");
    expect(time("2026-11-27T00:01:02.345Z")).toBe("2026-11-27 00:01:02");
    expect(time(null)).toBe("-");
  });

  it("a task shows its fields, then its output; a failed one its error", () => {
    const done = taskDetails(plain, task({}));
    expect(done).toContain("status:    completed");
    expect(done.endsWith("\n\nFake reply")).toBe(true);
    const failed = taskDetails(
      plain,
      task({ status: "failed", output: null, error: { code: "overloaded", message: "529" } }),
    );
    expect(failed).toContain("error:     overloaded: 529");
  });
});
