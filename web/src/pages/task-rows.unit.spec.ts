import { describe, expect, it } from "vitest";
import type { Task } from "../api/client.ts";
import { type Filters, filtersFrom, mergeRows } from "./task-rows.ts";

const STATUSES = ["queued", "running", "completed", "failed"] as const;
const PARENT = "8d100074-3c1b-4f7e-9a55-1d2f6b0c7e21";
const NONE: Filters = { status: [], parentId: undefined, createdAfter: undefined, createdBefore: undefined };

/** A task created at minute `m` (so newer tasks have larger m), last changed at second `s` of the hour. */
function task(id: string, m: number, fields: Partial<Task> = {}, s = 0): Task {
  const at = `2026-11-26T10:${String(m).padStart(2, "0")}:00.000Z`;
  return {
    id,
    status: "queued",
    createdAt: at,
    updatedAt: new Date(Date.parse(at) + s * 1000).toISOString(),
    parentId: null,
    ...fields,
  } as Task;
}
const ids = (rows: Task[]) => rows.map((t) => t.id);

describe("filtersFrom: the list's filters as the URL holds them", () => {
  it("given no query, filters nothing", () => {
    expect(filtersFrom(new URLSearchParams(""), STATUSES)).toEqual(NONE);
  });

  it("keeps the statuses it knows, a parent that is a task id, and local times as instants", () => {
    const q = new URLSearchParams({
      status: "failed,bogus,running",
      parentId: PARENT,
      after: "2026-11-26T10:00",
      before: "2026-11-27T09:30",
    });
    expect(filtersFrom(q, STATUSES)).toEqual({
      status: ["failed", "running"],
      parentId: PARENT,
      createdAfter: new Date(2026, 10, 26, 10, 0).toISOString(),
      createdBefore: new Date(2026, 10, 27, 9, 30).toISOString(),
    });
  });

  it("drops what it cannot read instead of failing the page: a parent that is no id, a time that is no time", () => {
    const q = new URLSearchParams({ parentId: "not-a-task", after: "yesterday-ish", before: "2026-13-45T99:99" });
    expect(filtersFrom(q, STATUSES)).toEqual(NONE);
  });
});

describe("mergeRows: the fetched pages overlaid with what the WebSocket pushed", () => {
  const page = [task("c", 30), task("b", 20), task("a", 10)];

  it("given nothing pushed, is the pages, newest first", () => {
    expect(ids(mergeRows([page.slice(0, 2), page.slice(2)], new Map(), NONE, false))).toEqual(["c", "b", "a"]);
  });

  it("puts a new task that matches in its place, and leaves out one that does not", () => {
    const pushed = new Map([
      ["d", task("d", 40)],
      ["e", task("e", 25, { status: "failed" })],
    ]);
    const queued = { ...NONE, status: ["queued" as const] };
    expect(ids(mergeRows([page], pushed, queued, false))).toEqual(["d", "c", "b", "a"]);
  });

  it("replaces a row with a newer version, and takes it away when its new status leaves the filter", () => {
    const queued = { ...NONE, status: ["queued" as const] };
    const newer = new Map([["b", task("b", 20, { status: "running" }, 5)]]);
    expect(ids(mergeRows([page], newer, queued, false))).toEqual(["c", "a"]);
    expect(mergeRows([page], newer, NONE, false).find((t) => t.id === "b")?.status).toBe("running");
  });

  it("keeps the row it has when the pushed version is older", () => {
    const held = [task("b", 20, { status: "completed" }, 9)];
    const older = new Map([["b", task("b", 20, { status: "running" }, 5)]]);
    expect(mergeRows([held], older, NONE, false)[0]?.status).toBe("completed");
  });

  it("with more pages on the server, leaves a pushed task past the last row to the page it belongs to", () => {
    const old = new Map([["z", task("z", 5)]]);
    expect(ids(mergeRows([page], old, NONE, true))).toEqual(["c", "b", "a"]);
    expect(ids(mergeRows([page], old, NONE, false))).toEqual(["c", "b", "a", "z"]);
  });

  it("shows a pushed child under its parent's filter, and not a task created outside the time filter", () => {
    const f = { ...NONE, parentId: PARENT, createdAfter: "2026-11-26T10:15:00.000Z" };
    const pushed = new Map([
      ["child", task("child", 35, { parentId: PARENT })],
      ["early", task("early", 12, { parentId: PARENT })],
      ["other", task("other", 36)],
    ]);
    expect(ids(mergeRows([[]], pushed, f, false))).toEqual(["child"]);
  });
});
