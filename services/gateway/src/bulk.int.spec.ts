import { randomUUID } from "node:crypto";
import { TimeoutError } from "@nats-io/transport-node";
import { migrate, projectBatch } from "@taskjet/read-model";
import { openBucket, readHistory } from "@taskjet/runtime";
import { createTestContext, ev, type TestContext } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "./app.ts";
import { idempotencyKeys } from "./idempotency.ts";
import { type KeyStore, openKeyStore } from "./keys/store.ts";

let ctx: TestContext;
let app: Awaited<ReturnType<typeof buildApp>>;
let store: KeyStore;
const keys = { acme: "", acmeRead: "", beta: "" };

beforeAll(async () => {
  ctx = await createTestContext("gwbulk", { AUTH_MODE: "required", MAX_PROMPT_CHARS: "1000" });
  await migrate(ctx.db, ctx.names, ctx.log);
  store = await openKeyStore(ctx.js, ctx.names, ctx.config);
  const now = new Date();
  keys.acme = (await store.create({ tenant: "acme", scopes: ["tasks:read", "tasks:write"] }, now)).key;
  keys.acmeRead = (await store.create({ tenant: "acme", scopes: ["tasks:read"] }, now)).key;
  keys.beta = (await store.create({ tenant: "beta", scopes: ["tasks:read", "tasks:write"] }, now)).key;
  app = await buildApp({ ...ctx, now: () => new Date() });
});
afterAll(async () => {
  await app?.close();
  await ctx.cleanup();
});

const post = (url: string, payload: object, key = keys.acme) =>
  app.inject({ method: "POST", url, headers: { authorization: `Bearer ${key}` }, payload });
/** A task has an `id` (and an `error` field of its own, null until it fails); a slot not accepted has none. */
type Slot = { id: string; status: string } | { error: { code: string } };
const batch = async (tasks: object[], key = keys.acme) => {
  const res = await post("/tasks/batch", { tasks }, key);
  return { status: res.statusCode, tasks: (res.json() as { tasks: Slot[] }).tasks, body: res.json() };
};
const idsOf = (slots: Slot[]) => slots.map((s) => ("id" in s ? s.id : ""));
const storedMessages = async () => (await ctx.jsm.streams.info(ctx.names.stream)).state.messages;
const submittedCount = async (id: string) => (await ctx.history(id)).filter((e) => e.type === "TaskSubmitted").length;
/** The read model as the projector would write it, for the filter's query. */
const project = async (ids: string[]) => {
  for (const id of ids)
    await projectBatch(ctx.db, await readHistory(ctx.js, ctx.jsm, ctx.names, ctx.subjects, id), ctx.log);
};
const fail = async (taskId: string) => {
  await ctx.publish(ev.queued({ taskId }));
  await ctx.publish(ev.started({ taskId }));
  await ctx.publish(ev.failed({ taskId, attempts: 1 }));
};

describe("POST /tasks/batch", () => {
  it("accepts a batch of 1,000 in request order, one TaskSubmitted each", async () => {
    const items = Array.from({ length: 1000 }, (_, i) => ({ prompt: `item ${i}` }));
    const res = await batch(items);
    expect(res.status).toBe(202);
    expect(res.tasks).toHaveLength(1000);
    expect(res.tasks.map((t) => ("id" in t ? (t as { prompt?: string }).prompt : null))).toEqual(
      items.map((i) => i.prompt),
    );
    const ids = idsOf(res.tasks);
    expect(new Set(ids).size).toBe(1000);
    for (const id of ids.slice(0, 20)) expect(await submittedCount(id)).toBe(1);
  });

  it("refuses a batch with two bad items as a whole, naming both, and publishes nothing", async () => {
    const before = await storedMessages();
    const res = await batch([
      { prompt: "fine" },
      { prompt: "too hot", temperature: 5 },
      { prompt: "fine too" },
      { maxTokens: 10 },
    ]);
    expect(res.status).toBe(400);
    const err = (res.body as { error: { code: string; details: { path: string }[] } }).error;
    expect(err.code).toBe("invalid_request");
    expect(err.details.map((d) => d.path)).toEqual(expect.arrayContaining(["body.tasks.1.temperature"]));
    // Both by the schema here; the rules beyond the schema (below) name theirs the same way.
    expect(err.details.some((d) => d.path.startsWith("body.tasks.3"))).toBe(true);

    const rules = await batch([{ prompt: "a", temperature: 1.5 }, { prompt: "b" }, { prompt: "x".repeat(1001) }]);
    expect(rules.status).toBe(400);
    const paths = (rules.body as { error: { details: { path: string }[] } }).error.details.map((d) => d.path);
    expect(paths).toEqual(["body.tasks.0.temperature", "body.tasks.2.prompt"]);
    expect(await storedMessages()).toBe(before);
  });

  it("replays per-item idempotency keys, and refuses a key reused for another request in its slot", async () => {
    const k = randomUUID();
    const first = await batch([
      { prompt: "one", idempotencyKey: `${k}-1` },
      { prompt: "two", idempotencyKey: `${k}-2` },
    ]);
    expect(first.status).toBe(202);
    const again = await batch([
      { prompt: "one", idempotencyKey: `${k}-1` },
      { prompt: "three" },
      { prompt: "not two", idempotencyKey: `${k}-2` },
    ]);
    expect(again.status).toBe(207);
    expect(idsOf(again.tasks)[0]).toBe(idsOf(first.tasks)[0]);
    expect(again.tasks[2]).toEqual({ error: expect.objectContaining({ code: "idempotency_key_reused" }) });
    expect(await submittedCount(idsOf(first.tasks)[0] as string)).toBe(1);
  });

  it("completes a batch whose keys were claimed but not published, without doubling any", async () => {
    const k = randomUUID();
    const items = Array.from({ length: 10 }, (_, i) => ({ prompt: `p ${i}`, idempotencyKey: `${k}-${i}` }));
    // A request that claimed items 0–4 and crashed before publishing them: its claims hold, no events.
    const claims = idempotencyKeys(await openBucket(ctx.js, ctx.names, "idempotency", ctx.config));
    const claimed: string[] = [];
    for (const { idempotencyKey, ...body } of items.slice(0, 5)) {
      claimed.push((await claims.claim("acme", idempotencyKey, { body, parentId: null }, randomUUID())).taskId);
    }
    const first = await batch(items);
    expect(first.status).toBe(202);
    expect(idsOf(first.tasks).slice(0, 5)).toEqual(claimed);
    const second = await batch(items);
    expect(idsOf(second.tasks)).toEqual(idsOf(first.tasks));
    for (const id of idsOf(first.tasks)) expect(await submittedCount(id)).toBe(1);
  });

  it("answers 207 when some publishes fail, and the same request again completes them without doubles", async () => {
    // A gateway whose NATS refuses the publishes of two items, as an outage mid-batch would.
    const refused = new Set(["refused 1", "refused 3"]);
    const js = new Proxy(ctx.js, {
      get(target, prop) {
        if (prop === "publish") {
          return (subject: string, data: Uint8Array, opts: object) => {
            const text = new TextDecoder().decode(data);
            if ([...refused].some((p) => text.includes(p))) return Promise.reject(new TimeoutError());
            return target.publish(subject, data, opts);
          };
        }
        const value = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const flaky = await buildApp({ ...ctx, js, now: () => new Date() });
    try {
      const k = randomUUID();
      const items = ["ok 0", "refused 1", "ok 2", "refused 3"].map((prompt, i) => ({
        prompt,
        idempotencyKey: `${k}-${i}`,
      }));
      const res = await flaky.inject({
        method: "POST",
        url: "/tasks/batch",
        headers: { authorization: `Bearer ${keys.acme}` },
        payload: { tasks: items },
      });
      expect(res.statusCode).toBe(207);
      const slots = (res.json() as { tasks: Slot[] }).tasks;
      expect(slots.map((s) => ("id" in s ? "ok" : s.error.code))).toEqual(["ok", "unavailable", "ok", "unavailable"]);

      const again = await batch(items);
      expect(again.status).toBe(202);
      const ids = idsOf(again.tasks);
      expect([ids[0], ids[2]]).toEqual([idsOf(slots)[0], idsOf(slots)[2]]);
      for (const id of ids) expect(await submittedCount(id)).toBe(1);
    } finally {
      await flaky.close();
    }
  });

  it("counts a batch as its tasks against the in-flight quota", async () => {
    const limited = (
      await store.create(
        { tenant: `quota${Date.now()}`, scopes: ["tasks:read", "tasks:write"], limits: { tasksInFlight: 5 } },
        new Date(),
      )
    ).key;
    const six = await batch(
      Array.from({ length: 6 }, (_, i) => ({ prompt: `q ${i}` })),
      limited,
    );
    expect(six.status).toBe(429);
    expect((six.body as { error: { code: string } }).error.code).toBe("quota_exceeded");
    expect(
      (
        await batch(
          Array.from({ length: 5 }, (_, i) => ({ prompt: `q ${i}` })),
          limited,
        )
      ).status,
    ).toBe(202);
    expect((await batch([{ prompt: "one more" }], limited)).status).toBe(429);
  });

  it("needs tasks:write", async () => {
    const res = await batch([{ prompt: "x" }], keys.acmeRead);
    expect(res.status).toBe(403);
    expect((await post("/tasks/cancel", { ids: [randomUUID()] }, keys.acmeRead)).statusCode).toBe(403);
    expect((await post("/tasks/retry", { ids: [randomUUID()] }, keys.acmeRead)).statusCode).toBe(403);
  });
});

describe("POST /tasks/cancel and /tasks/retry", () => {
  it("cancels by ids: active, finished, already cancelled, unknown and another tenant's", async () => {
    const [active, finished, cancelled] = idsOf(
      (await batch([{ prompt: "a" }, { prompt: "b" }, { prompt: "c" }])).tasks,
    );
    const [theirs] = idsOf((await batch([{ prompt: "beta's" }], keys.beta)).tasks);
    await ctx.publish(ev.queued({ taskId: finished as string }));
    await ctx.publish(ev.completed({ taskId: finished as string }));
    await post(`/tasks/${cancelled}/cancel`, {});
    const unknown = randomUUID();
    const res = await post("/tasks/cancel", { ids: [active, finished, cancelled, unknown, theirs], reason: "bulk" });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { results: { id: string; outcome: string; task?: object }[]; truncated: boolean };
    expect(body.results.map((r) => [r.id, r.outcome])).toEqual([
      [active, "cancelled"],
      [finished, "illegal_transition"],
      [cancelled, "already_cancelled"],
      [unknown, "not_found"],
      [theirs, "not_found"],
    ]);
    expect(body.results[0]?.task).toMatchObject({ status: "cancelled", cancelReason: "bulk" });
    expect(body.results[4]?.task).toBeUndefined();
    expect(body.truncated).toBe(false);
    expect((await ctx.history(theirs as string)).some((e) => e.type === "TaskCancelled")).toBe(false);
  });

  it("cancels by filter only the caller's active tasks, and refuses a finished status in the filter", async () => {
    const parent = idsOf((await batch([{ prompt: "parent" }])).tasks)[0] as string;
    const children = [] as string[];
    for (let i = 0; i < 3; i++) {
      const res = await post(`/tasks/${parent}/chain`, { prompt: `child ${i}` });
      children.push((res.json() as { id: string }).id);
    }
    await project([parent, ...children]);
    const res = await post("/tasks/cancel", { filter: { parentId: parent } });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { results: { id: string; outcome: string }[]; truncated: boolean };
    expect(body.results.map((r) => r.id).sort()).toEqual([...children].sort());
    expect(body.results.every((r) => r.outcome === "cancelled")).toBe(true);
    const bad = await post("/tasks/cancel", { filter: { status: ["completed"] } });
    expect(bad.statusCode).toBe(400);
    expect((await post("/tasks/cancel", { ids: [parent], filter: {} })).statusCode).toBe(400);
  });

  it("retries failed tasks by ids and by filter, and says a live one cannot be", async () => {
    const [a, b, live] = idsOf((await batch([{ prompt: "a" }, { prompt: "b" }, { prompt: "live" }])).tasks);
    await fail(a as string);
    await fail(b as string);
    const byIds = await post("/tasks/retry", { ids: [a, live] });
    expect(byIds.statusCode).toBe(200);
    expect((byIds.json() as { results: { outcome: string }[] }).results.map((r) => r.outcome)).toEqual([
      "retried",
      "illegal_transition",
    ]);
    expect((await ctx.history(a as string)).at(-1)).toMatchObject({ type: "TaskRetryRequested" });

    await project([b as string]);
    const byFilter = await post("/tasks/retry", { filter: { status: ["failed"] } });
    expect(byFilter.statusCode).toBe(200);
    const results = (byFilter.json() as { results: { id: string; outcome: string }[] }).results;
    expect(results).toContainEqual(expect.objectContaining({ id: b, outcome: "retried" }));
    expect((await ctx.history(b as string)).at(-1)).toMatchObject({ type: "TaskRetryRequested" });
  });
});
