import { setTimeout as sleep } from "node:timers/promises";
import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import {
  type BatchItemRef,
  type BatchRecord,
  batchCustomId,
  decide,
  laneOf,
  type Names,
  type ProviderName,
  parseBatchEntry,
  type Subjects,
  type TaskEvent,
  type Usage,
} from "@taskjet/events";
import {
  type Bodies,
  BodyUnavailableError,
  gate,
  type Logger,
  lastEvent,
  publishEvents,
  type StoredEvent,
} from "@taskjet/runtime";
import type { OutcomePolicy } from "./after-outcome.ts";
import type { BatchCollector } from "./batch-collector.ts";
import { afterBatchResult } from "./batch-result.ts";
import type { BatchStore } from "./batch-store.ts";
import { resolveInput } from "./bodies.ts";
import type { Cancellations } from "./cancellations.ts";
import type { BatchApi, BatchOutcome, LlmProvider } from "./providers/provider.ts";
import { ProviderError } from "./providers/provider.ts";
import { attemptModel, attemptNumber } from "./retry-policy.ts";

export type PollerDeps = OutcomePolicy & {
  js: JetStreamClient;
  jsm: JetStreamManager;
  names: Names;
  subjects: Subjects;
  store: BatchStore;
  collector: BatchCollector;
  cancellations: Cancellations;
  bodies: Bodies;
  /** The provider of a name (a batch's, a task's), null when this executor has none. */
  providerOf: (name: ProviderName | string | undefined) => LlmProvider | null;
  executorId: string;
  now: () => Date;
  log: Logger;
  /** Counts what a result cost against its tenant's spend limits (absent: not counted). */
  charge?: (tenant: string, lane: string, used: Usage | null, now: Date, costUsd?: number) => Promise<void>;
  /** Told of each result applied (`succeeded`, `errored`, `expired`, `canceled`, `missing`). */
  onResult?: (kind: string) => void;
  /** BATCH_POLL_MS, and how long a lease lasts without renewal. */
  pollMs: number;
  leaseMs: number;
};

/** Stream reads in flight at once while a batch's results are settled. */
const READS_AT_ONCE = 64;

/** How a batch's settling ended: every item settled (the batch leaves KV), or left for the next owner. */
type Settled = "done" | "left";

/**
 * Polls the batches in flight (any executor's: whoever holds the lease, taken over by compare-and-set once it
 * lapses) until each has ended, then settles its tasks one by one from its results with the same events as a
 * streamed call: completed, failed, or retried into a later batch. A batch all of whose tasks were cancelled is
 * cancelled at the provider. What a killed executor left half done is made good by the next owner: every event
 * has a deterministic id, and each task's stream says how far its result got.
 */
export function startBatchPoller(deps: PollerDeps) {
  const { store, log, now, executorId: owner } = deps;
  const stop = new AbortController();
  const reads = gate(READS_AT_ONCE);
  const last = <T extends "TaskCancelled" | "TaskCompleted" | "TaskAttemptFailed" | "TaskBatched" | "TaskQueued">(
    taskId: string,
    type: T,
  ) => reads(() => lastEvent(deps.jsm, deps.names, deps.subjects, taskId, type));
  /** The batches this executor holds the lease of, and the tasks of each it has seen cancelled. */
  const working = new Map<string, { tasks: Set<string>; cancelled: Set<string>; checked: boolean }>();
  /** Those it is looking at or settling right now. */
  const busy = new Set<string>();
  const unlisten = deps.cancellations.listen((taskId) => {
    for (const w of working.values()) if (w.tasks.has(taskId)) w.cancelled.add(taskId);
  });
  const settling = new Set<Promise<unknown>>();

  const loop = (async () => {
    while (!stop.signal.aborted) {
      await pollAll().catch((err: unknown) => log.warn({ err: String(err) }, "batch poll failed"));
      await sleep(deps.pollMs, undefined, { signal: stop.signal }).catch(() => undefined);
    }
  })();

  async function pollAll() {
    for (const id of store.ids()) {
      if (stop.signal.aborted) return;
      if (busy.has(id)) continue;
      const at = now().getTime();
      const lease = await store.take(id, owner, at, at + deps.leaseMs);
      if (lease === null) {
        working.delete(id); // someone else's now
        continue;
      }
      busy.add(id);
      if (!working.has(id)) working.set(id, { tasks: new Set(), cancelled: new Set(), checked: false });
      const run = pollOne(id, lease.announced, lease.cancelRequested)
        .catch((err: unknown) => {
          log.warn({ batchId: id, err: String(err) }, "batch not settled yet");
          return "left" as const;
        })
        .then(async (settled) => {
          if (settled !== "done") return;
          working.delete(id);
          await store.remove(id);
        })
        .catch((err: unknown) => log.warn({ batchId: id, err: String(err) }, "settled batch not removed"))
        .finally(() => {
          busy.delete(id);
          settling.delete(run);
        });
      settling.add(run);
    }
  }

  /** One look at a batch; once it has ended, its tasks settled. "left": still running, or not all settled. */
  async function pollOne(id: string, announced: boolean, cancelRequested: boolean): Promise<Settled> {
    const record = await store.record(id);
    if (record === null) return "done"; // a lease left behind by a removal cut short
    const api = deps.providerOf(record.provider)?.batches;
    if (api === undefined) {
      log.error({ batchId: id, provider: record.provider }, "a batch of a provider this executor cannot reach");
      return "left";
    }
    const items = record.entries.map((e) => parseBatchEntry(e, record.model));
    const w = working.get(id);
    for (const { ref } of items) w?.tasks.add(ref.taskId);
    if (!announced) {
      const at = new Date(record.submittedAt);
      const events = items.flatMap(({ ref, fallback }) =>
        decide({ type: "BatchAttempt", attempt: ref, executorId: record.executorId, batchId: id, fallback }, null, at),
      );
      await publishEvents(deps.js, deps.subjects, events);
      await store.mark(id, owner, { announced: true });
    }
    if (!cancelRequested && w && (await allCancelled(w))) {
      // Once: a batch that ended meanwhile may refuse it, and its results are ignored all the same.
      const cancelled = await api.cancel(id).then(
        () => true,
        (err: unknown) => log.warn({ batchId: id, err: String(err) }, "batch not cancelled at the provider"),
      );
      await store.mark(id, owner, { cancelRequested: true });
      if (cancelled) log.info({ batchId: id }, "every task of the batch was cancelled; batch cancelled");
    }
    const status = await api.retrieve(id).catch((err: unknown) => {
      if (err instanceof ProviderError && err.status === 404) return { id, ended: true, gone: true };
      throw err;
    });
    if (!status.ended) {
      await store.mark(id, owner, { until: now().getTime() + deps.leaseMs });
      return "left";
    }
    const outcomes = "gone" in status ? new Map<string, BatchOutcome>() : await readResults(api, id);
    // Settling may wait out retry delays: the lease is renewed meanwhile, so nobody else settles it too.
    const renew = setInterval(
      () => void store.mark(id, owner, { until: now().getTime() + deps.leaseMs }).catch(() => null),
      Math.max(100, deps.leaseMs / 3),
    );
    try {
      const settled = await Promise.all(
        items.map((item) => settleItem(record, item, outcomes.get(batchCustomId(item.ref)) ?? null)),
      );
      const left = settled.filter((s) => s === "left").length;
      if (left === 0) log.info({ batchId: id, requests: items.length }, "batch settled");
      return left === 0 ? "done" : "left";
    } finally {
      clearInterval(renew);
    }
  }

  /** Whether every task of the batch has been cancelled: the stream asked once, then the cancellations heard. */
  async function allCancelled(w: { tasks: Set<string>; cancelled: Set<string>; checked: boolean }) {
    if (!w.checked) {
      const found = await Promise.all([...w.tasks].map(async (t) => ((await last(t, "TaskCancelled")) ? t : null)));
      for (const t of found) if (t !== null) w.cancelled.add(t);
      w.checked = true;
    }
    return w.tasks.size > 0 && w.cancelled.size === w.tasks.size;
  }

  async function readResults(api: BatchApi, id: string) {
    const outcomes = new Map<string, BatchOutcome>();
    for await (const line of api.results(id)) outcomes.set(line.customId, line.outcome);
    return outcomes;
  }

  /**
   * One task's result: applied unless its stream shows it was (a previous owner got that far), then, when the
   * task goes round again, sent into a later batch after its backoff.
   */
  async function settleItem(record: BatchRecord, item: BatchItemRef, outcome: BatchOutcome | null): Promise<Settled> {
    const { ref, fallback } = item;
    const { taskId } = ref;
    const [cancelled, completed, lastFailure, queued] = await Promise.all([
      last(taskId, "TaskCancelled"),
      last(taskId, "TaskCompleted"),
      last(taskId, "TaskAttemptFailed"),
      last(taskId, "TaskQueued"),
    ]);
    if (completed || queued === null || queued.event.gen !== ref.gen) return "done";
    const failure = lastFailure?.event;
    const applied =
      failure !== undefined &&
      failure.gen === ref.gen &&
      (failure.attempt > ref.attempt || (failure.attempt === ref.attempt && failure.delivery === ref.delivery));
    if (!applied) {
      const result = outcome ?? { kind: "missing" as const, batchId: record.id };
      const startedAt = new Date(record.submittedAt);
      const attempt = { queued: queued.event, ref, startedAt, fallback };
      const after = afterBatchResult(result, attempt, { cancelled: cancelled !== null }, now(), deps);
      await publishEvents(deps.js, deps.subjects, after.events);
      deps.onResult?.(result.kind);
      await chargeFor(queued.event.tenant, record, after.events);
      if (after.retryInMs === null || cancelled) return "done";
      const stored = await last(taskId, "TaskAttemptFailed");
      return stored ? await resubmit(queued.event, stored, after.retryInMs) : "left";
    }
    // Applied before: resubmitted too, unless its owner died in between.
    if (cancelled || lastFailure === null || !failure.retryable) return "done";
    const batched = await last(taskId, "TaskBatched");
    if (batched !== null && batched.seq > lastFailure.seq) return "done";
    const retryAt = failure.retryAt === null ? 0 : Date.parse(failure.retryAt) - now().getTime();
    return await resubmit(queued.event, lastFailure, Math.max(0, retryAt));
  }

  /** What a result cost, against its tenant's spend limits: best effort, as a streamed call's is. */
  async function chargeFor(tenant: string, record: BatchRecord, events: TaskEvent[]) {
    for (const e of events) {
      if ((e.type !== "TaskCompleted" && e.type !== "TaskAttemptFailed") || e.usage === null) continue;
      const lane = laneOf(record.provider, record.model);
      await deps.charge?.(tenant, lane, e.usage, now(), e.costUsd).catch((err: unknown) => {
        log.warn({ taskId: e.taskId, err: String(err) }, "batch result not charged to its tenant");
      });
    }
  }

  /**
   * A retry into a later batch, after `delayMs`: the next attempt as a redelivery would make it, its delivery the
   * stream sequence of the failure it follows (unique, and the same for whoever makes it good after a crash).
   */
  async function resubmit(
    queued: Extract<TaskEvent, { type: "TaskQueued" }>,
    failure: StoredEvent,
    delayMs: number,
  ): Promise<Settled> {
    const failed = failure.event.type === "TaskAttemptFailed" ? failure.event : null;
    const { taskId, gen } = queued;
    const cancel = new AbortController();
    const unwatch = deps.cancellations.listen((t) => {
      if (t === taskId) cancel.abort();
    });
    try {
      await sleep(delayMs, undefined, { signal: stop.signal }).catch(() => undefined);
      if (stop.signal.aborted) return "left";
      if (await last(taskId, "TaskCancelled")) return "done";
      const attempt = attemptNumber(queued, failed);
      const fallback = attemptModel(queued, failed, attempt);
      const llm = deps.providerOf(queued.input.provider);
      if (llm?.batches === undefined) return "left";
      const body = await resolveInput(deps.bodies, queued.input).catch((err: unknown) => {
        if (err instanceof BodyUnavailableError) return null;
        throw err;
      });
      if (body === null) return "done"; // its input is gone for good: nothing can send it again
      const input = { ...body, model: fallback?.model ?? queued.input.model };
      const ref = { taskId, gen, attempt, delivery: failure.seq };
      const item = { queued, input, ref, fallback, cancel: cancel.signal, shutdown: stop.signal };
      const sent = await deps.collector.add({ ...llm, batches: llm.batches }, item);
      if (sent.kind === "handed-back") return "left";
      if (sent.kind !== "failed" || !("nak" in sent.verdict)) return "done";
      // The batch call itself failed and the task goes round again: from that failure.
      const next = await last(taskId, "TaskAttemptFailed");
      return next ? await resubmit(queued, next, sent.verdict.nak) : "left";
    } finally {
      unwatch();
    }
  }

  return {
    /** The batches whose lease this executor holds. */
    polled: () => working.size,
    /** Stops polling; settling in progress stops at its next wait, and the leases lapse for another executor. */
    async stop() {
      stop.abort();
      unlisten();
      await loop;
      await Promise.allSettled([...settling]);
    },
  };
}
