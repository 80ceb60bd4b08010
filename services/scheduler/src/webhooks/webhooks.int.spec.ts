import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Subscription } from "@nats-io/transport-node";
import { listWebhookAttempts, migrate } from "@taskjet/read-model";
import { followSubscriptions, inputLimits, openWebhookStore, type Running, type WebhookStore } from "@taskjet/runtime";
import { createTestContext, ev, runTestExecutor, type TestContext, waitFor } from "@taskjet/testkit";
import { Registry } from "prom-client";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScheduler } from "../scheduler.ts";
import { onTaskEventForWebhooks } from "./dispatch.ts";
import { startWebhooks } from "./start.ts";

/** What a receiver got: every request, and the ones it accepted (signature verified) in arrival order. */
type Received = { id: string; type: string; taskId: string; seq: number };

/** A local receiver: answers 500 to its first `failFirst` requests, then 204 to every request it can verify. */
async function receiver(secret: () => Promise<string>, failFirst: number) {
  const accepted: Received[] = [];
  let requests = 0;
  let unverified = 0;
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      requests += 1;
      if (requests <= failFirst) {
        res.writeHead(500).end("down for maintenance");
        return;
      }
      const body = Buffer.concat(chunks).toString();
      try {
        const payload = new Webhook(await secret()).verify(body, req.headers as Record<string, string>) as {
          type: string;
          data: { taskId: string; seq: number };
        };
        accepted.push({
          id: String(req.headers["webhook-id"]),
          type: payload.type,
          taskId: payload.data.taskId,
          seq: payload.data.seq,
        });
        res.writeHead(204).end();
      } catch {
        unverified += 1;
        res.writeHead(400).end("bad signature");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    accepted,
    requests: () => requests,
    unverified: () => unverified,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let ctx: TestContext;
let running: Running[];
let executor: Subscription;
let store: WebhookStore;
const registries = [new Registry(), new Registry()] as const;
/** A counter's value summed over both instances' registries. */
const counted = async (name: string, labels: Record<string, string>) => {
  let sum = 0;
  for (const r of registries) {
    const metric = await r.getSingleMetric(name)?.get();
    for (const v of metric?.values ?? []) {
      if (Object.entries(labels).every(([k, l]) => v.labels[k] === l)) sum += v.value;
    }
  }
  return sum;
};

beforeAll(async () => {
  ctx = await createTestContext("webhooks", {
    WEBHOOK_ALLOWED_HOSTS: "127.0.0.1",
    WEBHOOK_RETRY_BASE_MS: "20",
    WEBHOOK_RETRY_MAX_MS: "200",
    WEBHOOK_GIVE_UP_SECONDS: "3",
  });
  await migrate(ctx.db, ctx.names, ctx.log);
  const now = () => new Date();
  running = [
    ...(await startScheduler(
      { ...ctx, now, limits: inputLimits(ctx.config) },
      { ackWaitMs: 5000, config: ctx.config },
    )),
    // Two instances, as in production: they share both consumers (the second finds them made).
    ...(await startWebhooks({ ...ctx, now, db: ctx.db }, ctx.config, registries[0])),
    ...(await startWebhooks({ ...ctx, now, db: ctx.db }, ctx.config, registries[1])),
  ];
  executor = runTestExecutor(ctx.nc, ctx.js, ctx.subjects);
  store = await openWebhookStore(ctx.js, ctx.names, ctx.config);
});
afterAll(async () => {
  executor.unsubscribe();
  await Promise.all(running.map((r) => r.stop(1000)));
  await ctx.cleanup();
});

const submit = async (tenant: string, o: Parameters<typeof ev.submitted>[0] = {}) => {
  const taskId = randomUUID();
  await ctx.publish(ev.submitted({ taskId, tenant, prompt: `p-${taskId}`, at: new Date().toISOString(), ...o }));
  return taskId;
};

describe("outbound webhooks", () => {
  it("a receiver that fails its first five deliveries then gets every event once, in order per task, signed", async () => {
    const tenant = "acme";
    let secret = "";
    const r = await receiver(async () => secret, 5);
    const types = ["task.submitted", "task.queued", "task.started", "task.completed"] as const;
    const sub = await store.create(tenant, { url: r.url, events: types, enabled: true, description: null }, new Date());
    secret = sub.secret;
    // Another tenant's task is none of this subscription's business.
    await submit("other-tenant");
    const tasks = await Promise.all([submit(tenant), submit(tenant), submit(tenant)]);

    await waitFor(() => r.accepted.length >= tasks.length * types.length, { timeoutMs: 20_000, what: "12 deliveries" });
    for (const taskId of tasks) await ctx.historyWith(taskId, "TaskCompleted");
    // Every delivery once: no webhook-id twice, nothing else.
    expect(r.accepted).toHaveLength(tasks.length * types.length);
    expect(new Set(r.accepted.map((a) => a.id)).size).toBe(r.accepted.length);
    expect(r.unverified()).toBe(0);
    expect(new Set(r.accepted.map((a) => a.taskId))).toEqual(new Set(tasks));
    for (const taskId of tasks) {
      const mine = r.accepted.filter((a) => a.taskId === taskId);
      expect(mine.map((a) => a.type)).toEqual([...types]);
      expect(mine.map((a) => a.seq)).toEqual([...mine.map((a) => a.seq)].sort((a, b) => a - b));
    }

    // Every try is on record: the five refusals (500, with the answer's excerpt) and the twelve deliveries.
    const { attempts } = await listWebhookAttempts(ctx.db, { tenant, target: sub.id, limit: 100, cursor: null });
    expect(attempts.filter((a) => a.outcome === "failed")).toHaveLength(5);
    expect(attempts.filter((a) => a.outcome === "failed").every((a) => a.statusCode === 500)).toBe(true);
    expect(attempts.find((a) => a.outcome === "failed")?.responseExcerpt).toBe("down for maintenance");
    expect(attempts.filter((a) => a.outcome === "delivered")).toHaveLength(12);
    expect(attempts.every((a) => a.latencyMs !== null && a.latencyMs >= 0)).toBe(true);
    // A delivery retried carries its attempt number.
    expect(Math.max(...attempts.map((a) => a.attempt))).toBeGreaterThan(1);
    // Each instance counts its own tries; together, every one. The gauges read NATS.
    expect(await counted("taskjet_webhook_attempts_total", { outcome: "delivered" })).toBe(12);
    expect(await counted("taskjet_webhook_attempts_total", { outcome: "failed" })).toBe(5);
    expect(await registries[0].metrics()).toMatch(/taskjet_webhook_pending \d+/);
    expect(await registries[1].metrics()).toMatch(/taskjet_webhook_dispatch_lag_events \d+/);
    await r.close();
  });

  it("a task's own webhook gets how it ended, signed with the tenant's task-webhook secret", async () => {
    const tenant = "solo";
    const secret = await store.tenantSecret(tenant, new Date());
    const r = await receiver(async () => secret, 0);
    const taskId = await submit(tenant, { webhook: { url: r.url } });
    await waitFor(() => r.accepted.length >= 1, { what: "the task's completion" });
    await ctx.historyWith(taskId, "TaskCompleted");
    expect(r.accepted).toEqual([
      { id: `msg_task_${taskId}:completed`, type: "task.completed", taskId, seq: expect.any(Number) },
    ]);
    await r.close();
  });

  it("a receiver on a private address is refused at delivery, recorded, and given up after the retry window", async () => {
    const tenant = "ssrf";
    const taskId = await submit(tenant, { webhook: { url: "http://10.0.0.1:9/hook" } });
    const attempts = await waitFor(
      async () => {
        const page = await listWebhookAttempts(ctx.db, { tenant, taskId, limit: 100, cursor: null });
        return page.attempts.some((a) => a.outcome === "gave_up") ? page.attempts : undefined;
      },
      { timeoutMs: 15_000, what: "the delivery given up" },
    );
    expect(attempts.every((a) => a.statusCode === null)).toBe(true);
    expect(attempts.find((a) => a.outcome === "failed")?.error).toMatch(/private/);
    expect(attempts.filter((a) => a.outcome === "gave_up")).toHaveLength(1);
  });

  it("an event handled twice publishes its delivery once: the webhook-id is the message id", async () => {
    const tenant = "dedupe";
    const r = await receiver(async () => "", 1_000_000); // refuses all: nothing leaves the queue meanwhile
    await store.create(
      tenant,
      { url: r.url, events: ["task.submitted"], enabled: true, description: null },
      new Date(),
    );
    const subscriptions = await followSubscriptions(store, ctx.log);
    try {
      await waitFor(() => subscriptions.ofTenant(tenant).length === 1, { what: "the subscription followed" });
      const handle = onTaskEventForWebhooks({
        ...ctx,
        now: () => new Date(),
        store,
        subscriptions,
        policy: { baseMs: 20, maxMs: 200, giveUpAfterMs: 3000 },
        timeoutMs: 1000,
        allowedHosts: ["127.0.0.1"],
        random: () => 0.5,
      });
      const event = ev.submitted({ taskId: randomUUID(), tenant, at: new Date().toISOString() });
      const before = (await ctx.jsm.streams.info(ctx.names.webhookStream)).state.last_seq;
      const signal = new AbortController().signal;
      for (const deliverySeq of [1, 2]) await handle({ event, seq: 9_999_999, subject: "", deliverySeq, signal });
      expect((await ctx.jsm.streams.info(ctx.names.webhookStream)).state.last_seq).toBe(before + 1);
    } finally {
      await subscriptions.close();
      await r.close();
    }
  });

  it("what is pending for a subscription is dropped once it is disabled", async () => {
    const tenant = "dropped";
    const r = await receiver(async () => "", 1_000_000);
    const sub = await store.create(
      tenant,
      { url: r.url, events: ["task.submitted"], enabled: true, description: null },
      new Date(),
    );
    const taskId = await submit(tenant);
    const subject = ctx.subjects.webhook(sub.id, taskId);
    await waitFor(
      async () => (await listWebhookAttempts(ctx.db, { tenant, taskId, limit: 10, cursor: null })).attempts.length > 0,
      { what: "a first, refused try" },
    );
    await store.update(tenant, sub.id, { enabled: false }, new Date());
    await waitFor(
      async () =>
        (await ctx.jsm.direct.getMessage(ctx.names.webhookStream, { next_by_subj: subject, seq: 0 })) === null,
      { what: "the pending delivery dropped" },
    );
    expect(r.accepted).toEqual([]);
    await r.close();
  });
});
