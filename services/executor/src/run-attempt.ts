import type { JetStreamClient } from "@nats-io/jetstream";
import type { AttemptRef, EventOf, ModelInput, Subjects } from "@taskjet/events";
import type { CallMetrics } from "./call-metrics.ts";
import { generateObserved } from "./observed-call.ts";
import type { Outcome } from "./outcome.ts";
import { deltaWindowMs, outputPublisher } from "./output-publisher.ts";
import { type LlmProvider, ProviderError } from "./providers/provider.ts";

export type Attempt = {
  queued: EventOf<"TaskQueued">;
  /** What the call sends: the task's input with the attempt's model (a fallback's, after the task's gave out). */
  input: ModelInput;
  ref: AttemptRef;
  /** Aborted when the task is cancelled. */
  cancel: AbortSignal;
  /** Aborted when this executor stops past its grace period. */
  shutdown: AbortSignal;
};

/** The call itself: streams its output as it comes, stops it on cancel, timeout or shutdown, says how it ended. */
export async function runAttempt(
  deps: { js: JetStreamClient; subjects: Subjects; llm: LlmProvider; streaming: () => number; calls: CallMetrics },
  { queued, input, ref, cancel, shutdown }: Attempt,
): Promise<Outcome> {
  // Not AbortSignal.timeout: its timer would keep the call's state alive for the whole timeout (600 s by
  // default) after the call ended — tens of MB per 10,000 tasks on a busy executor.
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), queued.timeoutMs);
  const at = { taskId: ref.taskId, gen: ref.gen, attempt: ref.attempt };
  const output = outputPublisher(deps.js, deps.subjects, at, { flushMs: deltaWindowMs(deps.streaming()) });
  try {
    const signal = AbortSignal.any([cancel, timeout.signal, shutdown]);
    const result = await generateObserved(deps.llm, { ...input, signal, onDelta: output.write }, ref, deps.calls);
    await output.close({ completed: true });
    return { kind: "completed", result };
  } catch (err) {
    await output.close();
    const error =
      err instanceof ProviderError ? err : new ProviderError(String(err), { kind: "connection", cause: err });
    const partial = { output: error.partialOutput || null, usage: error.usage };
    if (cancel.aborted) return { kind: "cancelled", partial };
    if (shutdown.aborted) return { kind: "handed-back" };
    if (timeout.signal.aborted) return { kind: "timed-out", partial };
    return { kind: "failed", error };
  } finally {
    clearTimeout(timer);
  }
}
