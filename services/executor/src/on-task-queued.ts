import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import type { EventOf, Names, Subjects } from "@taskjet/events";
import { ACK, type Delivery, type Logger, lastEvent, publishEvent, type Verdict } from "@taskjet/runtime";
import type { Cancellations } from "./cancellations.ts";
import { type Classified, classifyFailure } from "./classify.ts";
import { outputPublisher } from "./output-publisher.ts";
import { type LlmProvider, ProviderError } from "./providers/provider.ts";
import { afterFailure, attemptNumber } from "./retry-policy.ts";

export type ExecutorDeps = {
  js: JetStreamClient;
  jsm: JetStreamManager;
  names: Names;
  subjects: Subjects;
  llm: LlmProvider;
  cancellations: Cancellations;
  log: Logger;
  executorId: string;
  now: () => Date;
  random: () => number;
  /** How long a task may wait out rate limits before those waits count as attempts. */
  rateLimitBudgetMs: number;
};

/**
 * Runs one try of a queued task. Retries are JetStream redeliveries: a retryable failure is a TaskAttemptFailed
 * and a `nak(delay)`; the last one a TaskFailed and a `term()`. A cancellation aborts the call; what it had
 * produced is kept in the TaskAttemptFailed, and nothing that would undo the cancel is published.
 */
export function onTaskQueued(deps: ExecutorDeps) {
  const { js, jsm, names, subjects, llm, cancellations, log, executorId, now } = deps;
  const iso = () => now().toISOString();
  const last = <T extends "TaskCancelled" | "TaskCompleted" | "TaskAttemptFailed">(taskId: string, type: T) =>
    lastEvent(jsm, names, subjects, taskId, type);

  return async ({ event, deliverySeq, signal }: Delivery): Promise<Verdict> => {
    if (event.type !== "TaskQueued") return ACK;
    const { taskId, gen } = event;
    // Registered before the look at the stream, so a cancel landing in between still aborts the call.
    const cancel = cancellations.register(taskId);
    try {
      const [cancelled, completed, lastFailure] = await Promise.all([
        last(taskId, "TaskCancelled"),
        last(taskId, "TaskCompleted"),
        // Looked up on every delivery: the delivery count cannot say whether an earlier try failed.
        last(taskId, "TaskAttemptFailed"),
      ]);
      if (cancelled || completed) {
        log.info({ taskId, cancelled: !!cancelled, completed: !!completed }, "already finished; skipped");
        return ACK;
      }
      const attempt = attemptNumber(event, lastFailure?.event ?? null);
      const ref = { taskId, gen, attempt, delivery: deliverySeq };
      await publishEvent(js, subjects, { type: "TaskStarted", v: 1, at: iso(), ...ref, executorId });
      const started = Date.now();
      // Not AbortSignal.timeout: its timer would keep the call's state alive for the whole timeout (600 s by
      // default) after the call ended — tens of MB per 10,000 tasks on a busy executor.
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(), event.timeoutMs);
      const output = outputPublisher(js, subjects, { taskId, gen, attempt });
      try {
        const result = await llm.generate({
          ...event.input,
          signal: AbortSignal.any([cancel.signal, timeout.signal, signal]),
          onText: output.write,
        });
        await output.close();
        await publishEvent(js, subjects, {
          type: "TaskCompleted",
          v: 1,
          taskId,
          at: iso(),
          gen,
          attempt,
          output: result.output,
          model: result.model,
          stopReason: result.stopReason,
          usage: result.usage,
          durationMs: Date.now() - started,
        });
        log.info({ taskId, attempt, delivery: deliverySeq, ms: Date.now() - started }, "completed");
        return ACK;
      } catch (err) {
        await output.close();
        if (signal.aborted && !cancel.signal.aborted) return { nak: 0 }; // shutting down: another executor takes it
        const failure =
          err instanceof ProviderError ? err : new ProviderError(String(err), { kind: "connection", cause: err });
        const classified: Classified = cancel.signal.aborted
          ? { code: "cancelled", message: "cancelled during the call", retryable: false, retryAfterMs: null }
          : timeout.signal.aborted
            ? {
                code: "timeout",
                message: `no answer within ${event.timeoutMs} ms`,
                retryable: true,
                retryAfterMs: null,
              }
            : classifyFailure(failure, now());
        return await failed(event, ref, failure, classified);
      } finally {
        clearTimeout(timer);
      }
    } finally {
      cancellations.release(taskId);
    }
  };

  async function failed(
    queued: EventOf<"TaskQueued">,
    ref: { taskId: string; gen: number; attempt: number; delivery: number },
    failure: ProviderError,
    c: Classified,
  ): Promise<Verdict> {
    const next = afterFailure({
      failure: c,
      attempt: ref.attempt,
      queued,
      now: now(),
      random: deps.random,
      rateLimitBudgetMs: deps.rateLimitBudgetMs,
    });
    const error = { code: c.code, message: c.message };
    await publishEvent(js, subjects, {
      type: "TaskAttemptFailed",
      v: 1,
      at: iso(),
      ...ref,
      error,
      retryable: next.retryInMs !== null,
      countsAsAttempt: next.countsAsAttempt,
      retryAt: next.retryInMs === null ? null : new Date(now().getTime() + next.retryInMs).toISOString(),
      output: failure.partialOutput || null,
      usage: failure.usage,
    });
    log.warn({ taskId: ref.taskId, attempt: ref.attempt, code: c.code, retryInMs: next.retryInMs }, "attempt failed");
    if (c.code === "cancelled") return ACK;
    if (next.retryInMs !== null) return { nak: next.retryInMs };
    await publishEvent(js, subjects, {
      type: "TaskFailed",
      v: 1,
      taskId: ref.taskId,
      at: iso(),
      gen: ref.gen,
      attempts: ref.attempt,
      error,
    });
    return { term: `failed: ${c.code}` };
  }
}
