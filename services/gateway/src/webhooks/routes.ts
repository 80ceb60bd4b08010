import { WebhookSubscriptionId } from "@taskjet/events";
import { decodeAttemptCursor, listWebhookAttempts } from "@taskjet/read-model";
import type { WebhookStore } from "@taskjet/runtime";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ErrorBody, TaskId } from "../api-schemas.ts";
import { checkWebhookUrl } from "../create-task.ts";
import type { GatewayDeps } from "../deps.ts";
import { ApiError } from "../errors.ts";
import { readTask } from "../task-reader.ts";
import {
  CreateWebhookBody,
  DeliveryPage,
  DeliveryQuery,
  PatchWebhookBody,
  toAttemptView,
  toWebhookView,
  WebhookResource,
  WebhookWithSecret,
} from "./schemas.ts";

const DEFAULT_EVENTS = ["task.completed", "task.failed", "task.cancelled"] as const;
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };
const Params = z.object({ id: WebhookSubscriptionId });
const notFound = (id: string) => new ApiError(404, "not_found", `no webhook ${id}`);

function cursorOf(text: string | undefined) {
  if (text === undefined) return null;
  const c = decodeAttemptCursor(text);
  if (c === null) throw new ApiError(400, "invalid_cursor", "cursor is not one this API gave");
  return c;
}

/**
 * A tenant's webhook subscriptions (`/webhooks`), the secret that signs its tasks' own webhooks, and the tries
 * at delivering them. Another tenant's subscription is a 404. Reading needs tasks:read, the rest tasks:write.
 */
export const webhookRoutes =
  (deps: GatewayDeps, store: WebhookStore): FastifyPluginAsyncZod =>
  async (app) => {
    const allowed = deps.config.WEBHOOK_ALLOWED_HOSTS;

    app.post(
      "/webhooks",
      {
        schema: {
          summary: "Subscribe to the tenant's task events",
          description:
            "Every event of the chosen types, of every task of the tenant, is POSTed to `url` (Standard Webhooks: " +
            "webhook-id, webhook-timestamp, webhook-signature), retried with backoff for a day. The answer " +
            "carries `secret`, the only time it is shown.",
          tags: ["webhooks"],
          body: CreateWebhookBody,
          response: { 201: WebhookWithSecret, ...errors },
        },
      },
      async (req, reply) => {
        await checkWebhookUrl(req.body.url, allowed, "body.url");
        const sub = await store.create(
          req.principal.tenant,
          {
            url: req.body.url,
            events: req.body.events ?? DEFAULT_EVENTS,
            enabled: req.body.enabled ?? true,
            description: req.body.description ?? null,
          },
          deps.now(),
        );
        return reply.status(201).send({ ...toWebhookView(sub), secret: sub.secret });
      },
    );

    app.get(
      "/webhooks",
      {
        schema: {
          summary: "List the tenant's webhook subscriptions",
          tags: ["webhooks"],
          response: { 200: z.object({ webhooks: z.array(WebhookResource) }), ...errors },
        },
      },
      async (req) => ({ webhooks: (await store.list(req.principal.tenant)).map(toWebhookView) }),
    );

    app.post(
      "/webhooks/task-secret",
      {
        schema: {
          summary: "The secret that signs the tenant's task webhooks",
          description:
            "Deliveries to a task's own `webhook` are signed with one secret per tenant, made on first use. " +
            "`rotate: true` makes a new one (deliveries from then on use it).",
          tags: ["webhooks"],
          body: z.strictObject({ rotate: z.boolean().optional() }).optional(),
          response: { 200: z.object({ secret: z.string() }), ...errors },
        },
      },
      async (req) => ({
        secret: await store.tenantSecret(req.principal.tenant, deps.now(), req.body?.rotate ?? false),
      }),
    );

    app.get(
      "/webhooks/:id",
      {
        schema: {
          summary: "Get a webhook subscription",
          tags: ["webhooks"],
          params: Params,
          response: { 200: WebhookResource, ...errors, 404: ErrorBody },
        },
      },
      async (req) => {
        const sub = await store.get(req.principal.tenant, req.params.id);
        if (sub === null) throw notFound(req.params.id);
        return toWebhookView(sub);
      },
    );

    app.patch(
      "/webhooks/:id",
      {
        schema: {
          summary: "Change a webhook subscription",
          description:
            "Disabling one drops what is still pending for it. With `rotateSecret` the answer shows the new secret.",
          tags: ["webhooks"],
          params: Params,
          body: PatchWebhookBody,
          response: { 200: WebhookWithSecret.partial({ secret: true }), ...errors, 404: ErrorBody },
        },
      },
      async (req) => {
        if (req.body.url !== undefined) await checkWebhookUrl(req.body.url, allowed, "body.url");
        const sub = await store.update(req.principal.tenant, req.params.id, req.body, deps.now());
        if (sub === null) throw notFound(req.params.id);
        return { ...toWebhookView(sub), ...(req.body.rotateSecret ? { secret: sub.secret } : {}) };
      },
    );

    app.delete(
      "/webhooks/:id",
      {
        schema: {
          summary: "Delete a webhook subscription",
          description: "What is still pending for it is dropped; its deliveries stay listed.",
          tags: ["webhooks"],
          params: Params,
          response: { 204: z.null(), ...errors, 404: ErrorBody },
        },
      },
      async (req, reply) => {
        if (!(await store.remove(req.principal.tenant, req.params.id))) throw notFound(req.params.id);
        return reply.status(204).send(null);
      },
    );

    app.get(
      "/webhooks/:id/deliveries",
      {
        schema: {
          summary: "Every try at delivering to a subscription",
          description:
            "Newest first: event type, task, webhook-id, attempt, status or error, latency, the answer's first KiB.",
          tags: ["webhooks"],
          params: Params,
          querystring: DeliveryQuery,
          response: { 200: DeliveryPage, ...errors, 404: ErrorBody },
        },
      },
      async (req) => {
        const { tenant } = req.principal;
        if ((await store.get(tenant, req.params.id)) === null) throw notFound(req.params.id);
        const cursor = cursorOf(req.query.cursor);
        const page = await listWebhookAttempts(deps.db, {
          tenant,
          target: req.params.id,
          limit: req.query.limit,
          cursor,
        });
        return { deliveries: page.attempts.map(toAttemptView), nextCursor: page.nextCursor };
      },
    );

    app.get(
      "/tasks/:id/deliveries",
      {
        schema: {
          summary: "Every try at delivering a task's webhooks",
          description: "Its own `webhook`'s and the tenant's subscriptions' tries for this task, newest first.",
          tags: ["webhooks"],
          params: z.object({ id: TaskId }),
          querystring: DeliveryQuery,
          response: { 200: DeliveryPage, ...errors, 404: ErrorBody },
        },
      },
      async (req) => {
        const { tenant } = req.principal;
        await readTask(deps, req.params.id, tenant); // 404 for none, or another tenant's
        const cursor = cursorOf(req.query.cursor);
        const page = await listWebhookAttempts(deps.db, {
          tenant,
          taskId: req.params.id,
          limit: req.query.limit,
          cursor,
        });
        return { deliveries: page.attempts.map(toAttemptView), nextCursor: page.nextCursor };
      },
    );
  };
