import { migrate, recordWebhookAttempt } from "@taskjet/read-model";
import { createTestContext, type TestContext } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../app.ts";

let ctx: TestContext;
let app: Awaited<ReturnType<typeof buildApp>>;

beforeAll(async () => {
  ctx = await createTestContext("gwwebhooks", { WEBHOOK_ALLOWED_HOSTS: "127.0.0.1" });
  await migrate(ctx.db, ctx.names, ctx.log);
  app = await buildApp({ ...ctx, now: () => new Date() });
});
afterAll(async () => {
  await app.close();
  await ctx.cleanup();
});

const as = (tenant: string) => ({ "x-tenant-id": tenant });
const call = (tenant: string, method: "GET" | "POST" | "PATCH" | "DELETE", url: string, payload?: object) =>
  app.inject({ method, url, headers: as(tenant), ...(payload ? { payload } : {}) });
const RECEIVER = "http://127.0.0.1:9/hook";

describe("webhook subscriptions", () => {
  it("are created with a whsec_ secret shown once, listed, changed and deleted", async () => {
    const created = await call("acme", "POST", "/webhooks", { url: RECEIVER, events: ["task.completed"] });
    expect(created.statusCode).toBe(201);
    const sub = created.json();
    expect(sub).toMatchObject({ url: RECEIVER, events: ["task.completed"], enabled: true, description: null });
    expect(sub.id).toMatch(/^whsub_[0-9a-f]{16}$/);
    expect(sub.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{44}$/);

    const read = (await call("acme", "GET", `/webhooks/${sub.id}`)).json();
    expect(read).not.toHaveProperty("secret");
    const listed = (await call("acme", "GET", "/webhooks")).json();
    expect(listed.webhooks.map((w: { id: string }) => w.id)).toContain(sub.id);
    expect(JSON.stringify(listed)).not.toContain(sub.secret);

    const disabled = await call("acme", "PATCH", `/webhooks/${sub.id}`, { enabled: false });
    expect(disabled.json()).toMatchObject({ id: sub.id, enabled: false });
    expect(disabled.json()).not.toHaveProperty("secret");
    const rotated = (await call("acme", "PATCH", `/webhooks/${sub.id}`, { rotateSecret: true })).json();
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(sub.secret);

    const deliveries = await call("acme", "GET", `/webhooks/${sub.id}/deliveries?limit=10`);
    expect(deliveries.json()).toEqual({ deliveries: [], nextCursor: null });

    expect((await call("acme", "DELETE", `/webhooks/${sub.id}`)).statusCode).toBe(204);
    expect((await call("acme", "GET", `/webhooks/${sub.id}`)).statusCode).toBe(404);
  });

  it("are the tenant's own: another tenant's subscription is a 404 on every route, and not listed", async () => {
    const sub = (await call("acme", "POST", "/webhooks", { url: RECEIVER })).json();
    for (const [method, url, body] of [
      ["GET", `/webhooks/${sub.id}`],
      ["PATCH", `/webhooks/${sub.id}`, { enabled: false }],
      ["DELETE", `/webhooks/${sub.id}`],
      ["GET", `/webhooks/${sub.id}/deliveries`],
    ] as const) {
      const res = await call("beta", method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json().error.code).toBe("not_found");
    }
    expect((await call("beta", "GET", "/webhooks")).json()).toEqual({ webhooks: [] });
    expect((await call("acme", "GET", `/webhooks/${sub.id}`)).json()).toMatchObject({ enabled: true });
  });

  it("refuse a receiver on a private address (400) unless WEBHOOK_ALLOWED_HOSTS lets it through", async () => {
    for (const url of [
      "http://10.0.0.7/hook",
      "http://192.168.1.20/hook",
      "http://169.254.169.254/latest",
      "http://[::1]/hook",
      "http://localhost:8000/hook",
    ]) {
      const res = await call("acme", "POST", "/webhooks", { url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error).toMatchObject({ code: "webhook_url_refused" });
    }
    const sub = (await call("acme", "POST", "/webhooks", { url: RECEIVER })).json();
    expect((await call("acme", "PATCH", `/webhooks/${sub.id}`, { url: "http://10.0.0.7/x" })).statusCode).toBe(400);
    expect((await call("acme", "POST", "/webhooks", { url: "ftp://127.0.0.1/x" })).statusCode).toBe(400);
    expect((await call("acme", "POST", "/webhooks", { url: RECEIVER, events: ["task.exploded"] })).statusCode).toBe(
      400,
    );
  });

  it("give each tenant one secret for its tasks' own webhooks, made on first use, rotated on request", async () => {
    const first = (await call("acme", "POST", "/webhooks/task-secret", {})).json().secret;
    expect(first).toMatch(/^whsec_/);
    expect((await call("acme", "POST", "/webhooks/task-secret", {})).json().secret).toBe(first);
    expect((await call("beta", "POST", "/webhooks/task-secret", {})).json().secret).not.toBe(first);
    const rotated = (await call("acme", "POST", "/webhooks/task-secret", { rotate: true })).json().secret;
    expect(rotated).not.toBe(first);
  });
});

describe("deliveries", () => {
  it("list a subscription's tries newest first, a page at a time, and a task's across its receivers", async () => {
    const sub = (await call("acme", "POST", "/webhooks", { url: RECEIVER })).json();
    const task = (await call("acme", "POST", "/tasks", { prompt: "hi", webhook: { url: RECEIVER } })).json();
    const at = (s: number) => new Date(Date.UTC(2026, 10, 26, 10, 0, s));
    const attempt = (target: string, n: number, outcome: "failed" | "delivered") => ({
      tenant: "acme",
      target,
      webhookId: `msg_${target}_${task.id}:completed`,
      taskId: task.id,
      eventType: "task.completed",
      url: RECEIVER,
      attempt: n,
      outcome,
      statusCode: outcome === "failed" ? 503 : 204,
      error: null,
      latencyMs: 5,
      responseExcerpt: "",
      attemptedAt: at(n),
    });
    for (const n of [1, 2, 3]) await recordWebhookAttempt(ctx.db, attempt(sub.id, n, n < 3 ? "failed" : "delivered"));
    await recordWebhookAttempt(ctx.db, attempt("task", 1, "delivered"));

    const first = (await call("acme", "GET", `/webhooks/${sub.id}/deliveries?limit=2`)).json();
    expect(first.deliveries.map((d: { attempt: number }) => d.attempt)).toEqual([3, 2]);
    expect(first.deliveries[0]).toMatchObject({ outcome: "delivered", statusCode: 204, eventType: "task.completed" });
    const rest = (
      await call("acme", "GET", `/webhooks/${sub.id}/deliveries?limit=2&cursor=${first.nextCursor}`)
    ).json();
    expect(rest).toMatchObject({ deliveries: [{ attempt: 1, outcome: "failed", statusCode: 503 }], nextCursor: null });
    const ofTask = (await call("acme", "GET", `/tasks/${task.id}/deliveries`)).json();
    expect(ofTask.deliveries.map((d: { target: string }) => d.target).sort()).toEqual(
      [sub.id, sub.id, sub.id, "task"].sort(),
    );
    expect((await call("acme", "GET", `/webhooks/${sub.id}/deliveries?cursor=bogus`)).statusCode).toBe(400);
  });
});

describe("a task's own webhook", () => {
  it("is taken on POST /tasks and /chain, kept in its event and shown on the task", async () => {
    const res = await call("acme", "POST", "/tasks", {
      prompt: "hi",
      webhook: { url: RECEIVER, events: ["task.started"] },
    });
    expect(res.statusCode).toBe(202);
    const task = res.json();
    expect(task.webhook).toEqual({ url: RECEIVER, events: ["task.started"] });
    expect((await ctx.history(task.id))[0]).toMatchObject({ type: "TaskSubmitted", webhook: { url: RECEIVER } });
    const chained = await call("acme", "POST", `/tasks/${task.id}/chain`, {
      prompt: "more",
      webhook: { url: RECEIVER },
    });
    expect(chained.statusCode).toBe(202);
    expect(chained.json().webhook).toEqual({ url: RECEIVER });
    const plain = (await call("acme", "POST", "/tasks", { prompt: "no hook" })).json();
    expect(plain.webhook).toBeNull();
  });

  it("on a private address is refused with 400 naming the field, and no task is made", async () => {
    const res = await call("acme", "POST", "/tasks", { prompt: "hi", webhook: { url: "http://10.1.2.3/hook" } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: "webhook_url_refused", details: [{ path: "body.webhook.url" }] });
    const batch = await call("acme", "POST", "/tasks/batch", {
      tasks: [{ prompt: "x", webhook: { url: "http://172.16.0.1/" } }],
    });
    // In a batch the URL is resolved with the item's other checks: its slot says why, the others go on.
    expect(batch.statusCode).toBe(207);
    expect(batch.json().tasks[0].error).toMatchObject({ code: "webhook_url_refused" });
  });

  it("has its tries listed at GET /tasks/:id/deliveries, a 404 for another tenant", async () => {
    const task = (await call("acme", "POST", "/tasks", { prompt: "hi", webhook: { url: RECEIVER } })).json();
    expect((await call("acme", "GET", `/tasks/${task.id}/deliveries`)).json()).toEqual({
      deliveries: [],
      nextCursor: null,
    });
    expect((await call("beta", "GET", `/tasks/${task.id}/deliveries`)).statusCode).toBe(404);
  });
});
