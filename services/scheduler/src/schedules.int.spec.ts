import { type EventOf, type ScheduleRecord, scheduledTaskId } from "@taskjet/events";
import { inputLimits } from "@taskjet/runtime";
import {
  createTestContext,
  ev,
  scheduleBucket,
  scheduleRecord,
  spawnedServices,
  type TestContext,
  waitFor,
} from "@taskjet/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startScheduler } from "./scheduler.ts";

let ctx: TestContext;
let bucket: Awaited<ReturnType<typeof scheduleBucket>>;
const services = spawnedServices();
let inProcess: Awaited<ReturnType<typeof startScheduler>> = [];

beforeAll(async () => {
  ctx = await createTestContext("schedfire");
  bucket = await scheduleBucket(ctx);
});
afterEach(async () => {
  await services.killAll();
  await Promise.all(inProcess.splice(0).map((r) => r.stop(1000)));
});
afterAll(async () => {
  await ctx.cleanup();
});

const startInProcess = async () => {
  inProcess = await startScheduler(
    { ...ctx, now: () => new Date(), limits: inputLimits(ctx.config) },
    { ackWaitMs: 5000, config: ctx.config },
  );
};
const spawnScheduler = async () => {
  const p = services.spawn("scheduler", ctx.env);
  await p.ready;
  return p;
};

/** Every TaskSubmitted a schedule fired, oldest first. */
async function firedBy(scheduleId: string): Promise<EventOf<"TaskSubmitted">[]> {
  const all = await ctx.readAll(ctx.subjects.ofType("TaskSubmitted"));
  return all.filter((e): e is EventOf<"TaskSubmitted"> => e.type === "TaskSubmitted" && e.scheduleId === scheduleId);
}
const untilFired = (id: string, n: number, what: string) =>
  waitFor(async () => ((await bucket.get(id))?.firings ?? 0) >= n, { what, timeoutMs: 30_000 });

/** Stops a schedule and waits until nothing it claimed is left unpublished: then the stream holds all it fired. */
async function settle(id: string): Promise<ScheduleRecord> {
  await bucket.change(id, (s) => ({ ...s, paused: true }));
  return waitFor(async () => {
    const s = await bucket.get(id);
    return s && s.unpublished.length === 0 ? s : undefined;
  });
}

describe("a seconds schedule across scheduler instances", () => {
  it("fires each tick exactly once, never before its time, through a SIGKILL of one of two schedulers", async () => {
    const [first] = await Promise.all([spawnScheduler(), spawnScheduler()]);
    const s = await bucket.put(scheduleRecord({ cron: "* * * * * *", overlap: "allow", catchUp: "all" }));
    await untilFired(s.id, 3, "three ticks from two schedulers");
    first?.child.kill("SIGKILL");
    await first?.exited;
    const afterKill = ((await bucket.get(s.id))?.firings ?? 0) + 3;
    await untilFired(s.id, afterKill, "three more ticks after the kill");
    await spawnScheduler();
    await untilFired(s.id, afterKill + 3, "three more ticks with a new instance beside");
    const record = await settle(s.id);

    const fired = await firedBy(s.id);
    const ticks = fired.map((e) => Date.parse(e.scheduledFor ?? ""));
    // Exactly one task per tick: as many TaskSubmitted as distinct ticks, as the entry counted.
    expect(new Set(ticks).size).toBe(fired.length);
    expect(fired.length).toBe(record.firings);
    expect(new Set(fired.map((e) => e.taskId)).size).toBe(fired.length);
    // Every tick of the observed window has its task: consecutive seconds, none missing.
    const sorted = [...ticks].sort((a, b) => a - b);
    const first_ = sorted[0] ?? 0;
    expect(sorted).toEqual(sorted.map((_, i) => first_ + i * 1000));
    expect(first_).toBeGreaterThan(Date.parse(s.createdAt));
    // None before its tick.
    for (const e of fired)
      expect(Date.parse(e.at), e.scheduledFor).toBeGreaterThanOrEqual(Date.parse(e.scheduledFor ?? ""));
    expect(record.lastFiring?.tick).toBe(new Date(sorted.at(-1) ?? 0).toISOString());
  });
});

describe("a firing claimed by a scheduler that died before publishing it", () => {
  it("is published by another once the claim is RECLAIM_AFTER_MS old, with the task id of its tick, once", async () => {
    const tick = new Date(Math.floor(Date.now() / 1000) * 1000 - 5000).toISOString();
    const now = new Date().toISOString();
    const base = scheduleRecord({ cron: "0 0 1 1 *", cursor: now, firings: 1 });
    const taskId = scheduledTaskId(base.id, tick);
    const s = await bucket.put({
      ...base,
      lastFiring: { tick, taskId, at: tick },
      unpublished: [{ tick, taskId }],
      claimedAt: tick,
    });
    await startInProcess();
    const record = await waitFor(async () => {
      const r = await bucket.get(s.id);
      return r && r.unpublished.length === 0 ? r : undefined;
    });
    expect(record).toMatchObject({ claimedAt: null, firings: 1 });
    const fired = await firedBy(s.id);
    expect(fired.map((e) => [e.taskId, e.scheduledFor])).toEqual([[taskId, tick]]);
  });
});

describe("overlap", () => {
  it("skip: while the first firing has not finished (no executor runs), later ticks are skipped and recorded", async () => {
    await startInProcess();
    const s = await bucket.put(scheduleRecord({ cron: "* * * * * *", overlap: "skip", catchUp: "all" }));
    const skipping = await waitFor(
      async () => {
        const r = await bucket.get(s.id);
        return r && r.skips >= 3 ? r : undefined;
      },
      { what: "three skipped ticks", timeoutMs: 20_000 },
    );
    expect(skipping.firings).toBe(1);
    expect(skipping.lastSkip).toMatchObject({ reason: "overlap" });
    const [only] = await firedBy(s.id);
    expect(only?.taskId).toBe(skipping.lastFiring?.taskId);
    expect((await ctx.history(only?.taskId ?? "")).at(-1)?.type).toBe("TaskQueued");

    // The first firing finishes: the next tick fires again.
    const taskId = only?.taskId ?? "";
    const at = new Date().toISOString();
    await ctx.publish(ev.started({ taskId, at }));
    await ctx.publish(ev.completed({ taskId, at }));
    await untilFired(s.id, 2, "a firing after the first finished");
    const record = await settle(s.id);
    const fired = await firedBy(s.id);
    expect(fired.map((e) => e.taskId)).toContain(record.lastFiring?.taskId);
    expect(Date.parse(fired[1]?.scheduledFor ?? "")).toBeGreaterThan(Date.parse(skipping.lastSkip?.tick ?? ""));
  });

  it("queue: one tick waits for the running firing and fires once it has finished; the rest are skipped", async () => {
    await startInProcess();
    const s = await bucket.put(scheduleRecord({ cron: "* * * * * *", overlap: "queue", catchUp: "all" }));
    const waiting = await waitFor(
      async () => {
        const r = await bucket.get(s.id);
        return r && r.queued !== null && r.skips >= 2 ? r : undefined;
      },
      { what: "a queued tick and two skipped", timeoutMs: 20_000 },
    );
    expect(waiting.firings).toBe(1);
    const queuedTick = waiting.queued?.tick;
    const taskId = waiting.lastFiring?.taskId ?? "";
    await ctx.publish(ev.cancelled({ taskId, at: new Date().toISOString() }));
    await untilFired(s.id, 2, "the queued tick fired");
    await settle(s.id);
    const fired = await firedBy(s.id);
    expect(fired[1]?.scheduledFor).toBe(queuedTick);
  });
});

describe("catch-up after downtime", () => {
  it("all: ticks missed while no scheduler ran fire in order once one starts; latest: only the last", async () => {
    const tenSecondsAgo = new Date(Math.floor(Date.now() / 1000) * 1000 - 10_000).toISOString();
    const all = await bucket.put(
      scheduleRecord({ cron: "* * * * * *", catchUp: "all", catchUpMax: 5, cursor: tenSecondsAgo }),
    );
    const latest = await bucket.put(
      scheduleRecord({ cron: "*/1 * * * * *", catchUp: "latest", cursor: tenSecondsAgo }),
    );
    await startInProcess();
    await untilFired(all.id, 5, "the catch-up of all");
    await untilFired(latest.id, 1, "the catch-up of latest");
    const [a, l] = [await settle(all.id), await settle(latest.id)];
    const allTicks = (await firedBy(all.id)).map((e) => Date.parse(e.scheduledFor ?? "")).sort((x, y) => x - y);
    // The first five fired together are the last five due at start, consecutive; older ones were missed.
    expect(allTicks.slice(1, 5).map((t, i) => t - (allTicks[i] ?? 0))).toEqual([1000, 1000, 1000, 1000]);
    expect(a.skips).toBeGreaterThanOrEqual(1);
    const latestTicks = (await firedBy(latest.id)).map((e) => Date.parse(e.scheduledFor ?? "")).sort((x, y) => x - y);
    expect(latestTicks[0]).toBeGreaterThan(Date.parse(tenSecondsAgo) + 5000);
    expect(l.skips).toBeGreaterThanOrEqual(1);
    expect(l.lastSkip).toMatchObject({ reason: "missed" });
  });
});
