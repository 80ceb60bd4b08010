import { randomUUID } from "node:crypto";
import { type EventOf, ev } from "@taskjet/events";
import { ensureConsumer } from "@taskjet/runtime";
import { createTestContext, spawnedServices, type TestContext, waitFor } from "@taskjet/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

// What a SIGKILLed scheduler had been handed and not yet acked comes back only after the consumer's ack
// wait: that ack wait (SCHEDULER_ACK_WAIT_SECONDS, default 5 s) bounds how late a timer can fire when its
// scheduler dies at the moment it comes due. It used to be the executor's 30 s.
const ACK_WAIT_MS = 5000;
const TIMERS = 300;

let ctx: TestContext;
const services = spawnedServices();

beforeAll(async () => {
  ctx = await createTestContext("latetimer");
});
afterEach(() => services.killAll());
afterAll(() => ctx.cleanup());

describe("scheduler killed as its timers come due", () => {
  it("another instance fires them within the ack wait of their due time", async () => {
    // A deployment upgraded from the 30 s ack wait: the scheduler updates its durable consumer in place.
    const submittedConsumer = `${ctx.names.consumerPrefix}scheduler-submitted`;
    await ensureConsumer(
      ctx.jsm,
      ctx.names.stream,
      { durable: submittedConsumer, filterSubject: ctx.subjects.ofType("TaskSubmitted"), ackWaitMs: 30_000 },
      ctx.log,
    );
    const first = services.spawn("scheduler", ctx.env);
    await first.ready;
    const consumer = await ctx.jsm.consumers.info(ctx.names.stream, submittedConsumer);
    expect(consumer.config.ack_wait).toBe(ACK_WAIT_MS * 1_000_000);

    const dueAt = new Date(Date.now() + 3000);
    const runAt = dueAt.toISOString();
    const ids = Array.from({ length: TIMERS }, () => randomUUID());
    // The first TaskQueued means the first scheduler is busy firing: kill it there, with timers in its hands.
    const queuedSeen = ctx.nc.subscribe(ctx.subjects.ofType("TaskQueued"), {
      max: 1,
      callback: () => {
        first.child.kill("SIGKILL");
      },
    });
    await Promise.all(ids.map((taskId) => ctx.publish(ev.submitted({ taskId, runAt }))));
    await waitFor(async () => (await ctx.readAll(ctx.subjects.ofType("TaskScheduled"))).length === TIMERS, {
      what: "every timer held",
    });
    expect(Date.now()).toBeLessThan(dueAt.getTime()); // held before due, or this test shows nothing

    await first.exited;
    await queuedSeen.closed;
    const second = services.spawn("scheduler", ctx.env);
    await second.ready;
    const queued = await waitFor(
      async () => {
        const all = (await ctx.readAll(ctx.subjects.ofType("TaskQueued"))) as EventOf<"TaskQueued">[];
        return all.length >= TIMERS && all;
      },
      { what: "every timer fired", timeoutMs: 20_000, intervalMs: 200 },
    );

    const lateMs = queued.map((e) => Date.parse(e.at) - dueAt.getTime());
    expect(new Set(queued.map((e) => e.taskId)).size).toBe(TIMERS);
    expect(Math.min(...lateMs)).toBeGreaterThanOrEqual(0); // never early
    const firedByFirst = lateMs.filter((ms) => ms < 1000).length;
    console.info(
      `timers fired: ${firedByFirst} by the killed scheduler, ${TIMERS - firedByFirst} by the next; ` +
        `latest ${(Math.max(...lateMs) / 1000).toFixed(1)} s after due`,
    );
    expect(firedByFirst).toBeLessThan(TIMERS); // the kill left work behind
    // The bound is the feature: the ack wait, plus the second instance's start and a generous margin.
    expect(Math.max(...lateMs)).toBeLessThan(ACK_WAIT_MS + 5000);
  });
});
