import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import {
  type AttemptRef,
  decide,
  type EventOf,
  laneOf,
  type ModelInput,
  type Names,
  type ProviderName,
  type Subjects,
  type TaskEvent,
} from "@taskjet/events";
import {
  ACK,
  type Bodies,
  BodyUnavailableError,
  type Delivery,
  gate,
  type Logger,
  lastEvent,
  publishEvents,
  retryThroughOutage,
  type Verdict,
} from "@taskjet/runtime";
import { afterOutcome, type OutcomePolicy } from "./after-outcome.ts";
import type { BatchCollector, BatchItem } from "./batch-collector.ts";
import { claimCheckEvents, resolveInput } from "./bodies.ts";
import type { CallMetrics } from "./call-metrics.ts";
import type { Cancellations } from "./cancellations.ts";
import type { Admission, CallEnd } from "./flow/admission.ts";
import { estimateNeed } from "./flow/budget.ts";
import type { Outcome } from "./outcome.ts";
import type { LlmProvider } from "./providers/provider.ts";
import { type CachedResult, cachedFrom, type ResultCache, requestKey } from "./result-cache.ts";
import { attemptModel, attemptNumber } from "./retry-policy.ts";
import { type Attempt, runAttempt } from "./run-attempt.ts";

/** A delivery to try: which attempt, on which provider, with which model and its whole input. */
type Prepared = {
  ref: AttemptRef;
  fallback: ReturnType<typeof attemptModel>;
  llm: LlmProvider;
  input: ModelInput;
  /** The result cache's key for this request; null when the task asks for no cache (or none is configured). */
  cacheKey: string | null;
};

/** Stream reads in flight at once (three per delivery): a burst of deliveries queues here, not at the server. */
const STREAM_READS_AT_ONCE = 512;

/** How long an outcome is retried through a NATS outage: well inside JetStream's 2-minute duplicate window. */
const OUTCOME_PUBLISH_WITHIN_MS = 60_000;

export type ExecutorDeps = OutcomePolicy & {
  js: JetStreamClient;
  jsm: JetStreamManager;
  names: Names;
  subjects: Subjects;
  /** The configured provider: what a task that names none calls. */
  llm: LlmProvider;
  /** The other providers a task may name (`provider`), by name. */
  providers?: Partial<Record<ProviderName, LlmProvider>>;
  /** The opt-in result cache; absent: a task's `cache` is never looked up. */
  results?: ResultCache;
  cancellations: Cancellations;
  /** The object store of claim-checked inputs and replies (`bodies.ts`), and the size that sends a reply there. */
  bodies: Bodies;
  claimCheckBytes: number;
  log: Logger;
  executorId: string;
  now: () => Date;
  /** Holds each task until its lane, its tenant and a run slot let it start. */
  admission: Admission;
  /** Where each call's time to first token, result and tokens are counted. */
  calls: CallMetrics;
  /** Where batch-mode tasks go instead of a call (absent: this executor sends no batches). */
  batches?: BatchCollector;
};

/**
 * Runs one try of a queued task: looks up whether it is still to run and which attempt this is, waits for
 * admission (its lane's budget, its tenant's share, a run slot), announces it, makes the call (`runAttempt`),
 * publishes what `afterOutcome` decides, settles the call with its lane and hands the verdict to the consume
 * loop. Retries are JetStream redeliveries; a task cancelled while held is dropped, one held at shutdown handed
 * back.
 */
export function onTaskQueued(deps: ExecutorDeps) {
  const { js, jsm, names, subjects, cancellations, log, executorId, now, admission } = deps;
  const reads = gate(STREAM_READS_AT_ONCE);
  const last = <T extends "TaskCancelled" | "TaskCompleted" | "TaskAttemptFailed" | "TaskBatched">(
    taskId: string,
    type: T,
  ) => reads(() => lastEvent(jsm, names, subjects, taskId, type));

  /**
   * The tries this process is making, by task. A delivery of a task already under way here (redelivered after a
   * NATS outage outlasted the ack wait) waits for that try, then looks at the stream again — where it finds the
   * outcome — instead of calling the provider a second time.
   */
  const tries = new Map<string, Promise<Verdict>>();

  return (delivery: Delivery): Promise<Verdict> => {
    const { taskId } = delivery.event;
    const previous = tries.get(taskId);
    const run = previous ? previous.catch(() => ACK).then(() => tryOnce(delivery)) : tryOnce(delivery);
    tries.set(taskId, run);
    const forget = () => {
      if (tries.get(taskId) === run) tries.delete(taskId);
    };
    run.then(forget, forget);
    return run;
  };

  async function tryOnce({ event: queued, deliverySeq, signal }: Delivery): Promise<Verdict> {
    if (queued.type !== "TaskQueued") return ACK;
    // Registered before the look at the stream, so a cancel landing in between still aborts the call.
    const cancel = cancellations.register(queued.taskId);
    try {
      const task = await prepare(queued, deliverySeq);
      if ("verdict" in task) return task.verdict;
      const { ref, input, llm, fallback, cacheKey } = task;
      if (cacheKey !== null && input.cache) {
        const hit = await deps.results?.find(cacheKey, input.cache.ttlSeconds, now().getTime());
        if (hit) return await completeFromCache(ref, hit);
      }
      const item = { queued, input, ref, fallback, cancel: cancel.signal, shutdown: signal };
      return queued.mode === "batch" ? await toBatch(item, llm) : await callWhenAdmitted(task, item);
    } finally {
      cancellations.release(queued.taskId);
    }
  }

  /**
   * What this delivery is to do, from the stream: nothing (the task finished, or its batch has it), fail it (a
   * provider or stored input this executor cannot have), or try it — which attempt, with which model, on
   * which provider, with its whole input.
   */
  async function prepare(queued: EventOf<"TaskQueued">, deliverySeq: number): Promise<Prepared | { verdict: Verdict }> {
    const { taskId, gen } = queued;
    const [cancelled, completed, lastFailure, lastBatched] = await Promise.all([
      last(taskId, "TaskCancelled"),
      last(taskId, "TaskCompleted"),
      // Looked up on every delivery: the delivery count cannot say whether an earlier try failed.
      last(taskId, "TaskAttemptFailed"),
      queued.mode === "batch" ? last(taskId, "TaskBatched") : null,
    ]);
    if (cancelled || completed) {
      log.info({ taskId, cancelled: !!cancelled, completed: !!completed }, "already finished; skipped");
      return { verdict: ACK };
    }
    if (lastBatched && lastBatched.event.gen === gen) {
      // Redelivered after its batch was recorded (its executor died before the ack): from its first batch on, a
      // task of this generation is its batches' pollers' to settle and send again, never its work item's.
      log.info({ taskId, batchId: lastBatched.event.batchId }, "already in a batch; skipped");
      return { verdict: ACK };
    }
    const attempt = attemptNumber(queued, lastFailure?.event ?? null);
    const ref = { taskId, gen, attempt, delivery: deliverySeq };
    const fallback = attemptModel(queued, lastFailure?.event ?? null, attempt);
    const llm = providerOf(deps, queued.input.provider);
    if (llm === null) {
      const message = `provider ${queued.input.provider} is not configured`;
      return { verdict: await refuse(queued, ref, "provider_unavailable", message) };
    }
    // A claim-checked input is fetched back here, for the call (and the cache's key) to see all of it. One
    // that is gone for good fails the task; one out of reach for now (NATS down) throws, and comes back.
    const body = await resolveInput(deps.bodies, queued.input).catch((err: unknown) => {
      if (err instanceof BodyUnavailableError) return err;
      throw err;
    });
    if (body instanceof BodyUnavailableError) {
      return { verdict: await refuse(queued, ref, "input_unavailable", body.message) };
    }
    const input: ModelInput = { ...body, model: fallback?.model ?? queued.input.model };
    const cacheKey = input.cache && deps.results ? requestKey(llm.name, input) : null;
    return { ref, fallback, llm, input, cacheKey };
  }

  /**
   * The call: waits for admission (its lane's budget, its tenant's share, a run slot), announces the attempt,
   * makes it, publishes what `afterOutcome` decides and settles the call with its lane before the verdict.
   */
  async function callWhenAdmitted(task: Prepared, call: Attempt): Promise<Verdict> {
    const { queued, ref, input } = call;
    const candidate = {
      ...{ id: ref.taskId, taskId: ref.taskId, gen: ref.gen, lane: laneOf(task.llm.name, input.model) },
      ...{ tenant: queued.tenant, priority: queued.priority },
      ...{ heldAt: now().getTime(), need: estimateNeed(input), timeoutMs: queued.timeoutMs },
    };
    const ticket = await admission.admit(candidate, AbortSignal.any([call.cancel, call.shutdown]));
    // Not admitted: cancelled while held (the cancel is the task's end) or handed back at shutdown.
    if (ticket === null) return call.cancel.aborted ? ACK : { nak: 0 };
    let end: CallEnd = { used: null, headers: {}, pauseMs: null };
    try {
      const start = { type: "StartAttempt" as const, attempt: ref, executorId, fallback: task.fallback };
      await publishEvents(js, subjects, decide(start, null, now()));
      const startedAt = now();
      const outcome = await runAttempt({ ...deps, llm: task.llm, streaming: admission.running }, call);
      const { events, verdict, pauseLaneMs } = afterOutcome(
        outcome,
        { queued, ref, startedAt, fallback: task.fallback },
        now(),
        deps,
      );
      end = { ...callEnd(outcome), pauseMs: pauseLaneMs };
      // The call is done and paid for: its outcome (and a reply too large for an event, stored first) waits
      // out a NATS restart rather than be made again.
      const stored = await claimCheckEvents(deps.bodies, deps.claimCheckBytes, events);
      await retryThroughOutage(async () => publishEvents(js, subjects, stored), {
        withinMs: OUTCOME_PUBLISH_WITHIN_MS,
        signal: call.shutdown,
        onRetry: (err, inMs) =>
          log.warn({ taskId: ref.taskId, err: String(err), retryInMs: inMs }, "outcome not published yet"),
      });
      const completed = events.find((e) => e.type === "TaskCompleted");
      if (task.cacheKey !== null && completed) await deps.results?.keep(task.cacheKey, cachedFrom(completed, now()));
      logEnd(log, { ...ref, ms: now().getTime() - startedAt.getTime() }, events, verdict);
      return verdict;
    } finally {
      // Before the verdict: a 429's pause is in the lane before the task comes back to admission.
      await ticket.end(end);
    }
  }

  /**
   * A batch-mode task is not called: it joins the pending batch of its provider and model (no lane, no run slot:
   * the batch API has limits of its own) and is acked once the stream says which batch it went into.
   */
  async function toBatch(item: BatchItem, llm: LlmProvider): Promise<Verdict> {
    const { batches } = llm;
    if (deps.batches === undefined || batches === undefined) {
      return await refuse(item.queued, item.ref, "batch_unavailable", `provider ${llm.name} has no batch API here`);
    }
    const sent = await deps.batches.add({ ...llm, batches }, item);
    switch (sent.kind) {
      case "batched":
      case "cancelled":
        return ACK;
      case "handed-back":
        return { nak: 0 };
      case "failed":
        return sent.verdict;
    }
  }

  /**
   * A task this executor can never run fails at once: it names a provider no executor has, or its stored input
   * is gone. Another try would find the same.
   */
  async function refuse(queued: EventOf<"TaskQueued">, ref: AttemptRef, code: string, message: string) {
    const partial = { output: null, usage: null };
    const error = { code, message };
    const fail = { type: "FailAttempt" as const, attempt: ref, error, countsAsAttempt: true, retryInMs: null, partial };
    await publishEvents(js, subjects, decide(fail, null, now()));
    log.warn({ taskId: queued.taskId, code, message }, "task cannot run; failed");
    return { term: `failed: ${code}` };
  }

  /** A request answered before, young enough for this task: it completes from the cache, with no call and no cost. */
  async function completeFromCache(ref: AttemptRef, hit: CachedResult): Promise<Verdict> {
    const { output, content, model, stopReason } = hit;
    const result = {
      ...{ output, ...(content ? { content } : {}), model, stopReason },
      ...{ usage: { inputTokens: 0, outputTokens: 0 }, costUsd: 0, cached: true, cachedFrom: hit.taskId },
    };
    await publishEvents(
      js,
      subjects,
      decide({ type: "CompleteAttempt", attempt: ref, result, durationMs: 0 }, null, now()),
    );
    return ACK;
  }
}

/** The provider a task asked for, the configured one when it asked for none; null when this executor has none. */
export function providerOf(
  deps: Pick<ExecutorDeps, "llm" | "providers">,
  name: ProviderName | string | undefined,
): LlmProvider | null {
  if (name === undefined || name === deps.llm.name) return deps.llm;
  return deps.providers?.[name as ProviderName] ?? null;
}

/** What a call used and what the provider's headers said, for its lane and its tenant. */
function callEnd(outcome: Outcome): Omit<CallEnd, "pauseMs"> {
  switch (outcome.kind) {
    case "completed":
      return { used: outcome.result.usage, headers: outcome.result.headers ?? {} };
    case "failed":
      return { used: outcome.error.usage, headers: outcome.error.headers };
    case "cancelled":
    case "timed-out":
      return { used: outcome.partial.usage, headers: {} };
    case "handed-back":
      return { used: null, headers: {} };
  }
}

function logEnd(
  log: Logger,
  at: { taskId: string; attempt: number; delivery: number; ms: number },
  events: TaskEvent[],
  verdict: Verdict,
) {
  const failure = events.find((e) => e.type === "TaskAttemptFailed");
  if (failure) {
    const retryInMs = "nak" in verdict ? verdict.nak : null;
    log.warn({ taskId: at.taskId, attempt: at.attempt, code: failure.error.code, retryInMs }, "attempt failed");
  } else if (events.some((e) => e.type === "TaskCompleted")) {
    log.debug(at, "completed"); // one line per task at info would be the hot path's largest cost in logs
  }
}
