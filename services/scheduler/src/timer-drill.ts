import { randomUUID } from "node:crypto";
import { ev } from "@taskjet/events";
import { percentile, type TestContext, waitFor } from "@taskjet/testkit";
import { expect } from "vitest";

/**
 * For tests that disturb the scheduler while timers wait: 100 tasks due `aheadMs` from now (spread over a
 * second), announced as TaskScheduled; then `expectFiredOnce` checks each was queued once and never early.
 */
export async function scheduleTimers(ctx: TestContext, aheadMs: number) {
  const base = Date.now() + aheadMs;
  const due = new Map<string, number>();
  await Promise.all(
    Array.from({ length: 100 }, async (_, i) => {
      const taskId = randomUUID();
      const runAt = base + (i % 10) * 100;
      due.set(taskId, runAt);
      await ctx.publish(ev.submitted({ taskId, at: new Date().toISOString(), runAt: new Date(runAt).toISOString() }));
    }),
  );
  await waitFor(async () => (await ctx.readAll(ctx.subjects.ofType("TaskScheduled"))).length === 100, {
    what: "100 TaskScheduled",
  });

  return {
    async expectFiredOnce(through: string) {
      const queued = await waitFor(
        async () => {
          const q = (await ctx.readAll(ctx.subjects.ofType("TaskQueued"))).filter((e) => due.has(e.taskId));
          return q.length >= 100 ? q : undefined;
        },
        { what: "100 timers fired", timeoutMs: 30_000, intervalMs: 200 },
      );
      expect(new Set(queued.map((e) => e.taskId)).size).toBe(100);
      expect(queued).toHaveLength(100);
      const lateness = queued.map((e) => Date.parse(e.at) - (due.get(e.taskId) as number));
      expect(Math.min(...lateness)).toBeGreaterThanOrEqual(0); // held messages may come back early: re-checked
      console.info(
        `timer lateness through ${through} (ms): p50 ${percentile(lateness, 0.5)}, p99 ${percentile(lateness, 0.99)}, max ${Math.max(...lateness)}`,
      );
    },
  };
}
