import { firingEvent } from "@taskjet/events";
import { migrate, projectBatch } from "@taskjet/read-model";
import { readHistory } from "@taskjet/runtime";
import { createTestContext, type TestContext } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "./app.ts";
import { openScheduleStore } from "./schedules/store.ts";

let ctx: TestContext;
let app: Awaited<ReturnType<typeof buildApp>>;
/** The gateway's clock: fixed, so next runs are known. */
const NOW = new Date("2026-11-26T10:00:00.000Z");

beforeAll(async () => {
  ctx = await createTestContext("gwsched", { MAX_PROMPT_CHARS: "1000" });
  await migrate(ctx.db, ctx.names, ctx.log);
  app = await buildApp({ ...ctx, now: () => NOW });
});
afterAll(async () => {
  await app.close();
  await ctx.cleanup();
});

const as = (tenant: string) => ({ "x-tenant-id": tenant });
const call = (method: "GET" | "POST" | "PATCH" | "DELETE", url: string, payload?: object, tenant = "acme") =>
  app.inject({ method, url, headers: as(tenant), ...(payload ? { payload } : {}) });
const create = async (body: object, tenant = "acme") => {
  const res = await call("POST", "/schedules", body, tenant);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
};
const refused = async (body: object) => {
  const res = await call("POST", "/schedules", body);
  expect(res.statusCode, res.body).toBe(400);
  return res.json().error as { code: string; message: string; details: { path: string; message: string }[] };
};

describe("POST /schedules", () => {
  it("creates a schedule with its defaults and shows its next five runs", async () => {
    const s = await create({ cron: "0 * * * *", task: { prompt: "hourly" } });
    expect(s).toMatchObject({
      name: null,
      cron: "0 * * * *",
      timezone: "UTC",
      task: { prompt: "hourly" },
      overlap: "skip",
      catchUp: "latest",
      catchUpMax: 10,
      startAt: null,
      endAt: null,
      paused: false,
      lastFiring: null,
      lastSkip: null,
      queuedTick: null,
      firings: 0,
      skips: 0,
      createdAt: NOW.toISOString(),
    });
    expect(s.nextRuns).toEqual([11, 12, 13, 14, 15].map((h) => `2026-11-26T${h}:00:00.000Z`));
    const read = await call("GET", `/schedules/${s.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(s);
  });

  it("reads the cron in its time zone, from its start date", async () => {
    const s = await create({
      cron: "30 9 * * *",
      timezone: "Europe/Berlin",
      startAt: "2026-11-28T00:00:00Z",
      endAt: "2026-11-29T23:00:00Z",
      task: { prompt: "daily" },
    });
    expect(s.nextRuns).toEqual(["2026-11-28T08:30:00.000Z", "2026-11-29T08:30:00.000Z"]);
  });

  it("refuses, naming the field: a bad cron, one that never fires, an unknown time zone, an end before the start", async () => {
    const task = { prompt: "x" };
    expect((await refused({ cron: "61 * * * *", task })).details[0]?.path).toBe("body.cron");
    expect((await refused({ cron: "0 0 31 2 *", task })).details[0]).toEqual({
      path: "body.cron",
      message: "never fires",
    });
    expect((await refused({ cron: "* * * * *", timezone: "Mars/Olympus", task })).details[0]?.path).toBe(
      "body.timezone",
    );
    const late = await refused({
      cron: "* * * * *",
      task,
      startAt: "2026-12-01T00:00:00Z",
      endAt: "2026-11-30T00:00:00Z",
    });
    expect(late.details[0]).toEqual({ path: "body.endAt", message: "must come after startAt" });
    const over = await refused({ cron: "* * * * *", task, endAt: "2026-11-26T09:00:00Z" });
    expect(over.details[0]).toEqual({ path: "body.endAt", message: "must lie in the future" });
    expect((await refused({ cron: "* * * * *", task, overlap: "sometimes" })).details[0]?.path).toBe("body.overlap");
    expect((await refused({ cron: "* * * * *", task, catchUpMax: 0 })).details[0]?.path).toBe("body.catchUpMax");
  });

  it("refuses a task POST /tasks would refuse, and one that says when to run", async () => {
    const cron = "* * * * *";
    expect((await refused({ cron, task: {} })).code).toBe("invalid_request");
    expect((await refused({ cron, task: { prompt: "x", bogus: 1 } })).details[0]?.path).toMatch(/^body\.task/);
    expect((await refused({ cron, task: { prompt: "x".repeat(1001) } })).details[0]?.path).toBe("body.task.prompt");
    expect((await refused({ cron, task: { prompt: "x", temperature: 1.5 } })).details[0]).toEqual({
      path: "body.task.temperature",
      message: "fake takes 0 to 1",
    });
    expect((await refused({ cron, task: { prompt: "x", delaySeconds: 5 } })).details[0]?.path).toBe(
      "body.task.delaySeconds",
    );
    expect((await refused({ cron, task: { prompt: "x", parentIds: [NOW_ID] } })).details[0]?.path).toMatch(
      /^body\.task/,
    );
  });
});

const NOW_ID = "00000000-0000-4000-8000-000000000000";

describe("POST /schedules with an Idempotency-Key", () => {
  const post = (key: string, body: object) =>
    app.inject({
      method: "POST",
      url: "/schedules",
      headers: { ...as("acme"), "idempotency-key": key },
      payload: body,
    });

  it("makes one schedule however often it is sent; another body under the key is a 422, a deleted one a 409", async () => {
    const key = `sched-${NOW_ID.slice(0, 4)}-${Math.random()}`;
    const body = { cron: "0 * * * *", task: { prompt: "once" } };
    const first = await post(key, body);
    expect(first.statusCode).toBe(201);
    expect(first.headers["idempotent-replayed"]).toBeUndefined();
    const again = await post(key, body);
    expect(again.statusCode).toBe(201);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(again.json().id).toBe(first.json().id);
    expect((await post(key, { ...body, cron: "5 * * * *" })).statusCode).toBe(422);
    // The same key for a task is another key: it makes a task.
    const task = await app.inject({
      method: "POST",
      url: "/tasks",
      headers: { ...as("acme"), "idempotency-key": key },
      payload: { prompt: "a task" },
    });
    expect(task.statusCode).toBe(202);
    await call("DELETE", `/schedules/${first.json().id}`);
    const deleted = await post(key, body);
    expect(deleted.statusCode).toBe(409);
    expect(deleted.json().error.code).toBe("schedule_deleted");
    // A refused request claims no key.
    expect((await post(`${key}-bad`, { ...body, cron: "61 * * * *" })).statusCode).toBe(400);
    expect((await post(`${key}-bad`, body)).headers["idempotent-replayed"]).toBeUndefined();
  });
});

describe("GET, PATCH and DELETE /schedules/:id", () => {
  it("pauses and resumes: paused shows no next runs", async () => {
    const s = await create({ cron: "*/15 * * * *", task: { prompt: "q" }, name: "quarterly" });
    const paused = await call("PATCH", `/schedules/${s.id}`, { paused: true });
    expect(paused.statusCode).toBe(200);
    expect(paused.json()).toMatchObject({ paused: true, nextRuns: [], name: "quarterly" });
    const resumed = (await call("PATCH", `/schedules/${s.id}`, { paused: false, cron: "0 12 * * *" })).json();
    expect(resumed).toMatchObject({ paused: false, cron: "0 12 * * *" });
    expect(resumed.nextRuns[0]).toBe("2026-11-26T12:00:00.000Z");
    const bad = await call("PATCH", `/schedules/${s.id}`, {
      endAt: "2020-01-01T00:00:00Z",
      startAt: "2021-01-01T00:00:00Z",
    });
    expect(bad.statusCode).toBe(400);
    expect((await call("GET", `/schedules/${s.id}`)).json().cron).toBe("0 12 * * *");
  });

  it("replaces the task template, resolving the configured defaults into what each firing carries", async () => {
    const s = await create({ cron: "0 * * * *", task: { prompt: "old" } });
    const res = await call("PATCH", `/schedules/${s.id}`, { task: { prompt: "new", maxTokens: 77 } });
    expect(res.json().task).toEqual({ prompt: "new", maxTokens: 77 });
    const stored = await (await openScheduleStore(ctx.js, ctx.names, ctx.config)).get(s.id, "acme");
    expect(stored?.spec).toMatchObject({
      prompt: "new",
      maxTokens: 77,
      model: ctx.config.DEFAULT_MODEL,
      tenant: "acme",
    });
  });

  it("deletes: 204, then 404", async () => {
    const s = await create({ cron: "0 * * * *", task: { prompt: "bye" } });
    expect((await call("DELETE", `/schedules/${s.id}`)).statusCode).toBe(204);
    expect((await call("GET", `/schedules/${s.id}`)).statusCode).toBe(404);
    expect((await call("DELETE", `/schedules/${s.id}`)).statusCode).toBe(404);
  });

  it("keeps tenants apart: another tenant's schedule is a 404 to read, change or delete, and not listed", async () => {
    const theirs = await create({ cron: "0 * * * *", task: { prompt: "beta's secret" } }, "beta");
    for (const [method, payload] of [["GET"], ["PATCH", { paused: true }], ["DELETE"]] as const) {
      const res = await call(method, `/schedules/${theirs.id}`, payload);
      expect(res.statusCode, method).toBe(404);
      expect(res.body).not.toContain("beta's secret");
    }
    const mine = (await call("GET", "/schedules")).json().schedules as { id: string }[];
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.map((s) => s.id)).not.toContain(theirs.id);
    expect((await call("GET", "/schedules", undefined, "beta")).json().schedules).toEqual([
      expect.objectContaining({ id: theirs.id, paused: false }),
    ]);
    expect((await call("GET", "/schedules/not-a-uuid")).statusCode).toBe(400);
  });
});

describe("GET /tasks?scheduleId=", () => {
  it("lists the tasks a schedule fired, with scheduleId and the tick on each", async () => {
    const s = await create({ cron: "0 * * * *", task: { prompt: "fired" } });
    const record = await (await openScheduleStore(ctx.js, ctx.names, ctx.config)).get(s.id, "acme");
    if (record === null) throw new Error("the schedule is not stored");
    const ticks = ["2026-11-26T11:00:00.000Z", "2026-11-26T12:00:00.000Z"];
    for (const tick of ticks) {
      const event = firingEvent(record, tick, new Date(tick));
      await ctx.publish(event);
      await projectBatch(ctx.db, await readHistory(ctx.js, ctx.jsm, ctx.names, ctx.subjects, event.taskId), ctx.log);
    }
    await call("POST", "/tasks", { prompt: "not scheduled" });
    const page = (await call("GET", `/tasks?scheduleId=${s.id}`)).json();
    expect(page.tasks.map((t: { scheduledFor: string }) => t.scheduledFor)).toEqual([...ticks].reverse());
    expect(page.tasks[0]).toMatchObject({ scheduleId: s.id, prompt: "fired" });
    expect((await call("GET", `/tasks?scheduleId=${s.id}`, undefined, "beta")).json().tasks).toEqual([]);
  });
});
