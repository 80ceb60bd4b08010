import { migrate, projectBatch } from "@taskjet/read-model";
import { readHistory } from "@taskjet/runtime";
import { createTestContext, type TestContext, waitFor } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "./app.ts";
import { projectionsOf } from "./projections.ts";

let ctx: TestContext;
let app: Awaited<ReturnType<typeof buildApp>>;

beforeAll(async () => {
  ctx = await createTestContext("gateway", { MAX_PROMPT_CHARS: "1000" });
  await migrate(ctx.db, ctx.names, ctx.log);
  app = await buildApp({ ...ctx, now: () => new Date() });
});
afterAll(async () => {
  await app.close();
  await ctx.cleanup();
});

describe("gateway: submit and read", () => {
  it("accepts a task with 202, publishes TaskSubmitted with the defaults filled in", async () => {
    const res = await app.inject({ method: "POST", url: "/tasks", payload: { prompt: "hi", metadata: { user: 7 } } });
    expect(res.statusCode).toBe(202);
    const task = res.json();
    expect(task).toMatchObject({
      status: "submitted",
      prompt: "hi",
      maxAttempts: 3,
      timeoutSeconds: 600,
      metadata: { user: 7 },
    });
    expect(res.headers.location).toBe(`/tasks/${task.id}`);
    const [submitted] = await ctx.history(task.id);
    expect(submitted).toMatchObject({
      type: "TaskSubmitted",
      taskId: task.id,
      tenant: "default",
      model: ctx.config.DEFAULT_MODEL,
    });
  });

  it("turns delaySeconds into runAt", async () => {
    const before = Date.now();
    const res = await app.inject({ method: "POST", url: "/tasks", payload: { prompt: "later", delaySeconds: 60 } });
    const runAt = Date.parse(res.json().runAt);
    expect(runAt).toBeGreaterThanOrEqual(before + 60_000);
    expect(runAt).toBeLessThan(Date.now() + 61_000);
  });

  it("never 404s a task it has just accepted: it answers from the stream until the projector catches up", async () => {
    const { id } = (await app.inject({ method: "POST", url: "/tasks", payload: { prompt: "fresh" } })).json();
    const res = await app.inject({ method: "GET", url: `/tasks/${id}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id, status: "submitted", prompt: "fresh" });
  });

  it("waits for the projector when it is about to catch up, and then answers from the read model", async () => {
    // The test projects once the read is waiting for it.
    const deps = { ...ctx, now: () => new Date() };
    const watched = await buildApp(deps);
    const { id } = (await watched.inject({ method: "POST", url: "/tasks", payload: { prompt: "soon" } })).json();
    const reading = watched.inject({ method: "GET", url: `/tasks/${id}` });
    await waitFor(() => projectionsOf(deps).waitingFor(id) > 0, { what: "the read waiting for the projector" });
    // The projector's work, by hand: a row (marked, so the answer shows where it came from), then its notice.
    const history = await readHistory(ctx.js, ctx.jsm, ctx.names, ctx.subjects, id);
    const versions = await projectBatch(ctx.db, history, ctx.log);
    await ctx.db
      .updateTable("tasks")
      .set({ metadata: JSON.stringify({ from: "read model" }) })
      .where("id", "=", id)
      .execute();
    ctx.nc.publish(ctx.subjects.projectedBatch, JSON.stringify({ versions }));
    const res = await reading;
    await watched.close();
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id, status: "submitted", metadata: { from: "read model" } });
  });

  it("reports readiness of NATS and Postgres", async () => {
    const res = await app.inject({ method: "GET", url: "/ready" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: "ok", checks: { postgres: "ok" } });
    expect((await app.inject({ method: "GET", url: "/health" })).json()).toEqual({ status: "ok" });
  });
});
