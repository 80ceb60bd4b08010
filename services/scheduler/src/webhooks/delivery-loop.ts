import type { Consumer } from "@nats-io/jetstream";
import { WebhookDelivery } from "@taskjet/events";
import { consumeMessages, type Logger, type Running, type Verdict } from "@taskjet/runtime";
import type { DeliveryMessage } from "./deliver.ts";

/**
 * The deliverer's consumption: the runtime's pull loop (the one place that acks, naks, terminates and keeps a
 * POST in flight alive with `working()`) over the webhooks stream, whose messages are deliveries, not task
 * events. One that does not parse is terminated.
 */
export function consumeDeliveries(opts: {
  consumer: Consumer;
  handle: (m: DeliveryMessage) => Promise<Verdict>;
  log: Logger;
  concurrency: number;
  ackWaitMs: number;
}): Running {
  return consumeMessages({
    ...opts,
    async handle(m) {
      const parsed = WebhookDelivery.safeParse(parseJson(m.data));
      if (!parsed.success) return { term: "not a webhook delivery" };
      return opts.handle({
        delivery: parsed.data,
        seq: m.seq,
        subject: m.subject,
        deliveryCount: m.info.deliveryCount,
      });
    },
  });
}

function parseJson(data: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(data));
  } catch {
    return null;
  }
}
