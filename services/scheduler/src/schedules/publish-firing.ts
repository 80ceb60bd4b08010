import type { JetStreamClient } from "@nats-io/jetstream";
import { headers as natsHeaders } from "@nats-io/transport-node";
import { type EventOf, encodeEvent, type Subjects } from "@taskjet/events";
import { injectTrace, isCasConflict } from "@taskjet/runtime";

/**
 * Publishes a firing's TaskSubmitted only if its task does not exist yet: `expect.lastSubjectSequence: 0` on
 * the task's own `submitted` subject (the stream refuses a second message there, whenever it comes), and the
 * deterministic message id (a retry inside the duplicate window is dropped). "exists" when another scheduler
 * instance (or an earlier try of this one) published it first: for the caller that is the same success.
 */
export async function publishFiring(
  js: JetStreamClient,
  subjects: Subjects,
  event: EventOf<"TaskSubmitted">,
): Promise<"published" | "exists"> {
  const enc = encodeEvent(subjects, event);
  const h = natsHeaders();
  for (const [k, v] of Object.entries(enc.headers)) h.set(k, v);
  injectTrace(h);
  try {
    const ack = await js.publish(enc.subject, enc.data, {
      msgID: enc.msgId,
      headers: h,
      expect: { lastSubjectSequence: 0 },
    });
    return ack.duplicate ? "exists" : "published";
  } catch (err) {
    if (isCasConflict(err)) return "exists";
    throw err;
  }
}
