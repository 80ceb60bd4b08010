import { describe, expect, it } from "vitest";
import { TaskEvent } from "../events.ts";
import { ev, TASK_ID } from "../fixtures.ts";
import { created, TaskState } from "../state.ts";
import type { WebhookSubscription } from "../webhooks.ts";
import { decideWebhookDeliveries, type WebhookContext } from "./webhooks.ts";

const sub = (o: Partial<WebhookSubscription> = {}): WebhookSubscription => ({
  id: "whsub_00000000000000a1",
  tenant: "acme",
  url: "https://hooks.example.com/taskjet",
  events: ["task.completed", "task.failed", "task.cancelled"],
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  enabled: true,
  description: null,
  createdAt: "2026-11-26T09:00:00.000Z",
  updatedAt: "2026-11-26T09:00:00.000Z",
  ...o,
});
const given = (o: Partial<WebhookContext> = {}): WebhookContext => ({
  seq: 42,
  tenant: "acme",
  taskWebhook: null,
  subscriptions: [],
  finishedBefore: false,
  ...o,
});
const when = (event: TaskEvent, ctx: WebhookContext) => decideWebhookDeliveries(event, ctx);
const completed = ev.completed({ at: "2026-11-26T10:00:01.000Z" });

describe("which deliveries a task event causes", () => {
  it("given a task webhook with no events named, when it completes, then one delivery of task.completed", () => {
    const out = when(completed, given({ taskWebhook: { url: "https://a.example/h" } }));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      v: 1,
      webhookId: `msg_task_${TASK_ID}:completed`,
      tenant: "acme",
      taskId: TASK_ID,
      target: { kind: "task" },
      url: "https://a.example/h",
      sourceSeq: 42,
      payload: {
        type: "task.completed",
        timestamp: "2026-11-26T10:00:01.000Z",
        data: { taskId: TASK_ID, seq: 42, output: completed.output, outputTruncated: false },
      },
    });
  });

  it("given a task webhook with the default events, when it starts, then nothing", () => {
    expect(when(ev.started(), given({ taskWebhook: { url: "https://a.example/h" } }))).toEqual([]);
  });

  it("given a task webhook asking for task.started, when it starts, then task.started", () => {
    const ctx = given({ taskWebhook: { url: "https://a.example/h", events: ["task.started"] } });
    expect(when(ev.started(), ctx).map((d) => d.payload.type)).toEqual(["task.started"]);
  });

  it("given two subscriptions and a task webhook, then one delivery each, with distinct ids", () => {
    const second = sub({ id: "whsub_00000000000000b2", url: "https://b.example/h" });
    const out = when(completed, given({ taskWebhook: { url: "https://a.example/h" }, subscriptions: [sub(), second] }));
    expect(out.map((d) => [d.target, d.url])).toEqual([
      [{ kind: "task" }, "https://a.example/h"],
      [{ kind: "subscription", id: "whsub_00000000000000a1" }, "https://hooks.example.com/taskjet"],
      [{ kind: "subscription", id: "whsub_00000000000000b2" }, "https://b.example/h"],
    ]);
    expect(new Set(out.map((d) => d.webhookId)).size).toBe(3);
  });

  it("given a disabled subscription, or another tenant's, then nothing for it", () => {
    const ctx = given({ subscriptions: [sub({ enabled: false }), sub({ tenant: "other" })] });
    expect(when(completed, ctx)).toEqual([]);
  });

  it("given the same event decided twice, then the same webhook ids (deduped on publish and by receivers)", () => {
    const ctx = given({ subscriptions: [sub()] });
    expect(when(completed, ctx).map((d) => d.webhookId)).toEqual(when(completed, ctx).map((d) => d.webhookId));
  });

  it("given a task already cancelled, when a TaskCompleted races in, then nothing is announced", () => {
    expect(when(completed, given({ subscriptions: [sub()], finishedBefore: true }))).toEqual([]);
  });

  it("given a retryable failed try, then task.retrying; a final one is left to task.failed", () => {
    const ctx = given({ subscriptions: [sub({ events: ["task.retrying", "task.failed"] })] });
    expect(when(ev.attemptFailed({ retryable: true }), ctx).map((d) => d.payload.type)).toEqual(["task.retrying"]);
    expect(when(ev.attemptFailed({ retryable: false }), ctx)).toEqual([]);
    expect(when(ev.failed(), ctx).map((d) => d.payload.type)).toEqual(["task.failed"]);
  });

  it("given a chained task, then task.submitted names its parents", () => {
    const ctx = given({ subscriptions: [sub({ events: ["task.submitted"] })] });
    const [d] = when(ev.chained(), ctx);
    expect(d?.payload.type).toBe("task.submitted");
    expect(d?.payload.data.parentIds).toEqual([ev.chained().parentId]);
  });

  it("given a lane wait, then nothing: it is flow control, not a change receivers act on", () => {
    const ctx = given({ subscriptions: [sub({ events: ["task.queued", "task.started"] })] });
    expect(when(ev.waiting(), ctx)).toEqual([]);
  });
});

describe("a task's webhook in its events and state", () => {
  it("given an event from before webhooks, then it decodes, and the task has none", () => {
    const older = TaskEvent.parse(JSON.parse(JSON.stringify(ev.submitted())));
    expect(older).not.toHaveProperty("webhook");
    expect(created(older as ReturnType<typeof ev.submitted>).webhook).toBeNull();
    const { webhook: _, ...olderState } = created(ev.submitted());
    expect(TaskState.parse(olderState).webhook).toBeNull();
  });

  it("given a submit with a webhook, then the task carries it", () => {
    const webhook = { url: "https://a.example/h", events: ["task.started" as const] };
    expect(created(ev.submitted({ webhook })).webhook).toEqual(webhook);
  });
});
