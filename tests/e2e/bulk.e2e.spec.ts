import type { TaskStatus } from "@taskjet/events";
import { createTestContext, type TestContext, waitFor } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSystem } from "./system.ts";

let ctx: TestContext;
let system: Awaited<ReturnType<typeof startSystem>>;

beforeAll(async () => {
  ctx = await createTestContext("e2ebulk");
  system = await startSystem(ctx);
});
afterAll(async () => {
  await system.stop();
  await ctx.cleanup();
});

const post = async (path: string, body: unknown) => {
  const res = await fetch(`${system.baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const idsOf = (body: Record<string, unknown>) => (body.tasks as { id: string }[]).map((t) => t.id);
const countIn = async (ids: string[], status: TaskStatus) =>
  (await ctx.db.selectFrom("tasks").select("id").where("id", "in", ids).where("status", "=", status).execute()).length;

describe("bulk routes end to end", () => {
  it("runs every task of a batch of 1,000 exactly once", async () => {
    const res = await post("/tasks/batch", { tasks: Array.from({ length: 1000 }, (_, i) => ({ prompt: `b ${i}` })) });
    expect(res.status).toBe(202);
    const ids = idsOf(res.body);
    expect(new Set(ids).size).toBe(1000);
    await waitFor(async () => (await countIn(ids, "completed")) === ids.length, {
      what: "1,000 tasks completed",
      timeoutMs: 60_000,
    });
    const started = await Promise.all(
      ids.map(async (id) => (await ctx.history(id)).filter((e) => e.type === "TaskStarted").length),
    );
    expect(started.every((n) => n === 1)).toBe(true);
  });

  it("cancels by filter what the projector has in the read model, and leaves the finished alone", async () => {
    const later = await post("/tasks/batch", {
      tasks: Array.from({ length: 5 }, (_, i) => ({ prompt: `later ${i}`, delaySeconds: 3600 })),
    });
    const ids = idsOf(later.body);
    await waitFor(async () => (await countIn(ids, "scheduled")) === ids.length, { what: "5 tasks scheduled" });
    const res = await post("/tasks/cancel", { filter: { status: ["scheduled"] }, reason: "not needed" });
    expect(res.status).toBe(200);
    const results = res.body.results as { id: string; outcome: string }[];
    expect(results.filter((r) => ids.includes(r.id)).map((r) => r.outcome)).toEqual(ids.map(() => "cancelled"));
    await waitFor(async () => (await countIn(ids, "cancelled")) === ids.length, { what: "5 tasks cancelled" });
    const again = await post("/tasks/cancel", { filter: { status: ["scheduled"] } });
    expect((again.body.results as { id: string }[]).filter((r) => ids.includes(r.id))).toEqual([]);
  });
});
