import type { Consumer, ConsumerMessages, JsMsg } from "@nats-io/jetstream";
import { WebhookDelivery } from "@taskjet/events";
import type { Logger, Running, Verdict } from "@taskjet/runtime";
import type { DeliveryMessage } from "./deliver.ts";

const FETCH_EXPIRES_MS = 2000;

/**
 * The deliverer's consume loop (the runtime's `consume` reads task events; these are deliveries): pulls as many
 * as it has room for, keeps each in flight alive with `working()` while its POST runs, and is the one place
 * that acks, naks or terminates. An undecodable message is terminated (bare `term()`: NATS 2.9).
 */
export function consumeDeliveries(opts: {
  consumer: Consumer;
  handle: (m: DeliveryMessage) => Promise<Verdict>;
  log: Logger;
  concurrency: number;
  ackWaitMs: number;
}): Running {
  const { consumer, handle, log, concurrency } = opts;
  const inFlight = new Set<JsMsg>();
  let stopping = false;
  let slotFreed: (() => void) | null = null;
  let currentFetch: ConsumerMessages | null = null;
  const heartbeat = setInterval(
    () => {
      for (const m of inFlight) m.working();
    },
    Math.max(500, Math.floor(opts.ackWaitMs / 3)),
  );

  async function run(m: JsMsg) {
    let verdict: Verdict;
    const parsed = (() => {
      try {
        return WebhookDelivery.safeParse(m.json());
      } catch {
        return null;
      }
    })();
    if (parsed === null || !parsed.success) {
      verdict = { term: "not a webhook delivery" };
    } else {
      try {
        verdict = await handle({
          delivery: parsed.data,
          seq: m.seq,
          subject: m.subject,
          deliveryCount: m.info.deliveryCount,
        });
      } catch (err) {
        log.error({ err, seq: m.seq, subject: m.subject }, "webhook delivery failed; it will be redelivered");
        verdict = { nak: 1000 };
      }
    }
    if ("ack" in verdict) m.ack();
    else if ("nak" in verdict) m.nak(verdict.nak);
    else {
      log.warn({ seq: m.seq, subject: m.subject, reason: verdict.term }, "webhook message terminated");
      m.term();
    }
  }

  async function loop() {
    while (!stopping) {
      const room = concurrency - inFlight.size;
      if (room <= 0) {
        await new Promise<void>((resolve) => {
          slotFreed = resolve;
        });
        continue;
      }
      try {
        const batch = await consumer.fetch({ max_messages: room, expires: FETCH_EXPIRES_MS });
        currentFetch = batch;
        for await (const m of batch) {
          inFlight.add(m);
          void run(m).finally(() => {
            inFlight.delete(m);
            slotFreed?.();
            slotFreed = null;
          });
        }
      } catch (err) {
        if (stopping) break;
        log.warn({ err }, "webhook fetch failed; retrying");
        await new Promise((r) => setTimeout(r, 1000));
      } finally {
        currentFetch = null;
      }
    }
  }

  const done = loop();
  return {
    done,
    wake() {
      slotFreed?.();
      slotFreed = null;
    },
    async stop(graceMs: number) {
      stopping = true;
      slotFreed?.();
      await currentFetch?.close();
      await done;
      const deadline = Date.now() + graceMs;
      while (inFlight.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      // What is left comes back to another scheduler after ack_wait: at-least-once.
      clearInterval(heartbeat);
    },
  };
}
