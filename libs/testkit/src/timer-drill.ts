import { randomUUID } from "node:crypto";
import type { TestContext } from "./context.ts";
import { ev } from "./fixtures.ts";
import { percentile } from "./stats.ts";
import { waitFor } from "./wait.ts";

/**
 * For tests that disturb the scheduler while timers wait: 100 tasks due `aheadMs` from now (spread over a
 * second), announced as TaskScheduled; `fired` then says when each was queued.
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
    /**
     * Waits until all 100 were queued and says how: the tasks queued (a task queued twice appears twice) and
     * each one's lateness in ms (negative: early). Logs the lateness percentiles under `through`.
     */
    async fired(through: string): Promise<{ queued: string[]; latenessMs: number[] }> {
      const queued = await waitFor(
        async () => {
          const q = (await ctx.readAll(ctx.subjects.ofType("TaskQueued"))).filter((e) => due.has(e.taskId));
          return q.length >= 100 ? q : undefined;
        },
        { what: "100 timers fired", timeoutMs: 30_000, intervalMs: 200 },
      );
      const latenessMs = queued.map((e) => Date.parse(e.at) - (due.get(e.taskId) as number));
      console.info(
        `timer lateness through ${through} (ms): p50 ${percentile(latenessMs, 0.5)}, p99 ${percentile(latenessMs, 0.99)}, max ${Math.max(...latenessMs)}`,
      );
      return { queued: queued.map((e) => e.taskId), latenessMs };
    },
  };
}
