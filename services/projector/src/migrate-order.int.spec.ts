import { randomUUID } from "node:crypto";
import { created } from "@taskjet/events";
import { createDb, migrate, pendingMigrations, rowToState, stateToRow, swapIfCaughtUp } from "@taskjet/read-model";
import { createTestContext, ev, type TestContext } from "@taskjet/testkit";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext("migorder");
  await migrate(ctx.db, ctx.names, ctx.log);
});
afterAll(async () => {
  await ctx.cleanup();
});

const columns = async (schema: string) =>
  (
    await sql<{ name: string }>`select column_name as name from information_schema.columns
      where table_schema = ${schema} and table_name = 'tasks' order by ordinal_position`.execute(ctx.db)
  ).rows.map((r) => r.name);

describe("migrations numbered up front, landing out of order", () => {
  it("a schema already past 010 still takes 009, and a rebuild carries its rows over by column name", async () => {
    // Given a schema migrated by a version that had 010 (schedules) but not yet 009 (webhooks)…
    await sql`drop table webhook_deliveries`.execute(ctx.db);
    await sql`alter table tasks drop column webhook`.execute(ctx.db);
    await sql`delete from kysely_migration where name = '2026-11-26-009-webhook-deliveries'`.execute(ctx.db);
    expect(await pendingMigrations(ctx.db, ctx.names)).toEqual(["2026-11-26-009-webhook-deliveries"]);

    // …when this version migrates it, then 009 is applied, its column last.
    await migrate(ctx.db, ctx.names, ctx.log);
    expect(await pendingMigrations(ctx.db, ctx.names)).toEqual([]);
    const live = await columns(ctx.names.schema);
    expect(live.indexOf("webhook")).toBeGreaterThan(live.indexOf("scheduled_for"));

    // A task whose history has left the stream: a rebuild keeps its row as it is.
    const scheduleId = randomUUID();
    const webhook = { url: "https://hooks.example.com/h", events: ["task.completed" as const] };
    const state = created(
      ev.submitted({ taskId: randomUUID(), webhook, scheduleId, scheduledFor: "2026-11-26T10:00:00.000Z" }),
    );
    await ctx.db
      .insertInto("tasks")
      .values({ ...stateToRow(state, 1), historyPurgeAt: new Date() })
      .execute();

    // A fresh schema runs the migrations in name order: the same columns, in another order.
    const fresh = { ...ctx.names, schema: `${ctx.names.schema}_new_1` };
    const freshDb = createDb(ctx.config, fresh, { name: "test-migorder", log: ctx.log, max: 1 });
    try {
      await migrate(freshDb, fresh, ctx.log);
      const rebuilt = await columns(fresh.schema);
      expect(new Set(rebuilt)).toEqual(new Set(live));
      expect(rebuilt).not.toEqual(live);
      const schemas = { live: ctx.names.schema, rebuilt: fresh.schema, retired: `${ctx.names.schema}_old_1` };
      expect(await swapIfCaughtUp(ctx.db, schemas, Number.MAX_SAFE_INTEGER)).toBe(true);
    } finally {
      await freshDb.destroy();
    }
    const row = await ctx.db.selectFrom("tasks").selectAll().where("id", "=", state.id).executeTakeFirstOrThrow();
    expect(rowToState(row)).toMatchObject({ webhook, scheduleId, scheduledFor: "2026-11-26T10:00:00.000Z" });
  });
});
