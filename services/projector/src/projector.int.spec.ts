import { randomUUID } from "node:crypto";
import { decodeMessage, ProjectedBatch, type ProjectedNotice } from "@taskjet/events";
import { migrate, projectBatch, readCheckpoint, rowToState } from "@taskjet/read-model";
import { readHistory } from "@taskjet/runtime";
import { createTestContext, ev, type TestContext, waitFor } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProjector } from "./projector.ts";

let ctx: TestContext;
let projector: Awaited<ReturnType<typeof startProjector>>;

beforeAll(async () => {
  ctx = await createTestContext("projector");
  await migrate(ctx.db, ctx.names, ctx.log);
  projector = await startProjector({ ...ctx, maxBatch: 100 });
});
afterAll(async () => {
  await projector.stop();
  await ctx.cleanup();
});

const row = (id: string) => ctx.db.selectFrom("tasks").selectAll().where("id", "=", id).executeTakeFirst();

describe("projector", () => {
  it("folds a task's events into one row with the last sequence, and tells the gateways", async () => {
    const taskId = randomUUID();
    const notices: ProjectedNotice[] = [];
    const sub = ctx.nc.subscribe(ctx.subjects.projectedBatch, {
      callback: (_e, m) => {
        const batch = decodeMessage(ProjectedBatch, m.data);
        if (batch.ok) notices.push(...batch.message.versions.filter((v) => v.taskId === taskId));
      },
    });
    for (const e of [
      ev.submitted({ taskId }),
      ev.queued({ taskId }),
      ev.started({ taskId }),
      ev.completed({ taskId }),
    ]) {
      await ctx.publish(e);
    }
    const done = await waitFor(async () => {
      const r = await row(taskId);
      return r?.status === "completed" ? r : undefined;
    });
    const history = await readHistory(ctx.js, ctx.jsm, ctx.names, ctx.subjects, taskId);
    expect(Number(done.seq)).toBe(history.at(-1)?.seq);
    expect(rowToState(done)).toMatchObject({
      output: "hi there",
      attempts: 1,
      usage: { inputTokens: 3, outputTokens: 2 },
    });
    await waitFor(() => notices.length >= 4, { what: "a notice per version" });
    expect(notices.map((n) => n.state.status)).toEqual(["submitted", "queued", "running", "completed"]);
    sub.unsubscribe();
  });

  it("a replayed or redelivered batch changes nothing", async () => {
    const taskId = randomUUID();
    await ctx.publish(ev.submitted({ taskId }));
    await ctx.publish(ev.queued({ taskId }));
    await waitFor(async () => (await row(taskId))?.status === "queued");
    const before = await row(taskId);
    const history = await readHistory(ctx.js, ctx.jsm, ctx.names, ctx.subjects, taskId);
    const changed = await projectBatch(ctx.db, [...history, ...history], ctx.log);
    expect(changed).toEqual([]);
    expect(await row(taskId)).toEqual(before);
  });

  it("quarantines poison (undecodable, unknown type, unknown task) with its sequence and keeps going", async () => {
    const poisonId = randomUUID();
    await ctx.js.publish(ctx.subjects.event(poisonId, "TaskSubmitted"), "{not json");
    await ctx.js.publish(ctx.subjects.event(poisonId, "TaskQueued"), JSON.stringify({ type: "TaskExploded" }));
    await ctx.publish(ev.completed({ taskId: poisonId })); // valid, but no such task
    const after = randomUUID();
    await ctx.publish(ev.submitted({ taskId: after }));
    await waitFor(async () => (await row(after))?.status === "submitted", { what: "the event after the poison" });
    expect(await row(poisonId)).toBeUndefined();
    const held = await ctx.db
      .selectFrom("quarantine")
      .select(["reason", "type", "taskId"])
      .where("taskId", "=", poisonId)
      .orderBy("seq")
      .execute();
    expect(held).toEqual([
      { reason: "undecodable", type: null, taskId: poisonId },
      { reason: "undecodable", type: null, taskId: poisonId },
      { reason: "unknown_task", type: "TaskCompleted", taskId: poisonId },
    ]);
  });

  it("quarantines an event Postgres refuses, alone: the rest of its batch is applied and the row says so", async () => {
    const good = [randomUUID(), randomUUID()];
    const bad = randomUUID();
    await ctx.publish(ev.submitted({ taskId: bad }));
    await waitFor(async () => (await row(bad))?.status === "submitted");
    // Published around the schema (as a gateway without validation once did): text Postgres cannot store.
    const refused = { ...ev.completed({ taskId: bad }), output: "nul\u0000byte" };
    await Promise.all([
      ctx.publish(ev.submitted({ taskId: good[0] })),
      ctx.js.publish(ctx.subjects.event(bad, "TaskQueued"), JSON.stringify(ev.queued({ taskId: bad }))),
      ctx.js.publish(ctx.subjects.event(bad, "TaskCompleted"), JSON.stringify(refused)),
      ctx.publish(ev.submitted({ taskId: good[1] })),
    ]);
    await waitFor(async () => (await row(good[1] as string))?.status === "submitted");
    expect((await row(good[0] as string))?.status).toBe("submitted");
    const marked = await row(bad);
    expect(marked?.status).toBe("queued");
    const [held] = await ctx.db.selectFrom("quarantine").selectAll().where("taskId", "=", bad).execute();
    expect(held).toMatchObject({ reason: "refused", type: "TaskCompleted" });
    expect(held?.error).toMatch(/0x00/);
    expect(marked?.quarantinedSeq).toBe(held?.seq);
  });

  it("keeps a checkpoint of the last sequence written", async () => {
    const info = await ctx.jsm.streams.info(ctx.names.stream);
    await waitFor(async () => (await readCheckpoint(ctx.db)).seq === info.state.last_seq, {
      what: "checkpoint at the stream's last sequence",
    });
  });
});
