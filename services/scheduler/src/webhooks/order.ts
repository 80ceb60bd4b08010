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
