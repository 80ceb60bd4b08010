import { fakeOutput } from "@taskjet/executor";
import { createTestContext, type TestContext, waitFor } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postJson, startSystem } from "./system.ts";

let ctx: TestContext;
let system: Awaited<ReturnType<typeof startSystem>>;
let baseUrl: string;

beforeAll(async () => {
  ctx = await createTestContext("e2e");
  system = await startSystem(ctx);
  baseUrl = system.baseUrl;
});
afterAll(async () => {
  await system.stop();
  await ctx.cleanup();
});

describe("end to end over HTTP", () => {
  it("submit → completed with the fake output, in the read model", async () => {
    const res = await postJson(`${baseUrl}/tasks`, { prompt: "hi" });
    expect(res.status).toBe(202);
    const { id } = res.body;
    const task = await waitFor(
      async () => {
        const t = (await (await fetch(`${baseUrl}/tasks/${id}`)).json()) as { status: string };
        return t.status === "completed" ? t : undefined;
      },
      { what: "the task to complete" },
    );
    expect(task).toMatchObject({
      id,
      status: "completed",
      output: fakeOutput("hi"),
      attempts: 1,
      error: null,
      stopReason: "end_turn",
    });
    const row = await ctx.db.selectFrom("tasks").select(["status", "output"]).where("id", "=", id).executeTakeFirst();
    expect(row).toEqual({ status: "completed", output: fakeOutput("hi") });
  });

  it("runs many tasks concurrently, each exactly once", async () => {
    const ids = await Promise.all(
      Array.from(
        { length: 100 },
        async (_, i) => (await postJson(`${baseUrl}/tasks`, { prompt: `task ${i}` })).body.id,
      ),
    );
    await waitFor(
      async () => {
        const rows = await ctx.db
          .selectFrom("tasks")
          .select("status")
          .where("id", "in", ids)
          .where("status", "=", "completed")
          .execute();
        return rows.length === ids.length;
      },
      { what: "100 tasks completed", timeoutMs: 20_000 },
    );
    const started = await Promise.all(
      ids.map(async (id) => (await ctx.history(id)).filter((e) => e.type === "TaskStarted").length),
    );
    expect(started.every((n) => n === 1)).toBe(true);
  });
});
