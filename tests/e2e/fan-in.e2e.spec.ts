import { fakeOutput } from "@taskjet/executor";
import { createTestContext, type TestContext, waitFor } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { finishedTask, postJson, startSystem } from "./system.ts";

let ctx: TestContext;
let system: Awaited<ReturnType<typeof startSystem>>;
let baseUrl: string;

beforeAll(async () => {
  ctx = await createTestContext("e2e-fanin");
  system = await startSystem(ctx);
  baseUrl = system.baseUrl;
});
afterAll(async () => {
  await system.stop();
  await ctx.cleanup();
});

type Task = { id: string; status: string; output: string | null; cancelReason: string | null; parentIds: string[] };
const submit = async (body: object) => {
  const res = await postJson(`${baseUrl}/tasks`, body);
  expect(res.status).toBe(202);
  return res.body.id;
};
const finished = (id: string) => finishedTask<Task>(baseUrl, id);

describe("fan-in over HTTP", () => {
  it("a fan-in task runs once after its three parents", async () => {
    const parents = [
      await submit({ prompt: "one" }),
      await submit({ prompt: "two", delaySeconds: 0.3 }),
      await submit({ prompt: "three", delaySeconds: 0.6 }),
    ];
    const child = await submit({ prompt: "{{parents.output}}", parentIds: parents });
    const task = await finished(child);
    expect(task).toMatchObject({ status: "completed", parentIds: parents });
    const history = await ctx.history(child);
    expect(history.filter((e) => e.type === "TaskQueued")).toHaveLength(1);
    expect(history.filter((e) => e.type === "TaskStarted")).toHaveLength(1);
    const joined = ["one", "two", "three"].map((p) => fakeOutput(p)).join("\n\n");
    expect(history.find((e) => e.type === "TaskQueued")).toMatchObject({ input: { prompt: joined } });
    const row = await waitFor(
      () =>
        ctx.db
          .selectFrom("tasks")
          .select(["parentIds", "onParentFailure", "depth"])
          .where("id", "=", child)
          .executeTakeFirst(),
      { what: "the fan-in task in the read model" },
    );
    expect(row).toEqual({ parentIds: parents, onParentFailure: "cascade", depth: 1 });
  });

  it("a failed parent cancels a cascading fan-in and leaves a continuing one to run on the others", async () => {
    const ok = await submit({ prompt: "fine", delaySeconds: 0.3 });
    const bad = await submit({ prompt: "[fake:fail] broken", delaySeconds: 0.3 });
    const cascading = await submit({ prompt: "x", parentIds: [ok, bad] });
    const continuing = await submit({
      prompt: "[{{parents.0.output}}|{{parents.1.output}}]",
      parentIds: [ok, bad],
      onParentFailure: "continue",
    });
    expect(await finished(cascading)).toMatchObject({ status: "cancelled", cancelReason: `parent-failed: ${bad}` });
    expect(await finished(continuing)).toMatchObject({ status: "completed" });
    expect((await ctx.history(continuing)).find((e) => e.type === "TaskQueued")).toMatchObject({
      input: { prompt: `[${fakeOutput("fine")}|]` },
    });
  });
});
