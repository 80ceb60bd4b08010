import { rebuildReadModel, startHistoryPurge } from "@taskjet/projector";
import { createTestContext, ev, type TestContext, waitFor } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postJson, startSystem } from "./system.ts";

// FINISHED_HISTORY_SECONDS end to end: the projector's sweep purges a finished task's events from the stream
// while its row stays; the gateway refuses what would need those events, and a rebuild keeps the task.
let ctx: TestContext;
let system: Awaited<ReturnType<typeof startSystem>>;
let clock = 0;
const now = () => new Date(clock);
const RETENTION_MS = 60_000;
const GRACE_MS = 30_000;

beforeAll(async () => {
  ctx = await createTestContext("e2eretention");
  system = await startSystem(ctx);
});
afterAll(async () => {
  await system.stop();
  await ctx.cleanup();
});

const url = (path: string) => `${system.baseUrl}${path}`;
/** The task's events still in the stream, read by subject from the first sequence (a wildcard direct get). */
async function inStream(id: string) {
  let n = 0;
  for (let seq = 1; ; n++) {
    const m = await ctx.jsm.direct.getMessage(ctx.names.stream, { seq, next_by_subj: ctx.subjects.task(id) });
    if (m === null) return n;
    seq = m.seq + 1;
  }
}
const row = (id: string) => ctx.db.selectFrom("tasks").selectAll().where("id", "=", id).executeTakeFirst();
const statusOf = async (id: string) => (await row(id))?.status;

/** One sweep at a time, on the test's clock: `sweep()` resolves once it has run. */
function sweeper() {
  const purge = startHistoryPurge({ ...ctx, now, retentionMs: RETENTION_MS, graceMs: GRACE_MS, everyMs: 3_600_000 });
  return purge;
}

describe("finished tasks' history leaves the stream after FINISHED_HISTORY_SECONDS; the task stays", () => {
  it("purges a finished task's events, keeps an unfinished one's, refuses commands, keeps the task through a rebuild", async () => {
    const key = `retention-${Date.now()}`;
    const done = await postJson(url("/tasks"), { prompt: "finished" }, { "idempotency-key": key });
    const waiting = await postJson(url("/tasks"), { prompt: "later", delaySeconds: 3600 });
    await waitFor(async () => (await statusOf(done.body.id)) === "completed", { what: "the task completed" });
    await waitFor(async () => (await statusOf(waiting.body.id)) === "scheduled", { what: "the later task projected" });
    expect(await inStream(done.body.id)).toBeGreaterThan(0);

    // Retention passed: the first sweep schedules the purge (commands are refused from now on) …
    clock = Date.now() + RETENTION_MS + 1000;
    let purge = sweeper();
    await waitFor(async () => (await row(done.body.id))?.historyPurgeAt != null, { what: "the purge scheduled" });
    await purge.stop();
    const retry = await postJson(url(`/tasks/${done.body.id}/retry`), {});
    expect(retry.status).toBe(409);
    expect(retry.body.error).toMatchObject({ code: "history_purged" });
    expect(await inStream(done.body.id)).toBeGreaterThan(0);

    // … and once the grace is over, the next one purges it.
    clock += GRACE_MS + 1000;
    purge = sweeper();
    await waitFor(async () => (await row(done.body.id))?.historyPurgedAt != null, { what: "the purge recorded" });
    await purge.stop();
    expect(await inStream(done.body.id)).toBe(0);
    expect(await inStream(waiting.body.id)).toBeGreaterThan(0);
    expect((await row(waiting.body.id))?.historyPurgeAt).toBeNull();

    // The task is still there to read; its events are gone, said plainly; the same key gives the same task.
    const read = await fetch(url(`/tasks/${done.body.id}`));
    expect(read.status).toBe(200);
    expect(((await read.json()) as { status: string; output: string }).status).toBe("completed");
    const events = await fetch(url(`/tasks/${done.body.id}/events`));
    expect(events.status).toBe(410);
    const again = await postJson(url("/tasks"), { prompt: "finished" }, { "idempotency-key": key });
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(done.body.id);
    expect(again.body.status).toBe("completed");
    const chained = await postJson(url(`/tasks/${done.body.id}/chain`), { prompt: "more" });
    expect(chained.status).toBe(409);
    const bulk = await postJson(url("/tasks/retry"), { ids: [done.body.id] });
    expect(bulk.body.results).toEqual([expect.objectContaining({ id: done.body.id, outcome: "history_purged" })]);

    // A rebuild replays what the stream still has and carries the purged task over as it was.
    const before = await row(done.body.id);
    await rebuildReadModel({ ...ctx, live: ctx.db, maxBatch: 500, now: () => new Date() });
    expect(await row(done.body.id)).toEqual(before);
    expect(await statusOf(waiting.body.id)).toBe("scheduled");
  }, 60_000);

  it("keeps the history of a task that moved on after its purge was scheduled", async () => {
    const task = await postJson(url("/tasks"), { prompt: "[fake:fail] revived" });
    await waitFor(async () => (await statusOf(task.body.id)) === "failed", { what: "the task failed" });
    clock = Date.now() + RETENTION_MS + 1000;
    let purge = sweeper();
    await waitFor(async () => (await row(task.body.id))?.historyPurgeAt != null, { what: "the purge scheduled" });
    await purge.stop();
    // A command decided before the schedule lands after it (as one from a slow gateway would).
    const seq = Number((await row(task.body.id))?.seq);
    await ctx.publish(ev.retryRequested({ taskId: task.body.id, gen: 2 }));
    clock += GRACE_MS + 1000;
    purge = sweeper();
    await waitFor(async () => (await row(task.body.id))?.historyPurgeAt == null, { what: "the purge called off" });
    await purge.stop();
    expect((await row(task.body.id))?.historyPurgedAt).toBeNull();
    expect(await inStream(task.body.id)).toBeGreaterThan(4);
    expect(Number((await row(task.body.id))?.seq)).toBeGreaterThanOrEqual(seq);
  }, 60_000);
  it("keeps a parent's history while a fan-in child still waits on it", async () => {
    const done = await postJson(url("/tasks"), { prompt: "first parent" });
    const alone = await postJson(url("/tasks"), { prompt: "no children" });
    const later = await postJson(url("/tasks"), { prompt: "second parent", delaySeconds: 3600 });
    for (const t of [done, alone]) {
      await waitFor(async () => (await statusOf(t.body.id)) === "completed", { what: "a task completed" });
    }
    const child = await postJson(url("/tasks"), { prompt: "both", parentIds: [done.body.id, later.body.id] });
    expect(child.status).toBe(202);
    await waitFor(async () => (await statusOf(child.body.id)) === "awaiting_parent", { what: "the child waiting" });

    clock = Date.now() + RETENTION_MS + 1000;
    let purge = sweeper();
    // The same statement that schedules the task with no children leaves the waited-on parent alone.
    await waitFor(async () => (await row(alone.body.id))?.historyPurgeAt != null, { what: "the sweep" });
    await purge.stop();
    expect((await row(done.body.id))?.historyPurgeAt).toBeNull();

    // Once the child has settled (its other parent cancelled: cascade), the parent goes the usual way.
    expect((await postJson(url(`/tasks/${later.body.id}/cancel`), {})).status).toBe(202);
    await waitFor(async () => (await statusOf(child.body.id)) === "cancelled", { what: "the child cancelled" });
    purge = sweeper();
    await waitFor(async () => (await row(done.body.id))?.historyPurgeAt != null, { what: "the parent scheduled" });
    await purge.stop();
  }, 60_000);
});
