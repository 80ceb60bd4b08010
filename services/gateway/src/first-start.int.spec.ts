import { createDb, migrate, pendingMigrations } from "@taskjet/read-model";
import { createTestContext, freePort, spawnedServices, type TestContext } from "@taskjet/testkit";
import { sql } from "kysely";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { buildApp } from "./app.ts";

// A gateway started alone on a fresh database, as compose and Kubernetes start it: no projector has made the
// tables yet. Each test has a namespace of its own, so each starts with no tables.
const contexts: TestContext[] = [];
const services = spawnedServices();
const freshContext = async (label: string) => {
  const ctx = await createTestContext(label);
  contexts.push(ctx);
  return ctx;
};

afterEach(() => services.killAll());
afterAll(async () => {
  for (const ctx of contexts) await ctx.cleanup();
});

describe("a gateway on a fresh schema, no projector", () => {
  it("is not ready until the read model is migrated, then serves an empty list", async () => {
    const ctx = await freshContext("firstapp");
    const app = await buildApp({ ...ctx, now: () => new Date() });
    try {
      const before = await app.inject({ url: "/ready" });
      expect(before.statusCode).toBe(503);
      expect(before.json().checks.postgres).toBe(
        "not migrated: 2026-11-22-001-tasks, 2026-11-26-002-quarantine, 2026-11-26-003-stats, 2026-11-26-004-priority-waiting, 2026-11-26-005-messages-api, 2026-11-26-006-cost-today, 2026-11-26-007-history-retention, 2026-11-26-008-fan-in, 2026-11-26-009-webhook-deliveries, 2026-11-26-010-schedules",
      );

      await migrate(ctx.db, ctx.names, ctx.log);
      expect((await app.inject({ url: "/ready" })).statusCode).toBe(200);
      const list = await app.inject({ url: "/tasks" });
      expect(list.statusCode).toBe(200);
      expect(list.json().tasks).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it("migrates at start: the gateway process alone is ready and answers GET /tasks", async () => {
    const ctx = await freshContext("firstproc");
    const port = await freePort();
    await services.spawn("gateway", { ...ctx.env, HOST: "127.0.0.1", PORT: String(port) }).ready;
    expect((await fetch(`http://127.0.0.1:${port}/ready`)).status).toBe(200);
    const list = await fetch(`http://127.0.0.1:${port}/tasks`);
    expect(list.status).toBe(200);
    expect(await list.json()).toMatchObject({ tasks: [] });
  });

  it("services migrating a schema that does not exist yet all succeed", async () => {
    const ctx = await freshContext("firstrace");
    // Not even the schema exists: all race to create it, then the tables. A lost race is rare: run a few.
    for (let round = 0; round < 5; round++) {
      const names = { ...ctx.names, schema: `${ctx.names.schema}_race${round}` };
      const pools = [1, 2, 3, 4].map((n) =>
        createDb(ctx.config, names, { name: `test-race-${n}`, log: ctx.log, max: 2 }),
      );
      try {
        await Promise.all(pools.map((db) => migrate(db, names, ctx.log)));
        expect(await pendingMigrations(ctx.db, names)).toEqual([]);
      } finally {
        await Promise.all(pools.map((db) => db.destroy()));
        await sql`drop schema if exists ${sql.id(names.schema)} cascade`.execute(ctx.db);
      }
    }
  });
});
