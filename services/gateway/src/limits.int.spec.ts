import { createDb, migrate, projectBatch } from "@taskjet/read-model";
import { readHistory } from "@taskjet/runtime";
import { createTestContext, type TestContext } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "./app.ts";
import { openKeyStore } from "./keys/store.ts";

type App = Awaited<ReturnType<typeof buildApp>>;

let ctx: TestContext;
const apps: App[] = [];
/** Both gateways' clock: the rate-limit buckets refill only when a test moves it. */
let nowMs = Date.parse("2026-11-26T13:00:00.000Z");

/** A gateway on the test's namespace with these limits; several share their state through NATS and Postgres. */
async function gateway(limits: Partial<TestContext["config"]>) {
  const app = await buildApp({ ...ctx, config: { ...ctx.config, ...limits }, now: () => new Date(nowMs) });
  apps.push(app);
  return app;
}

beforeAll(async () => {
  ctx = await createTestContext("limits");
  await migrate(ctx.db, ctx.names, ctx.log);
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await ctx.cleanup();
});

const list = (app: App, tenant: string) =>
  app.inject({ method: "GET", url: "/tasks", headers: { "x-tenant-id": tenant } });
const submit = (app: App, tenant: string, headers: Record<string, string> = {}) =>
  app.inject({
    method: "POST",
    url: "/tasks",
    headers: { "x-tenant-id": tenant, ...headers },
    payload: { prompt: "hi" },
  });

/** Writes a task's events to the read model, as the projector would. */
async function project(taskId: string) {
  await projectBatch(ctx.db, await readHistory(ctx.js, ctx.jsm, ctx.names, ctx.subjects, taskId), ctx.log);
}

describe("requests per second, shared by two gateways", () => {
  it("given a burst of 3 at 2/s, when a 4th request comes to either gateway, then 429 rate_limited with the draft headers", async () => {
    const a = await gateway({ RATE_LIMIT_RPS: 2, RATE_LIMIT_BURST: 3 });
    const b = await gateway({ RATE_LIMIT_RPS: 2, RATE_LIMIT_BURST: 3 });
    const passed = [await list(a, "rl-one"), await list(b, "rl-one"), await list(a, "rl-one")];
    expect(passed.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    expect(passed.map((r) => r.headers.ratelimit)).toEqual(['"rps";r=2;t=1', '"rps";r=1;t=1', '"rps";r=0;t=2']);
    expect(passed[0]?.headers["ratelimit-policy"]).toBe('"rps";q=3;w=2');

    for (const app of [b, a]) {
      const refused = await list(app, "rl-one");
      expect(refused.statusCode).toBe(429);
      expect(refused.json().error.code).toBe("rate_limited");
      expect(refused.headers["retry-after"]).toBe("1");
      expect(refused.headers["ratelimit-policy"]).toBe('"rps";q=3;w=2');
      expect(refused.headers.ratelimit).toBe('"rps";r=0;t=2');
    }
    // Another tenant has a bucket of its own; probes are never limited.
    expect((await list(b, "rl-two")).statusCode).toBe(200);
    expect((await a.inject({ method: "GET", url: "/health", headers: { "x-tenant-id": "rl-one" } })).statusCode).toBe(
      200,
    );

    nowMs += 500; // one request's worth refills
    expect((await list(b, "rl-one")).statusCode).toBe(200);
    expect((await list(a, "rl-one")).statusCode).toBe(429);
  });

  it("with no limit configured (the default), sends no RateLimit headers", async () => {
    const app = await gateway({});
    const res = await list(app, "rl-none");
    expect(res.statusCode).toBe(200);
    expect(res.headers.ratelimit).toBeUndefined();
  });
});

describe("tasks in flight per tenant, across two gateways", () => {
  it("refuses the 3rd submit while 2 are unfinished, claiming no idempotency key, and accepts again once one finishes", async () => {
    const limits = { TASKS_IN_FLIGHT_LIMIT: 2, TASKS_IN_FLIGHT_CACHE_MS: 0 };
    const a = await gateway(limits);
    const b = await gateway(limits);
    const tenant = "quota-one";
    const first = await submit(a, tenant);
    const second = await submit(a, tenant);
    expect([first.statusCode, second.statusCode]).toEqual([202, 202]);
    expect(second.headers["ratelimit-policy"]).toBe('"tasks-in-flight";q=2');
    expect(second.headers.ratelimit).toBe('"tasks-in-flight";r=0;t=0');

    // Gateway a knows what it accepted even before the projector has written it.
    const local = await submit(a, tenant, { "idempotency-key": "third" });
    expect(local.statusCode).toBe(429);
    expect(local.json().error.code).toBe("quota_exceeded");
    expect(local.headers["retry-after"]).toBe("1");
    expect(local.headers.ratelimit).toBe('"tasks-in-flight";r=0;t=1');

    // Gateway b sees them once projected.
    await project(first.json().id);
    await project(second.json().id);
    const remote = await submit(b, tenant);
    expect(remote.statusCode).toBe(429);
    expect(remote.json().error.code).toBe("quota_exceeded");
    expect((await submit(b, "quota-other")).statusCode).toBe(202); // another tenant's quota is its own

    const cancel = await b.inject({
      method: "POST",
      url: `/tasks/${first.json().id}/cancel`,
      headers: { "x-tenant-id": tenant },
      payload: {},
    });
    expect(cancel.statusCode).toBe(202);
    await project(first.json().id);

    // The refused request claimed no key: the same key now makes a new task, not a replay of a refusal.
    const again = await submit(b, tenant, { "idempotency-key": "third" });
    expect(again.statusCode).toBe(202);
    expect(again.headers["idempotent-replayed"]).toBeUndefined();
    // Gateway a counts b's task once the projector has written it (the quota's documented error bound).
    await project(again.json().id);
    expect((await submit(a, tenant)).statusCode).toBe(429);

    // Gateway a holds nothing back for the requests it answered: one more finishes, and it accepts again.
    const cancelSecond = await a.inject({
      method: "POST",
      url: `/tasks/${second.json().id}/cancel`,
      headers: { "x-tenant-id": tenant },
      payload: {},
    });
    expect(cancelSecond.statusCode).toBe(202);
    await project(second.json().id);
    expect((await submit(a, tenant)).statusCode).toBe(202);
  });
});

describe("when a limit's state is out of reach", () => {
  it("with the read model down, submits go on: a task needs NATS, not Postgres, and the quota fails open", async () => {
    const config = { ...ctx.config, TASKS_IN_FLIGHT_LIMIT: 1, DATABASE_URL: "postgres://postgres@127.0.0.1:1/none" };
    const db = createDb(config, ctx.names, { name: "test-limits-down", log: ctx.log, max: 1 });
    const app = await buildApp({ ...ctx, db, config, now: () => new Date(nowMs) });
    try {
      for (let i = 0; i < 2; i++) expect((await submit(app, "quota-down")).statusCode).toBe(202);
    } finally {
      await app.close();
      await db.destroy();
    }
  });
});

describe("a key's own limits, with auth on", () => {
  it("a key's requestsPerSecond and tasksInFlight override the tenant's defaults, on both gateways", async () => {
    const store = await openKeyStore(ctx.js, ctx.names, ctx.config);
    const scopes = ["tasks:read", "tasks:write"] as const;
    const make = async (limits?: { requestsPerSecond?: number; tasksInFlight?: number }) =>
      (await store.create({ tenant: "keyed", scopes: [...scopes], limits }, new Date(nowMs))).key;
    const tight = await make({ requestsPerSecond: 1, tasksInFlight: 1 });
    const plain = await make();
    // Tenant defaults far above the key's: the key's own limits are what bite.
    const config = { AUTH_MODE: "required" as const, RATE_LIMIT_RPS: 100, TASKS_IN_FLIGHT_LIMIT: 100 };
    const a = await gateway({ ...config, TASKS_IN_FLIGHT_CACHE_MS: 0 });
    const b = await gateway({ ...config, TASKS_IN_FLIGHT_CACHE_MS: 0 });
    const as = (key: string) => ({ authorization: `Bearer ${key}` });

    const first = await a.inject({ method: "POST", url: "/tasks", headers: as(tight), payload: { prompt: "hi" } });
    expect(first.statusCode).toBe(202);
    expect(first.headers["ratelimit-policy"]).toBe('"rps";q=1;w=1, "tasks-in-flight";q=1');
    const limited = await b.inject({ method: "GET", url: "/tasks", headers: as(tight) });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error).toMatchObject({ code: "rate_limited", details: { requestsPerSecond: 1 } });
    // Another key of the same tenant has a bucket of its own, at the tenant's default rate.
    const other = await b.inject({ method: "GET", url: "/tasks", headers: as(plain) });
    expect(other.statusCode).toBe(200);
    expect(other.headers["ratelimit-policy"]).toBe('"rps";q=100;w=1');

    nowMs += 1000;
    await project(first.json().id);
    const second = await b.inject({ method: "POST", url: "/tasks", headers: as(tight), payload: { prompt: "hi" } });
    expect(second.statusCode).toBe(429);
    expect(second.json().error).toMatchObject({ code: "quota_exceeded", details: { tasksInFlight: 1 } });
  });
});

describe("a tenant's total rate over all its keys, with auth on", () => {
  it("given a tenant total of 2/s (burst 3) over three keys, then the 4th request on either gateway is 429 tenant_rate_limited, and a refusal by one limit spends nothing of the other", async () => {
    const store = await openKeyStore(ctx.js, ctx.names, ctx.config);
    const make = async (tenant: string, limits?: { requestsPerSecond?: number }) =>
      (await store.create({ tenant, scopes: ["tasks:read"], limits }, new Date(nowMs))).key;
    const [k1, k2, k3] = [await make("fleet"), await make("fleet"), await make("fleet")];
    const tight = await make("fleet", { requestsPerSecond: 1 });
    const elsewhere = await make("fleet-other");
    // Each key alone could make 100 a second: the tenant's total is what bites.
    const config = {
      AUTH_MODE: "required" as const,
      RATE_LIMIT_RPS: 100,
      RATE_LIMIT_TENANT_RPS: 2,
      RATE_LIMIT_TENANT_BURST: 3,
    };
    const a = await gateway(config);
    const b = await gateway(config);
    const get = (app: App, key: string) =>
      app.inject({ method: "GET", url: "/tasks", headers: { authorization: `Bearer ${key}` } });

    const passed = [await get(a, k1), await get(b, k2), await get(a, k3)];
    expect(passed.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    // The headers name the tighter limit: the tenant's, with fewer requests left than any key's.
    expect(passed.map((r) => r.headers.ratelimit)).toEqual([
      '"tenant-rps";r=2;t=1',
      '"tenant-rps";r=1;t=1',
      '"tenant-rps";r=0;t=2',
    ]);
    expect(passed[0]?.headers["ratelimit-policy"]).toBe('"tenant-rps";q=3;w=2');
    for (const [app, key] of [
      [b, k1],
      [a, k2],
    ] as const) {
      const refused = await get(app, key);
      expect(refused.statusCode).toBe(429);
      expect(refused.json().error).toMatchObject({
        code: "tenant_rate_limited",
        details: { limit: "tenantRequestsPerSecond", requestsPerSecond: 2, burst: 3 },
      });
      expect(refused.headers["retry-after"]).toBe("1");
      expect(refused.headers["ratelimit-policy"]).toBe('"tenant-rps";q=3;w=2');
      expect(refused.headers.ratelimit).toBe('"tenant-rps";r=0;t=2');
    }
    // Another tenant's keys count against a total of their own.
    expect((await get(b, elsewhere)).statusCode).toBe(200);

    nowMs += 1000; // two requests' worth of the tenant's total refills
    // A key at 1/s: its own bucket is now the tighter one, and is what the headers and the refusal name.
    const once = await get(a, tight);
    expect(once.statusCode).toBe(200);
    expect(once.headers["ratelimit-policy"]).toBe('"rps";q=1;w=1');
    expect(once.headers.ratelimit).toBe('"rps";r=0;t=1');
    const twice = await get(b, tight);
    expect(twice.statusCode).toBe(429);
    expect(twice.json().error).toMatchObject({ code: "rate_limited", details: { requestsPerSecond: 1 } });
    // The key's refusal took nothing from the tenant's total: one request's worth is still there, and only one.
    const last = await get(b, k2);
    expect(last.statusCode).toBe(200);
    expect(last.headers.ratelimit).toBe('"tenant-rps";r=0;t=2');
    expect((await get(a, k3)).json().error.code).toBe("tenant_rate_limited");
  });
});
