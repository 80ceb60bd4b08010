import { TaskWebhook, WEBHOOK_EVENT_TYPES, WebhookEventType, type WebhookSubscription } from "@taskjet/events";
import type { WebhookAttemptRow } from "@taskjet/read-model";
import { z } from "zod";

const events = z
  .array(WebhookEventType)
  .min(1)
  .meta({ description: `which to receive, of ${WEBHOOK_EVENT_TYPES.join(", ")}` });

export const CreateWebhookBody = z
  .strictObject({
    url: TaskWebhook.shape.url,
    events: events.optional().meta({ description: "default: task.completed, task.failed, task.cancelled" }),
    enabled: z.boolean().optional(),
    description: z.string().max(200).optional(),
  })
  .meta({ example: { url: "https://hooks.example.com/taskjet", events: ["task.completed", "task.failed"] } });

export const PatchWebhookBody = z
  .strictObject({
    url: TaskWebhook.shape.url.optional(),
    events: events.optional(),
    enabled: z.boolean().optional(),
    description: z.string().max(200).nullable().optional(),
    rotateSecret: z.boolean().optional().meta({ description: "make a new secret: the answer shows it, once" }),
  })
  .meta({ example: { enabled: false } });

export const WebhookResource = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(WebhookEventType),
    enabled: z.boolean(),
    description: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Webhook" });
export const WebhookWithSecret = WebhookResource.extend({
  secret: z.string().meta({ description: "whsec_…: verify signatures with it (Standard Webhooks). Shown this once." }),
}).meta({ id: "WebhookWithSecret" });

export const toWebhookView = ({ secret: _, tenant: __, ...view }: WebhookSubscription) => view;

export const DeliveryAttempt = z
  .object({
    id: z.string(),
    webhookId: z.string().meta({ description: "the webhook-id header: the same on every try of one delivery" }),
    target: z.string().meta({ description: "the subscription's id, or `task` for a task's own webhook" }),
    taskId: z.string(),
    eventType: z.string(),
    url: z.string(),
    attempt: z.number().int(),
    outcome: z.enum(["delivered", "failed", "gave_up"]),
    statusCode: z.number().int().nullable(),
    error: z.string().nullable(),
    latencyMs: z.number().int().nullable(),
    responseExcerpt: z.string().nullable().meta({ description: "the first KiB of the answer" }),
    attemptedAt: z.string(),
  })
  .meta({ id: "WebhookDeliveryAttempt" });
export const DeliveryPage = z.object({ deliveries: z.array(DeliveryAttempt), nextCursor: z.string().nullable() });

export const DeliveryQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional().meta({ description: "nextCursor of the previous page" }),
});

export const toAttemptView = (r: WebhookAttemptRow): z.infer<typeof DeliveryAttempt> => ({
  ...r,
  attemptedAt: r.attemptedAt.toISOString(),
});
