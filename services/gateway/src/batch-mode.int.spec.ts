import { migrate, projectBatch } from "@taskjet/read-model";
import { readHistory } from "@taskjet/runtime";
import { createTestContext, ev, type TestContext } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "./app.ts";

let ctx: TestContext;
let app: Awaited<ReturnType<typeof buildApp>>;

beforeAll(async () => {
  ctx = await createTestContext("gwbatchmode", { LLM_PROVIDER: "fake" });
  await migrate(ctx.db, ctx.names, ctx.log);
  app = await buildApp({ ...ctx, now: () => new Date() });
});
afterAll(async () => {
  await app.close();
  await ctx.cleanup();
});

const post = (url: string, payload: object) => app.inject({ method: "POST", url, payload });
const project = async (id: string) =>
  projectBatch(ctx.db, await readHistory(ctx.js, ctx.jsm, ctx.names, ctx.subjects, id), ctx.log);

describe("mode on the API", () => {
  it("a task is `now` unless it asks for `batch`; its creating event says batch only when asked", async () => {
    const plain = await post("/tasks", { prompt: "now please" });
    expect(plain.statusCode).toBe(202);
    expect(plain.json()).toMatchObject({ mode: "now", batchId: null });
    expect((await ctx.history(plain.json().id))[0]).not.toHaveProperty("mode");
    const batch = await post("/tasks", { prompt: "whenever", mode: "batch" });
    expect(batch.statusCode).toBe(202);
    expect(batch.json()).toMatchObject({ mode: "batch", batchId: null });
    expect((await ctx.history(batch.json().id))[0]).toMatchObject({ type: "TaskSubmitted", mode: "batch" });
  });

  it("chain and bulk submit take it too", async () => {
    const parent = (await post("/tasks", { prompt: "parent" })).json().id as string;
    const chained = await post(`/tasks/${parent}/chain`, { prompt: "then {{parent.output}}", mode: "batch" });
    expect(chained.statusCode).toBe(202);
    expect(chained.json()).toMatchObject({ mode: "batch" });
    const bulk = await post("/tasks/batch", { tasks: [{ prompt: "a", mode: "batch" }, { prompt: "b" }] });
    expect(bulk.statusCode).toBe(202);
    expect(bulk.json().tasks.map((t: { mode: string }) => t.mode)).toEqual(["batch", "now"]);
  });

  it("refuses batch mode where there is no batch API, naming the field", async () => {
    const res = await post("/tasks", { prompt: "x", mode: "batch", provider: "openai" });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: "invalid_request", details: [{ path: "body.mode" }] });
    expect((await post("/tasks", { prompt: "x", mode: "later" })).statusCode).toBe(400);
  });

  it("the resource shows the batch its attempt is in, from the read model", async () => {
    const id = (await post("/tasks", { prompt: "in a batch", mode: "batch" })).json().id as string;
    await ctx.publish(ev.queued({ taskId: id, mode: "batch" }));
    await ctx.publish(ev.batched({ taskId: id, batchId: "msgbatch_01XYZ" }));
    await project(id);
    const res = await app.inject({ method: "GET", url: `/tasks/${id}` });
    expect(res.json()).toMatchObject({ status: "running", mode: "batch", batchId: "msgbatch_01XYZ" });
  });
});
