import { randomUUID } from "node:crypto";
import { migrate, projectBatch } from "@taskjet/read-model";
import { readHistory } from "@taskjet/runtime";
import { createTestContext, ev, type TestContext } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "./app.ts";

let ctx: TestContext;
let app: Awaited<ReturnType<typeof buildApp>>;

beforeAll(async () => {
  ctx = await createTestContext("gwfanin", { FANIN_MAX_PARENTS: "3", CHAIN_MAX_DEPTH: "2", MAX_PROMPT_CHARS: "1000" });
  await migrate(ctx.db, ctx.names, ctx.log);
  app = await buildApp({ ...ctx, now: () => new Date() });
});
afterAll(async () => {
  await app.close();
  await ctx.cleanup();
});

const post = (url: string, payload: object) => app.inject({ method: "POST", url, payload });
const submit = async (body: object = { prompt: "hi" }) => {
  const res = await post("/tasks", body);
  expect(res.statusCode).toBe(202);
  return (res.json() as { id: string }).id;
};
const problemOf = async (body: object) => {
  const res = await post("/tasks", body);
  expect(res.statusCode).toBe(400);
  return res.json().error as { code: string; message: string; details: { path: string }[] };
};

describe("POST /tasks with parentIds", () => {
  it("creates a fan-in task under every parent, in order, cascading by default", async () => {
    const parents = [await submit(), await submit(), await submit()];
    const res = await post("/tasks", { prompt: "{{parents.output}}", parentIds: parents });
    expect(res.statusCode).toBe(202);
    const task = res.json();
    expect(task).toMatchObject({ parentId: parents[0], parentIds: parents, onParentFailure: "cascade" });
    expect((await ctx.history(task.id))[0]).toMatchObject({
      type: "TaskChained",
      parentId: parents[0],
      parentIds: parents,
      onParentFailure: "cascade",
      depth: 1,
    });
    const read = await app.inject({ method: "GET", url: `/tasks/${task.id}` });
    expect(read.json()).toMatchObject({ parentIds: parents, onParentFailure: "cascade" });
  });

  it("is listed under each of its parents", async () => {
    const parents = [await submit(), await submit()];
    const child = await submit({ prompt: "x", parentIds: parents });
    const chained = (await post(`/tasks/${parents[1]}/chain`, { prompt: "y" })).json().id as string;
    for (const id of [...parents, child, chained]) {
      await projectBatch(ctx.db, await readHistory(ctx.js, ctx.jsm, ctx.names, ctx.subjects, id), ctx.log);
    }
    const listed = async (parentId: string | undefined) =>
      ((await app.inject({ method: "GET", url: `/tasks?parentId=${parentId}` })).json().tasks as { id: string }[]).map(
        (t) => t.id,
      );
    expect(await listed(parents[0])).toEqual([child]);
    expect(await listed(parents[1])).toEqual([chained, child]);
  });

  it("a task of its own and a single chain show their parents too", async () => {
    const parent = await submit();
    expect((await app.inject({ method: "GET", url: `/tasks/${parent}` })).json()).toMatchObject({
      parentId: null,
      parentIds: [],
    });
    const chained = await post(`/tasks/${parent}/chain`, { prompt: "{{parent.output}}" });
    expect(chained.json()).toMatchObject({ parentId: parent, parentIds: [parent], onParentFailure: "cascade" });
  });

  it("answers 404 naming a parent that does not exist", async () => {
    const missing = randomUUID();
    const res = await post("/tasks", { prompt: "x", parentIds: [await submit(), missing] });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({ code: "not_found" });
    expect(res.json().error.message).toContain(missing);
  });

  it("answers 400 for duplicates, too many parents, none, or onParentFailure alone", async () => {
    const a = await submit();
    expect((await problemOf({ prompt: "x", parentIds: [a, a] })).details).toEqual([
      { path: "body.parentIds", message: "each parent once" },
    ]);
    const four = [a, randomUUID(), randomUUID(), randomUUID()];
    expect((await problemOf({ prompt: "x", parentIds: four })).details[0]?.path).toBe("body.parentIds");
    expect((await problemOf({ prompt: "x", parentIds: [] })).details[0]?.path).toBe("body.parentIds");
    expect((await problemOf({ prompt: "x", parentIds: ["nope"] })).details[0]?.path).toBe("body.parentIds.0");
    expect((await problemOf({ prompt: "x", onParentFailure: "continue" })).details[0]?.path).toBe(
      "body.onParentFailure",
    );
    expect((await problemOf({ prompt: "x", parentIds: [a], onParentFailure: "maybe" })).details[0]?.path).toBe(
      "body.onParentFailure",
    );
  });

  it("answers 400 naming body.parentIds past CHAIN_MAX_DEPTH, counted from the deepest parent", async () => {
    const root = await submit();
    const one = await submit({ prompt: "1", parentIds: [root] });
    const two = await submit({ prompt: "2", parentIds: [root, one] });
    const error = await problemOf({ prompt: "3", parentIds: [root, two] });
    expect(error).toMatchObject({ code: "invalid_request", details: [{ path: "body.parentIds" }] });
    expect(error.message).toMatch(/3 generations .* the limit is 2/);
    expect((await post(`/tasks/${two}/chain`, { prompt: "3" })).statusCode).toBe(400);
  });

  it("cascade refuses a parent that failed or was cancelled; continue takes it beside a live one", async () => {
    const live = await submit();
    const dead = await submit();
    expect((await post(`/tasks/${dead}/cancel`, {})).statusCode).toBe(202);
    expect((await post("/tasks", { prompt: "x", parentIds: [live, dead] })).statusCode).toBe(409);
    const res = await post("/tasks", { prompt: "x", parentIds: [live, dead], onParentFailure: "continue" });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ onParentFailure: "continue" });
    expect((await post("/tasks", { prompt: "x", parentIds: [dead], onParentFailure: "continue" })).statusCode).toBe(
      409,
    );
  });

  it("refuses at once a fan-in whose rendered prompt would pass the limit when every parent has completed", async () => {
    const parents = [await submit(), await submit()];
    for (const taskId of parents) {
      await ctx.publish(ev.queued({ taskId }));
      await ctx.publish(ev.completed({ taskId, output: "o".repeat(600) }));
    }
    const res = await post("/tasks", { prompt: "{{parents.output}}", parentIds: parents });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: "prompt_too_long" });
    expect((await post("/tasks", { prompt: "{{parents.1.output}}", parentIds: parents })).statusCode).toBe(202);
  });
});
