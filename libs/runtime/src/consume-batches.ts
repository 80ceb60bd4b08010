import type { Consumer, JsMsg } from "@nats-io/jetstream";
import { decodeEvent } from "@taskjet/events";
import type { StoredEvent } from "./events-io.ts";
import type { Logger } from "./logger.ts";

export type BatchOptions = {
  consumer: Consumer;
  /** Most events handled in one call; under load batches grow to this, when idle each event goes alone. */
  maxBatch: number;
  handle: (batch: StoredEvent[]) => Promise<void>;
  log: Logger;
};

/**
 * Group commit: messages pile up while a batch is being handled and the next call takes them all, so an idle
 * system handles each event at once and a busy one in large batches. Everything in a batch is acked only after
 * `handle` resolves; if it throws, the batch is nakked and comes back. Undecodable messages are logged with
 * their sequence and terminated so they never stall the stream.
 */
export function consumeBatches(opts: BatchOptions) {
  const { consumer, maxBatch, handle, log } = opts;
  const pending: JsMsg[] = [];
  let wake: (() => void) | null = null;
  let stopping = false;
  let messages: Awaited<ReturnType<Consumer["consume"]>> | null = null;

  async function pump() {
    messages = await consumer.consume({ max_messages: maxBatch * 2 });
    for await (const m of messages) {
      pending.push(m);
      wake?.();
      wake = null;
    }
  }

  async function drain() {
    while (!stopping || pending.length > 0) {
      if (pending.length === 0) {
        if (stopping) break;
        await new Promise<void>((r) => {
          wake = r;
        });
        continue;
      }
      const taken = pending.splice(0, maxBatch);
      const batch: StoredEvent[] = [];
      for (const m of taken) {
        const d = decodeEvent(m.data);
        if (d.ok) batch.push({ seq: m.seq, subject: m.subject, time: m.time.toISOString(), event: d.event });
        else log.warn({ seq: m.seq, subject: m.subject, reason: d.reason }, "undecodable event skipped");
      }
      try {
        await handle(batch);
        for (const m of taken) m.ack();
      } catch (err) {
        log.error({ err, first: taken[0]?.seq, size: taken.length }, "batch failed; it will be redelivered");
        for (const m of taken) m.nak(1000);
      }
    }
  }

  const pumped = pump().catch((err: unknown) => log.error({ err }, "consume ended"));
  const drained = drain();
  return {
    async stop() {
      stopping = true;
      await messages?.close();
      await pumped;
      wake?.();
      await drained;
    },
  };
}
