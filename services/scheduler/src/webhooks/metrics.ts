import type { JetStreamManager } from "@nats-io/jetstream";
import type { Names } from "@taskjet/events";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/**
 * Outbound webhooks for Prometheus, on the scheduler's registry: tries by outcome and how long each took (per
 * process), and — read from NATS at scrape time, the same from every instance — the deliveries pending and the
 * task events the dispatcher has yet to look at.
 */
export function webhookMetrics(registry: Registry, jsm: JetStreamManager, names: Names, dispatchDurable: string) {
  const attempts = new Counter({
    name: "taskjet_webhook_attempts_total",
    help: "Tries at delivering a webhook, by outcome: delivered (2xx), failed (tried again later), gave_up",
    labelNames: ["outcome"],
    registers: [registry],
  });
  const seconds = new Histogram({
    name: "taskjet_webhook_attempt_seconds",
    help: "How long one webhook POST took, answered or not",
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  new Gauge({
    name: "taskjet_webhook_pending",
    help: "Webhook deliveries not yet delivered or given up (the WEBHOOKS work queue)",
    registers: [registry],
    async collect() {
      this.set((await jsm.streams.info(names.webhookStream)).state.messages);
    },
  });
  new Gauge({
    name: "taskjet_webhook_dispatch_lag_events",
    help: "Task events the webhook dispatcher has not looked at yet",
    registers: [registry],
    async collect() {
      this.set((await jsm.consumers.info(names.stream, dispatchDurable)).num_pending);
    },
  });
  return {
    attempted(outcome: "delivered" | "failed" | "gave_up", latencyMs: number) {
      attempts.inc({ outcome });
      seconds.observe(latencyMs / 1000);
    },
  };
}
export type WebhookMetrics = ReturnType<typeof webhookMetrics>;
