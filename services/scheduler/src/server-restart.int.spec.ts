import { randomUUID } from "node:crypto";
import type { Subscription } from "@nats-io/transport-node";
import {
  createTestContext,
  ev,
  natsServerBinary,
  runTestExecutor,
  type SpawnedService,
  scheduleTimers,
  spawnService,
  startPrivateNats,
  type TestContext,
  waitFor,
} from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Restarting a server needs one of this file's own: the shared one serves every other test file.
const bin = natsServerBinary();

describe.skipIf(bin === null)("scheduler × a NATS server restart", () => {
  let nats: Awaited<ReturnType<typeof startPrivateNats>>;
  let ctx: TestContext;
  let executor: Subscription;
  let scheduler: SpawnedService;

  beforeAll(async () => {
    nats = await startPrivateNats(bin as string);
    ctx = await createTestContext("schednats", { NATS_URL: nats.url });
    executor = runTestExecutor(ctx.nc, ctx.js, ctx.subjects);
    // A short ack wait, so that a timer later than it shows the held message was not handed back meanwhile.
    scheduler = spawnService("scheduler", { ...ctx.env, SCHEDULER_ACK_WAIT_SECONDS: "1" });
    await scheduler.ready;
  });
  afterAll(async () => {
    scheduler?.child.kill("SIGKILL");
    executor?.unsubscribe();
    await ctx?.cleanup();
    await nats?.close();
  });

  it("fires every held timer once and never early when the server restarts while they wait", async () => {
    const timers = await scheduleTimers(ctx, 3000);
    await nats.restart(500);
    const { queued, latenessMs } = await timers.fired("a NATS server restart");
    expect(queued).toHaveLength(100);
    expect(new Set(queued).size).toBe(100);
    expect(Math.min(...latenessMs)).toBeGreaterThanOrEqual(0); // held messages may come back early: re-checked
  });

  it("holds a timer days ahead on the server without redelivering it", async () => {
    const taskId = randomUUID();
    const runAt = new Date(Date.now() + 3 * 24 * 3600 * 1000).toISOString();
    await ctx.publish(ev.submitted({ taskId, at: new Date().toISOString(), runAt }));
    await waitFor(async () => (await ctx.history(taskId)).find((e) => e.type === "TaskScheduled"));
    // A marker due past the ack wait: once it has fired, the far timer has outlived an ack wait on the server.
    const marker = randomUUID();
    await ctx.publish(
      ev.submitted({ taskId: marker, at: new Date().toISOString(), runAt: new Date(Date.now() + 1500).toISOString() }),
    );
    await waitFor(async () => (await ctx.history(marker)).some((e) => e.type === "TaskQueued"), {
      what: "the marker fired",
    });
    const history = await ctx.history(taskId);
    expect(history.map((e) => e.type)).toEqual(["TaskSubmitted", "TaskScheduled"]);
    expect(history[1]).toMatchObject({ runAt });
    const consumers = await ctx.jsm.consumers.list(ctx.names.stream).next();
    const holder = consumers.find((c) => c.config.filter_subject === ctx.subjects.ofType("TaskSubmitted"));
    expect(holder?.num_ack_pending).toBe(1); // held, not dropped
    expect(holder?.num_redelivered).toBe(0); // and not bounced back early
  });
});
