import type { JetStreamManager } from "@nats-io/jetstream";
import { WebhookDelivery } from "@taskjet/events";

/** Pending deliveries of one target and task looked at, at most, before one is sent (there are a handful). */
const SCAN_LIMIT = 200;

/**
 * Whether a delivery must wait: another delivery for the same target and task is still pending (the stream is a
 * work queue: a delivered or given-up one has left it) and comes from an earlier task event. Compared by the
 * task event's sequence, not by arrival, so deliveries published out of order (by two schedulers) still go out
 * in the task's order.
 */
export async function waitsForEarlier(
  jsm: JetStreamManager,
  stream: string,
  subject: string,
  mine: { seq: number; sourceSeq: number },
): Promise<boolean> {
  let from = 0;
  for (let i = 0; i < SCAN_LIMIT; i++) {
    const m = await jsm.direct.getMessage(stream, { next_by_subj: subject, seq: from });
    if (m === null) return false;
    from = m.seq + 1;
    if (m.seq === mine.seq) continue;
    const other = WebhookDelivery.safeParse(m.json());
    if (other.success && other.data.sourceSeq < mine.sourceSeq) return true;
  }
  return false;
}

/** How long a delivery waits in place for the dispatcher to catch up before it is handed back (nak). */
const FLOOR_WAIT_MS = 2000;
const FLOOR_POLL_MS = 20;

/**
 * Whether the dispatcher has handled every task event before `sourceSeq`, so every delivery that must precede
 * this one has been published (and the pending scan would see it). Read from the dispatch consumer's ack floor —
 * every event at or below it is acked — remembered, and asked again (one request at a time per process) only
 * while a delivery waits for it; it usually trails the newest event by milliseconds.
 */
export function dispatchFloor(jsm: JetStreamManager, stream: string, durable: string) {
  let floor = 0;
  let asking: Promise<void> | null = null;
  const ask = () => {
    asking ??= jsm.consumers
      .info(stream, durable)
      .then((info) => {
        floor = Math.max(floor, info.ack_floor.stream_seq);
      })
      .finally(() => {
        asking = null;
      });
    return asking;
  };
  return {
    /** True once every event before `sourceSeq` is dispatched; false if that took longer than a short wait. */
    async precedingDispatched(sourceSeq: number): Promise<boolean> {
      const deadline = Date.now() + FLOOR_WAIT_MS;
      while (floor < sourceSeq - 1) {
        await ask();
        if (floor >= sourceSeq - 1) break;
        if (Date.now() >= deadline) return false;
        await new Promise((r) => setTimeout(r, FLOOR_POLL_MS));
      }
      return true;
    },
  };
}
export type DispatchFloor = ReturnType<typeof dispatchFloor>;
