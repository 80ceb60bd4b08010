import { z } from "zod";

/**
 * Outbound webhooks: what a receiver can ask for, what a subscription is, and what the webhooks stream carries.
 * Types follow Standard Webhooks' `<resource>.<what happened>` naming; the payload is `{type, timestamp, data}`.
 */
export const WEBHOOK_EVENT_TYPES = [
  "task.submitted",
  "task.scheduled",
  "task.awaiting_parent",
  "task.queued",
  "task.started",
  "task.retrying",
  "task.retry_requested",
  "task.completed",
  "task.failed",
  "task.cancelled",
] as const;
export const WebhookEventType = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof WebhookEventType>;

/** What a receiver hears when it names no types: how its tasks ended. */
export const DEFAULT_WEBHOOK_EVENTS: readonly WebhookEventType[] = ["task.completed", "task.failed", "task.cancelled"];

/** `webhook` on a task (POST /tasks, /chain): one receiver for this task's own events. */
export const TaskWebhook = z.object({
  url: z.url({ protocol: /^https?$/ }).max(2048),
  events: z.array(WebhookEventType).min(1).optional(),
});
export type TaskWebhook = z.infer<typeof TaskWebhook>;

/** A subscription's id: `whsub_` and 16 hex digits; safe as a KV key and a subject token. */
export const WebhookSubscriptionId = z.string().regex(/^whsub_[0-9a-f]{16}$/);

/** A tenant's subscription as the `<kvPrefix>_webhooks` bucket holds it, under its id. */
export const WebhookSubscription = z.object({
  id: WebhookSubscriptionId,
  tenant: z.string().min(1),
  url: TaskWebhook.shape.url,
  events: z.array(WebhookEventType).min(1),
  /** Standard Webhooks form: `whsec_` + base64 of 32 random bytes. */
  secret: z.string().startsWith("whsec_"),
  enabled: z.boolean(),
  description: z.string().max(200).nullable(),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
});
export type WebhookSubscription = z.infer<typeof WebhookSubscription>;

/**
 * Who a delivery is for: a task's own `webhook` (signed with its tenant's task-webhook secret), or a
 * subscription (signed with its own). `key` is the subject token: `task` or the subscription id.
 */
export const WebhookTarget = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("task") }),
  z.object({ kind: z.literal("subscription"), id: WebhookSubscriptionId }),
]);
export type WebhookTarget = z.infer<typeof WebhookTarget>;
export const targetKey = (t: WebhookTarget) => (t.kind === "task" ? "task" : t.id);

/** The body a receiver gets (Standard Webhooks' recommended shape). */
export const WebhookPayload = z.object({
  type: WebhookEventType,
  timestamp: z.iso.datetime({ offset: true }),
  data: z.record(z.string(), z.unknown()),
});
export type WebhookPayload = z.infer<typeof WebhookPayload>;

/** One delivery to make, as the webhooks stream carries it (subject per target and task). */
export const WebhookDelivery = z.object({
  v: z.literal(1),
  /** Standard Webhooks' `webhook-id`, and the message's Nats-Msg-Id: stable across redeliveries of its event. */
  webhookId: z.string().min(1),
  tenant: z.string().min(1),
  taskId: z.uuid(),
  target: WebhookTarget,
  /** Where to send it: the task's URL, or the subscription's when the event was dispatched (re-read on delivery). */
  url: TaskWebhook.shape.url,
  /** The sequence of the task event on the tasks stream: deliveries of one target and task go out in its order. */
  sourceSeq: z.number().int().positive(),
  payload: WebhookPayload,
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;
