import { randomUUID } from "node:crypto";
import type { EventOf } from "@taskjet/events";
import { ensureConsumer } from "@taskjet/runtime";
import { createTestContext, ev, spawnedServices, type TestContext, waitFor } from "@taskjet/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

// What a SIGKILLed scheduler had been handed and not yet acked comes back only after the consumer's ack
// wait: that ack wait (SCHEDULER_ACK_WAIT_SECONDS, default 5 s) bounds how late a timer can fire when its
// scheduler dies at the moment it comes due. It used to be the executor's 30 s.
const ACK_WAIT_MS = 5000;
const TIMERS = 1500;

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

    // Due one a millisecond from 4 s on, so the first scheduler is busy firing them for a while.
    const firstDue = Date.now() + 4000;
    const dueAt = new Map<string, number>(Array.from({ length: TIMERS }, (_, i) => [randomUUID(), firstDue + i]));
    // The first TaskQueued means the first scheduler is firing: freeze it there (SIGSTOP is instant, and the
    // pull request it has open still gets filled), so it dies with due timers delivered to it, not acked.
    const queuedSeen = ctx.nc.subscribe(ctx.subjects.ofType("TaskQueued"), {
      max: 1,
      callback: () => {
        first.child.kill("SIGSTOP");
      },
    });
    await Promise.all(
      [...dueAt].map(([taskId, due]) => ctx.publish(ev.submitted({ taskId, runAt: new Date(due).toISOString() }))),
    );
    await waitFor(async () => (await ctx.readAll(ctx.subjects.ofType("TaskScheduled"))).length === TIMERS, {
      what: "every timer held",
    });
    expect(Date.now()).toBeLessThan(firstDue); // held before due, or this test shows nothing
    const deliveries = async () =>
      (await ctx.jsm.consumers.info(ctx.names.stream, submittedConsumer)).delivered.consumer_seq;
    const beforeDue = await deliveries();

    await queuedSeen.closed;
    await waitFor(async () => (await ctx.jsm.consumers.info(ctx.names.stream, submittedConsumer)).num_waiting === 0, {
      what: "the frozen scheduler's pull request filled",
    });
    first.child.kill("SIGKILL");
    await first.exited;
    const firedByFirst = (await ctx.readAll(ctx.subjects.ofType("TaskQueued"))).length;
    const heldByFirst = (await deliveries()) - beforeDue - firedByFirst;
    expect(heldByFirst).toBeGreaterThan(0); // due timers died with it, or this test shows nothing

    const second = services.spawn("scheduler", ctx.env);
    await second.ready;
    const secondReadyAt = Date.now();
    const queued = await waitFor(
      async () => {
        const all = (await ctx.readAll(ctx.subjects.ofType("TaskQueued"))) as EventOf<"TaskQueued">[];
        return all.length >= TIMERS && all;
      },
      { what: "every timer fired", timeoutMs: 20_000, intervalMs: 200 },
    );

    const lateMs = queued.map((e) => Date.parse(e.at) - (dueAt.get(e.taskId) ?? 0));
    expect(new Set(queued.map((e) => e.taskId)).size).toBe(TIMERS);
    expect(Math.min(...lateMs)).toBeGreaterThanOrEqual(0); // never early
    console.info(
      `timers: ${firedByFirst} fired by the killed scheduler, ${heldByFirst} died in its hands, ` +
        `${TIMERS - firedByFirst} fired by the next; ` +
        `latest ${(Math.max(...lateMs) / 1000).toFixed(1)} s after due`,
    );
    // The bound is the feature: a timer the killed scheduler held comes back after the ack wait — or, if the
    // next instance is not up by then (a loaded machine), once it is — plus a margin to fire 1,500 of them.
    const boundOf = (e: EventOf<"TaskQueued">) =>
      Math.max((dueAt.get(e.taskId) ?? 0) + ACK_WAIT_MS, secondReadyAt) + 5000;
    const past = queued.filter((e) => Date.parse(e.at) >= boundOf(e));
    expect(past.length, `first past its bound: ${JSON.stringify(past[0])}, ready at ${secondReadyAt}`).toBe(0);
  });
});
