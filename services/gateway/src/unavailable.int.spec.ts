import { randomUUID } from "node:crypto";
import { jetstream } from "@nats-io/jetstream";
import { applicationName, createDb, type Database, type Db, migrate } from "@taskjet/read-model";
import {
  createTestContext,
  freePort,
  natsServerBinary,
  startPrivateNats,
  type TestContext,
  waitFor,
} from "@taskjet/testkit";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "./app.ts";

type App = Awaited<ReturnType<typeof buildApp>>;

const expectUnavailable = (res: { statusCode: number; headers: Record<string, unknown>; json(): unknown }) => {
  expect(res.statusCode).toBe(503);
  expect(res.headers["retry-after"]).toMatch(/^\d+$/);
  expect(res.json()).toMatchObject({ error: { code: "unavailable" } });
};

// Stopping a server needs one of this file's own: the shared one serves every other test file.
const bin = natsServerBinary();

describe.skipIf(bin === null)("NATS down while serving", () => {
  let nats: Awaited<ReturnType<typeof startPrivateNats>>;
  let ctx: TestContext;
  let app: App;

  beforeAll(async () => {
    nats = await startPrivateNats(bin as string);
    ctx = await createTestContext("gwnatsdown", { NATS_URL: nats.url });
    // A short request timeout, so a request made while the server is away gives up quickly.
    app = await buildApp({ ...ctx, js: jetstream(ctx.nc, { timeout: 1000 }), now: () => new Date() });
  });
  afterAll(async () => {
    await app?.close();
    // The server goes with its store, so nothing of the namespace is left in NATS; the schema is dropped here.
    await nats?.close();
    await sql`drop schema if exists ${sql.id(ctx.names.schema)} cascade`.execute(ctx.db);
    await ctx.db.destroy();
    await ctx.nc.close();
  });

  it("answers 503 with Retry-After, never 500, to a submit and a history read", async () => {
    expect((await app.inject({ method: "POST", url: "/tasks", payload: { prompt: "before" } })).statusCode).toBe(202);
    const disconnected = (async () => {
      for await (const s of ctx.nc.status()) if (s.type === "disconnect") return;
    })();
    await nats.close();
    await disconnected;
    expectUnavailable(await app.inject({ method: "POST", url: "/tasks", payload: { prompt: "during" } }));
    expectUnavailable(await app.inject({ method: "GET", url: `/tasks/${randomUUID()}/events` }));
  }, 30_000);
});

describe("Postgres unavailable while serving", () => {
  let ctx: TestContext;
  let app: App;
  let db: Db;

  beforeAll(async () => {
    ctx = await createTestContext("gwpgdown");
    await migrate(ctx.db, ctx.names, ctx.log);
    // The gateway's own pool, as a service makes it (with its error listeners), named to find its connections by.
    db = createDb(ctx.config, ctx.names, { name: "gw", log: ctx.log });
    app = await buildApp({ ...ctx, db, now: () => new Date() });
  });
  afterAll(async () => {
    await app?.close();
    await db?.destroy();
    await ctx?.cleanup();
  });

  it("answers 503 when its connection is terminated mid-query (57P01)", async () => {
    expect((await app.inject({ method: "GET", url: "/tasks" })).statusCode).toBe(200);
    // Hold the table so the list query waits in Postgres, then terminate the backend running it.
    const res = await ctx.db.connection().execute(async (conn) => {
      await sql`begin`.execute(conn);
      await sql`lock table ${sql.id(ctx.names.schema, "tasks")} in access exclusive mode`.execute(conn);
      const pending = app.inject({ method: "GET", url: "/tasks" });
      const pid = await waitFor(
        async () => {
          const { rows } = await sql<{ pid: number }>`
            select pid from pg_stat_activity
            where application_name = ${applicationName("gw", ctx.names)} and wait_event_type = 'Lock'`.execute(conn);
          return rows[0]?.pid;
        },
        { what: "the list query waiting on the lock" },
      );
      await sql`select pg_terminate_backend(${pid})`.execute(conn);
      await sql`rollback`.execute(conn);
      return pending;
    });
    expectUnavailable(res);
    // The pool replaces the lost connection (a request may still meet it on its way out, and get a 503 too).
    await waitFor(async () => (await app.inject({ method: "GET", url: "/tasks" })).statusCode === 200, {
      what: "the list served again",
    });
  });

  it("answers 503 when Postgres refuses connections", async () => {
    const nowhere = new pg.Pool({ connectionString: `postgres://postgres@127.0.0.1:${await freePort()}/taskjet` });
    const offline = new Kysely<Database>({ dialect: new PostgresDialect({ pool: nowhere }) });
    const gateway = await buildApp({ ...ctx, db: offline, now: () => new Date() });
    try {
      expectUnavailable(await gateway.inject({ method: "GET", url: "/tasks" }));
      expectUnavailable(await gateway.inject({ method: "GET", url: "/tasks/recent" }));
      // Not ready meanwhile, so a load balancer sends its traffic elsewhere.
      const ready = await gateway.inject({ method: "GET", url: "/ready" });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({
        status: "unavailable",
        checks: { nats: expect.stringMatching(/^ok/), postgres: expect.stringMatching(/^down/) },
      });
    } finally {
      await gateway.close();
      await offline.destroy();
    }
  });
});
