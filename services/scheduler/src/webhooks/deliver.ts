import { decideWebhookAttempt, type WebhookDelivery } from "@taskjet/events";
import { recordWebhookAttempt, webhookAttemptsSoFar } from "@taskjet/read-model";
import { postWebhook, redactUrl, type Verdict, type WebhookResponse } from "@taskjet/runtime";
import { Webhook } from "standardwebhooks";
import type { WebhookDeps } from "./deps.ts";
import { type DispatchFloor, waitsForEarlier } from "./order.ts";

const WAIT_POLL_MAX_MS = 30_000;

export type DeliveryMessage = {
  delivery: WebhookDelivery;
  /** Its sequence on the webhooks stream, its subject, and how many times the server has handed it out. */
  seq: number;
  subject: string;
  deliveryCount: number;
};

/** Where and with which secret a delivery goes now; null when its subscription is gone or disabled. */
async function destinationOf(deps: WebhookDeps, d: WebhookDelivery) {
  if (d.target.kind === "task") return { url: d.url, secret: await deps.store.tenantSecret(d.tenant, deps.now()) };
  const sub = await deps.store.get(d.tenant, d.target.id);
  if (sub === null) return { dropped: "the subscription was deleted" };
  if (!sub.enabled) return { dropped: "the subscription is disabled" };
  return { url: sub.url, secret: sub.secret };
}

/**
 * One try at one delivery: wait (nak) while an earlier one for the same target and task is pending, or may still
 * be published (the dispatcher has not handled every earlier task event yet); else sign
 * it (Standard Webhooks, with the `standardwebhooks` package), POST it, record the try, and say what follows —
 * ack on a 2xx, else try again after the backoff until a day has passed since the first try (then recorded as
 * given up, and acked). A delivery whose subscription was deleted or disabled is dropped.
 */
export function deliverWebhook(
  deps: WebhookDeps & {
    floor: DispatchFloor;
    /** Told of every try (metrics). */
    attempted: (outcome: "delivered" | "failed" | "gave_up", latencyMs: number) => void;
  },
) {
  return async (m: DeliveryMessage): Promise<Verdict> => {
    const d = m.delivery;
    const earlierPending = async () =>
      !(await deps.floor.precedingDispatched(d.sourceSeq)) ||
      (await waitsForEarlier(deps.jsm, deps.names.webhookStream, m.subject, { seq: m.seq, sourceSeq: d.sourceSeq }));
    if (await earlierPending()) {
      // Polled again, less often the longer it waits, but at least every 30 s (the earlier one may be long retried).
      const grows = deps.policy.baseMs * 2 ** Math.min(Math.max(m.deliveryCount - 1, 0), 10);
      return { nak: Math.min(grows, deps.policy.maxMs, WAIT_POLL_MAX_MS) };
    }
    const destination = await destinationOf(deps, d);
    if ("dropped" in destination) {
      deps.log.info({ webhookId: d.webhookId, target: d.target }, `webhook not delivered: ${destination.dropped}`);
      return { ack: true };
    }
    const so = await webhookAttemptsSoFar(deps.db, d.webhookId);
    const sentAt = deps.now();
    const body = JSON.stringify(d.payload);
    const signature = new Webhook(destination.secret).sign(d.webhookId, sentAt, body);
    const response: WebhookResponse = await postWebhook({
      url: destination.url,
      headers: {
        "webhook-id": d.webhookId,
        "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
        "webhook-signature": signature,
      },
      body,
      timeoutMs: deps.timeoutMs,
      allowedHosts: deps.allowedHosts,
    });
    const ok = "status" in response && response.status >= 200 && response.status < 300;
    const now = deps.now();
    const next = decideWebhookAttempt(
      { ok, deliveryCount: so.count + 1, firstAttemptAt: so.first ?? sentAt, now },
      deps.policy,
      deps.random(),
    );
    await recordWebhookAttempt(deps.db, {
      tenant: d.tenant,
      target: d.target.kind === "task" ? "task" : d.target.id,
      webhookId: d.webhookId,
      taskId: d.taskId,
      eventType: d.payload.type,
      url: destination.url,
      attempt: so.count + 1,
      outcome: next.verdict === "retry" ? "failed" : next.verdict,
      statusCode: "status" in response ? response.status : null,
      error: "error" in response ? response.error : next.verdict === "gave_up" ? next.reason : null,
      latencyMs: response.latencyMs,
      responseExcerpt: "excerpt" in response ? response.excerpt : null,
      attemptedAt: sentAt,
    });
    deps.attempted(next.verdict === "retry" ? "failed" : next.verdict, response.latencyMs);
    if (next.verdict === "retry") return { nak: next.inMs };
    if (next.verdict === "gave_up")
      deps.log.warn({ webhookId: d.webhookId, url: redactUrl(destination.url) }, next.reason);
    return { ack: true };
  };
}
