import type { NatsConnection } from "@nats-io/transport-node";
import type { Subjects } from "@taskjet/events";

/**
 * Every executor hears every TaskCancelled (a core subscription on the stream's subjects sees each publish);
 * the one holding the task aborts its call. Register before checking the stream for an earlier cancel, so a
 * cancel that lands in between is not missed.
 */
export function listenForCancellations(nc: NatsConnection, subjects: Subjects) {
  const running = new Map<string, AbortController>();
  const listeners = new Set<(taskId: string) => void>();
  const sub = nc.subscribe(subjects.ofType("TaskCancelled"), {
    callback: (_err, msg) => {
      const taskId = subjects.taskIdOf(msg.subject);
      if (!taskId) return;
      running.get(taskId)?.abort(new Error("cancelled"));
      for (const listener of listeners) listener(taskId);
    },
  });
  return {
    /** Hears every cancellation (the batch poller follows the tasks of the batches it owns); returns the unsubscribe. */
    listen(listener: (taskId: string) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    register(taskId: string): AbortController {
      const abort = new AbortController();
      running.set(taskId, abort);
      return abort;
    },
    release(taskId: string) {
      running.delete(taskId);
    },
    close: () => sub.unsubscribe(),
  };
}
export type Cancellations = ReturnType<typeof listenForCancellations>;
