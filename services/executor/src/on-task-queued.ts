import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import type { EventOf, Names, Subjects } from "@taskjet/events";
import { ACK, type Delivery, type Logger, lastEvent, publishEvent, type Verdict } from "@taskjet/runtime";
import type { Cancellations } from "./cancellations.ts";
import { classifyFailure, retryDelayMs } from "./classify.ts";
import { outputPublisher } from "./output-publisher.ts";
import { type LlmProvider, ProviderError } from "./providers/provider.ts";

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
};

/**
 * Runs one attempt of a queued task. The attempt number is the delivery count (continued from earlier
 * generations); a retryable failure is a `nak(delay)` so JetStream redelivers it, the last one a TaskFailed
 * and a `term()`.
 */
export function onTaskQueued(deps: ExecutorDeps) {
  const { js, jsm, names, subjects, llm, cancellations, log, executorId, now } = deps;
  const iso = () => now().toISOString();

  return async ({ event, deliveryCount, signal }: Delivery): Promise<Verdict> => {
    if (event.type !== "TaskQueued") return ACK;
    const { taskId, gen } = event;
    const attempt = event.attemptsBefore + deliveryCount;
    const cancel = cancellations.register(taskId);
    try {
      const [cancelled, completed] = await Promise.all([
        lastEvent(jsm, names, subjects, taskId, "TaskCancelled"),
        lastEvent(jsm, names, subjects, taskId, "TaskCompleted"),
      ]);
      if (cancelled || completed) {
        log.info({ taskId, cancelled: !!cancelled, completed: !!completed }, "already finished; skipped");
        return ACK;
      }
      await publishEvent(js, subjects, { type: "TaskStarted", v: 1, taskId, at: iso(), gen, attempt, executorId });
      const started = Date.now();
      const timeout = AbortSignal.timeout(event.timeoutMs);
      const callSignal = AbortSignal.any([cancel.signal, timeout, signal]);
      const output = outputPublisher(js, subjects, { taskId, gen, attempt });
      try {
        const result = await llm.generate({ ...event.input, signal: callSignal, onText: output.write });
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
        log.info({ taskId, attempt, ms: Date.now() - started }, "completed");
        return ACK;
      } catch (err) {
        await output.close();
        const failure =
          err instanceof ProviderError ? err : new ProviderError(String(err), { kind: "connection", cause: err });
        if (signal.aborted && !cancel.signal.aborted) return { nak: 0 }; // shutting down: hand it to another executor
        return await failed(event, attempt, failure, {
          cancelled: cancel.signal.aborted,
          timedOut: timeout.aborted,
        });
      }
    } finally {
      cancellations.release(taskId);
    }
  };

  async function failed(
    event: EventOf<"TaskQueued">,
    attempt: number,
    failure: ProviderError,
    why: { cancelled: boolean; timedOut: boolean },
  ): Promise<Verdict> {
    const { taskId, gen } = event;
    const c = why.cancelled
      ? { code: "cancelled", message: "cancelled during the call", retryable: false, retryAfterMs: null }
      : why.timedOut
        ? { code: "timeout", message: `no answer within ${event.timeoutMs} ms`, retryable: true, retryAfterMs: null }
        : classifyFailure(failure, now());
    const attemptsInGen = attempt - event.attemptsBefore;
    const willRetry = c.retryable && attemptsInGen < event.maxAttempts;
    const delay = willRetry ? retryDelayMs(attemptsInGen, c.retryAfterMs, deps.random) : null;
    await publishEvent(js, subjects, {
      type: "TaskAttemptFailed",
      v: 1,
      taskId,
      at: iso(),
      gen,
      attempt,
      error: { code: c.code, message: c.message },
      retryable: willRetry,
      retryAt: delay === null ? null : new Date(now().getTime() + delay).toISOString(),
      output: failure.partialOutput || null,
      usage: failure.usage,
    });
    log.warn({ taskId, attempt, code: c.code, retryInMs: delay }, "attempt failed");
    if (why.cancelled) return ACK;
    if (delay !== null) return { nak: delay };
    await publishEvent(js, subjects, {
      type: "TaskFailed",
      v: 1,
      taskId,
      at: iso(),
      gen,
      attempts: attempt,
      error: { code: c.code, message: c.message },
    });
    return { term: `failed: ${c.code}` };
  }
}
