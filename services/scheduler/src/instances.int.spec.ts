import { randomUUID } from "node:crypto";
import type { Subscription } from "@nats-io/transport-node";
import type { TaskEvent } from "@taskjet/events";
import {
  createTestContext,
  ev,
  runTestExecutor,
  scheduleTimers,
  spawnedServices,
  type TestContext,
  waitFor,
} from "@taskjet/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

let ctx: TestContext;
let executor: Subscription;
const services = spawnedServices();

beforeAll(async () => {
  ctx = await createTestContext("schedinst");
  executor = runTestExecutor(ctx.nc, ctx.js, ctx.subjects);
});
afterEach(() => services.killAll());
afterAll(async () => {
  executor.unsubscribe();
  await ctx.cleanup();
});

async function startScheduler() {
  const p = services.spawn("scheduler", ctx.env);
  await p.ready;
  return p;
}

const countBy = (events: TaskEvent[]) => {
  const n = new Map<string, number>();
  for (const e of events) n.set(e.taskId, (n.get(e.taskId) ?? 0) + 1);
  return n;
};

describe("scheduler processes", () => {
  it("fires 100 pending timers once each, on time, through a SIGKILL and restart", async () => {
    const first = await startScheduler();
    const timers = await scheduleTimers(ctx, 2500);
    first.child.kill("SIGKILL");
    await first.exited;
    await startScheduler();
    const { queued, latenessMs } = await timers.fired("a scheduler SIGKILL and restart");
    expect(queued).toHaveLength(100);
    expect(new Set(queued).size).toBe(100);
    expect(Math.min(...latenessMs)).toBeGreaterThanOrEqual(0); // held messages may come back early: re-checked
  });

  it("two schedulers under 1,000 mixed tasks queue each task exactly once", async () => {
    await Promise.all([startScheduler(), startScheduler()]);
    const soon = () => new Date(Date.now() + 300 + Math.floor(Math.random() * 700)).toISOString();
    const parents: string[] = [];
    const all: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const taskId = randomUUID();
      all.push(taskId);
      const at = new Date().toISOString();
      if (i % 5 === 4 && parents.length > 0) {
        const parentId = parents[Math.floor(Math.random() * parents.length)] as string;
        await ctx.publish(ev.chained({ taskId, parentId, at }));
      } else {
        await ctx.publish(ev.submitted({ taskId, at, runAt: i % 5 === 3 ? soon() : null }));
        parents.push(taskId);
      }
    }
    const queued = await waitFor(
      async () => {
        const q = await ctx.readAll(ctx.subjects.ofType("TaskQueued"));
        const ids = new Set(q.map((e) => e.taskId));
        return all.every((id) => ids.has(id)) ? q : undefined;
      },
      { what: "all 1,000 queued", timeoutMs: 30_000 },
    );
    const counts = countBy(queued.filter((e) => all.includes(e.taskId)));
    expect(counts.size).toBe(1000);
    expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
  });
});
