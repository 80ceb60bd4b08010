import { randomUUID } from "node:crypto";
import type { Subscription } from "@nats-io/transport-node";
import { decodeEvent, type EventOf, type TaskEvent } from "@taskjet/events";
import {
  type Bodies,
  getInputBody,
  inputLimits,
  openBodies,
  publishEvent,
  putBody,
  withInputBody,
} from "@taskjet/runtime";
import { createTestContext, ev, type TestContext } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScheduler } from "./scheduler.ts";

let ctx: TestContext;
let running: Awaited<ReturnType<typeof startScheduler>>;
let bodies: Bodies;
let executor: Subscription;
const LIMIT = 1024;

/**
 * Stands in for the executor with claim checks: it reads a claim-checked input from the object store and
 * answers `out(<prompt>)`, storing a reply past the limit as the executor does.
 */
function runClaimCheckingExecutor() {
  return ctx.nc.subscribe(ctx.subjects.ofType("TaskQueued"), {
    callback: (_err, msg) => {
      const d = decodeEvent(msg.data);
      if (!d.ok || d.event.type !== "TaskQueued") return;
      const { taskId, gen, input } = d.event;
      void (async () => {
        const full =
          input.inputRef === undefined ? input : withInputBody(input, await getInputBody(bodies, input.inputRef));
        const output = `out(${full.prompt})`;
        const outputRef =
          output.length > LIMIT ? await putBody(bodies, `output/${taskId}/${gen}/1`, { output }) : undefined;
        const at = new Date().toISOString();
        await publishEvent(ctx.js, ctx.subjects, {
          ...ev.completed({ taskId, gen, attempt: 1, at }),
          output: outputRef === undefined ? output : "",
          ...(outputRef === undefined ? {} : { outputRef }),
        });
      })();
    },
  });
}

beforeAll(async () => {
  ctx = await createTestContext("schedcc", { CLAIM_CHECK_BYTES: String(LIMIT) });
  running = await startScheduler(
    { ...ctx, now: () => new Date(), limits: inputLimits(ctx.config) },
    { ackWaitMs: 5000, config: ctx.config },
  );
  bodies = await openBodies(ctx.js, ctx.names, ctx.config);
  executor = runClaimCheckingExecutor();
});
afterAll(async () => {
  executor.unsubscribe();
  await Promise.all(running.map((r) => r.stop(1000)));
  await ctx.cleanup();
});

const at = () => new Date().toISOString();
const until = (taskId: string, type: TaskEvent["type"]) => ctx.historyWith(taskId, type);
const queuedOf = (h: TaskEvent[]) => h.find((e): e is EventOf<"TaskQueued"> => e.type === "TaskQueued");

describe("chains over claim-checked bodies", () => {
  it("a child renders on its parent's stored reply and is queued with its own input stored", async () => {
    const parentId = randomUUID();
    await ctx.publish(ev.submitted({ taskId: parentId, prompt: "p".repeat(2000), at: at() }));
    const hp = await until(parentId, "TaskCompleted");
    expect(hp.at(-1)).toMatchObject({ output: "", outputRef: { name: `output/${parentId}/1/1` } });

    const childId = randomUUID();
    await ctx.publish(ev.chained({ taskId: childId, parentId, prompt: "[{{parent.output}}]", at: at() }));
    const hc = await until(childId, "TaskQueued");
    const ref = queuedOf(hc)?.input.inputRef;
    expect(ref?.name).toBe(`input/${childId}/1`);
    if (ref === undefined) throw new Error("no inputRef");
    expect((await getInputBody(bodies, ref)).prompt).toBe(`[out(${"p".repeat(2000)})]`);
  });

  it("a child created with a stored input renders on its template and stores the rendered input anew, however small", async () => {
    const parentId = randomUUID();
    await ctx.publish(ev.submitted({ taskId: parentId, prompt: "short", at: at() }));
    await until(parentId, "TaskCompleted");
    const childId = randomUUID();
    const template = { prompt: "{{parent.output}}", system: "be brief" }; // small: stored anew all the same
    const inputRef = await putBody(bodies, `input/${childId}`, template);
    await ctx.publish(ev.chained({ taskId: childId, parentId, prompt: "", system: null, inputRef, at: at() }));
    const hc = await until(childId, "TaskQueued");
    const ref = queuedOf(hc)?.input.inputRef;
    expect(ref?.name).toBe(`input/${childId}/1`);
    if (ref === undefined) throw new Error("no inputRef");
    expect(await getInputBody(bodies, ref)).toEqual({ prompt: "out(short)", system: "be brief" });
  });
});
