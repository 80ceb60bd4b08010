import { randomUUID } from "node:crypto";
import type { TaskEvent } from "@taskjet/events";
import { createDb, listWebhookAttempts, migrate, readCheckpoint, recordWebhookAttempt } from "@taskjet/read-model";
import { createTestContext, ev, type TestContext, waitFor } from "@taskjet/testkit";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startProjector } from "./projector.ts";
import { rebuildReadModel } from "./rebuild.ts";

let ctx: TestContext;
const TASKS = Number(process.env.REBUILD_TASKS ?? 10_000);

beforeAll(async () => {
  ctx = await createTestContext("rebuild");
  await migrate(ctx.db, ctx.names, ctx.log);
});
afterAll(async () => {
  await ctx.cleanup();
});

/** A realistic mix of histories: completed, failed then retried, cancelled, still waiting. */
function historyOf(i: number): TaskEvent[] {
  const taskId = randomUUID();
  const at = new Date(Date.UTC(2026, 10, 22, 10, 0, 0, i)).toISOString();
  const base = [ev.submitted({ taskId, at, prompt: `task ${i}` }), ev.queued({ taskId, at })];
  switch (i % 4) {
    case 0:
      return [...base, ev.started({ taskId, at }), ev.completed({ taskId, at, output: `out ${i}` })];
    case 1:
      return [
        ...base,
        ev.started({ taskId, at }),
        ev.failed({ taskId, at, attempts: 1 }),
        ev.retryRequested({ taskId, at, gen: 2 }),
      ];
    case 2:
      return [...base, ev.cancelled({ taskId, at })];
    default:
      return base;
  }
}

const rows = (schema: string) =>
  sql<Record<string, unknown>>`select * from ${sql.id(schema)}.tasks order by id`.execute(ctx.db).then((r) => r.rows);

describe("rebuild", () => {
  it(`replays ${TASKS.toLocaleString()} tasks into a fresh schema that equals the live one, then switches over`, async () => {
    const events = Array.from({ length: TASKS }, (_, i) => historyOf(i));
    const flat = events.flat();
    // Publish in waves, interleaving tasks as a live system would.
    for (let i = 0; i < flat.length; i += 2000) await Promise.all(flat.slice(i, i + 2000).map((e) => ctx.publish(e)));

    const projector = await startProjector({ ...ctx, maxBatch: 1000 });
    const info = await ctx.jsm.streams.info(ctx.names.stream);
    const liveStarted = Date.now();
    await waitFor(async () => (await readCheckpoint(ctx.db)).seq === info.state.last_seq, {
      what: "live projection caught up",
      timeoutMs: 60_000,
    });
    const liveSeconds = (Date.now() - liveStarted) / 1000;
    const live = await rows(ctx.names.schema);
    expect(live).toHaveLength(TASKS);

    // The webhook delivery log is no fold of events: the rebuild carries it over.
    const attempt = {
      tenant: "default",
      target: "task",
      webhookId: "msg_task_rebuild:completed",
      taskId: randomUUID(),
      eventType: "task.completed",
      url: "https://hooks.example.com/h",
      attempt: 1,
      outcome: "delivered" as const,
      statusCode: 204,
      error: null,
      latencyMs: 3,
      responseExcerpt: "",
      attemptedAt: new Date("2026-11-26T10:00:00.000Z"),
    };
    await recordWebhookAttempt(ctx.db, attempt);

    const result = await rebuildReadModel({
      js: ctx.js,
      live: ctx.db,
      names: ctx.names,
      config: ctx.config,
      log: ctx.log,
      maxBatch: 1000,
      now: () => new Date(),
    });
    await projector.stop();
    console.info(
      `projector: ${flat.length} events in ${liveSeconds.toFixed(1)} s (${Math.round(flat.length / liveSeconds)}/s); ` +
        `rebuild: ${result.events} events in ${result.seconds.toFixed(1)} s (${Math.round(result.events / result.seconds)}/s)`,
    );
    expect(result.events).toBe(flat.length);
    // The live schema is now the rebuilt one; the old rows are kept under the retired name.
    expect(await rows(ctx.names.schema)).toEqual(await rows(result.retiredSchema));
    expect(await rows(ctx.names.schema)).toEqual(live);
    const carried = await listWebhookAttempts(ctx.db, { tenant: "default", target: "task", limit: 10, cursor: null });
    expect(carried.attempts).toEqual([expect.objectContaining(attempt)]);
    const statuses = await sql<{
      status: string;
      n: string;
    }>`select status, count(*) as n from ${sql.id(ctx.names.schema)}.tasks group by status order by status`.execute(
      ctx.db,
    );
    expect(statuses.rows).toEqual([
      { status: "cancelled", n: String(TASKS / 4) },
      { status: "completed", n: String(TASKS / 4) },
      { status: "queued", n: String(TASKS / 4) },
      { status: "submitted", n: String(TASKS / 4) },
    ]);
  }, 180_000);

  it("a gateway's pool reads the switched schema from its next query, with no reconnect", async () => {
    const pool = createDb(ctx.config, ctx.names, { name: "test-rebuild", log: ctx.log, max: 1 });
    const before = await pool
      .selectFrom("tasks")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();
    await sql`delete from ${sql.id(ctx.names.schema)}.tasks where status = 'queued'`.execute(ctx.db);
    const result = await rebuildReadModel({
      js: ctx.js,
      live: ctx.db,
      names: ctx.names,
      config: ctx.config,
      log: ctx.log,
      maxBatch: 1000,
      now: () => new Date(),
    });
    const after = await pool
      .selectFrom("tasks")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();
    await pool.destroy();
    expect(Number(after.n)).toBe(Number(before.n)); // the rows deleted from the old schema are back
    expect(result.retiredSchema).not.toBe(ctx.names.schema);
  }, 120_000);
});
