import type { JetStreamClient } from "@nats-io/jetstream";
import {
  type AttemptRef,
  batchCustomId,
  batchEntry,
  decide,
  type EventOf,
  type FallbackModel,
  laneOf,
  type ModelInput,
  type Subjects,
} from "@taskjet/events";
import { type Logger, publishEvents, retryThroughOutage, type Verdict } from "@taskjet/runtime";
import { afterOutcome, type OutcomePolicy } from "./after-outcome.ts";
import type { BatchStore } from "./batch-store.ts";
import { type BatchApi, type LlmProvider, ProviderError } from "./providers/provider.ts";

/** One attempt of a batch-mode task, waiting to be sent. */
export type BatchItem = {
  queued: EventOf<"TaskQueued">;
  /** What the request sends: the task's input with the attempt's model. */
  input: ModelInput;
  ref: AttemptRef;
  fallback: FallbackModel | null;
  /** Aborted when the task is cancelled: it leaves the pending batch. */
  cancel: AbortSignal;
  /** Aborted when this executor stops: it leaves the pending batch and goes back to the stream. */
  shutdown?: AbortSignal;
};

/**
 * What became of an item: sent (`batched`, its TaskBatched on the stream), left out (cancelled, or handed back at
 * shutdown), or not sent because the batch call failed — its TaskAttemptFailed (and TaskFailed) are published and
 * `verdict` says whether it goes round again (`nak`, after that long) or has failed (`term`).
 */
export type Submission =
  | { kind: "batched"; batchId: string }
  | { kind: "cancelled" }
  | { kind: "handed-back" }
  | { kind: "failed"; verdict: Verdict };

type Pending = { item: BatchItem; bytes: number; settle: (s: Submission) => void; forget: () => void };
type Group = {
  provider: string;
  api: BatchApi;
  model: string;
  pending: Pending[];
  /** What the pending requests weigh as JSON. */
  bytes: number;
  timer: NodeJS.Timeout | null;
};

export type CollectorDeps = OutcomePolicy & {
  js: JetStreamClient;
  subjects: Subjects;
  store: BatchStore;
  executorId: string;
  now: () => Date;
  log: Logger;
  /** BATCH_WINDOW_MS, BATCH_MAX_REQUESTS. */
  windowMs: number;
  maxRequests: number;
  /** How long the submitter's lease runs before another executor may take the batch over. */
  leaseMs: number;
  /** Aborted at shutdown: a batch already sent is recorded through a NATS outage up to then. */
  signal: AbortSignal;
  /** Told of each batch sent (its lane, its requests). */
  onSent?: (lane: string, requests: number) => void;
};

/**
 * The most a batch's requests may weigh as JSON: Anthropic takes 256 MB a batch; this leaves room for the
 * envelope, and a batch past it would be refused whole (413), failing every task in it.
 */
const MAX_BATCH_BYTES = 200 * 1024 * 1024;

/** How long a sent batch's record and events are retried through a NATS outage: the batch is paid for. */
const RECORD_WITHIN_MS = 60_000;

/**
 * Collects batch-mode attempts per provider and model, and sends each group as one batch when its window closes
 * or it is full: the provider's batch call (`create`), then the batch's record and lease in KV, then one
 * TaskBatched per request — only then is each item settled, so the work item behind it is acked only once the
 * stream says where it went. A cancelled item leaves its group at once (the provider never sees it).
 */
export function batchCollector(deps: CollectorDeps) {
  const { log, now } = deps;
  const groups = new Map<string, Group>();

  function add(llm: LlmProvider & { batches: BatchApi }, item: BatchItem): Promise<Submission> {
    const key = `${llm.name}/${item.input.model}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { provider: llm.name, api: llm.batches, model: item.input.model, pending: [], bytes: 0, timer: null };
      groups.set(key, group);
    }
    const g = group;
    return new Promise<Submission>((resolve) => {
      const leave = (s: Submission) => () => {
        const at = g.pending.indexOf(pending);
        if (at === -1) return; // already on its way
        g.pending.splice(at, 1);
        g.bytes -= pending.bytes;
        pending.settle(s);
      };
      const onCancel = leave({ kind: "cancelled" });
      const onShutdown = leave({ kind: "handed-back" });
      const pending: Pending = {
        item,
        bytes: JSON.stringify(item.input).length,
        settle: (s) => {
          pending.forget();
          resolve(s);
        },
        forget: () => {
          item.cancel.removeEventListener("abort", onCancel);
          item.shutdown?.removeEventListener("abort", onShutdown);
        },
      };
      if (item.cancel.aborted) return resolve({ kind: "cancelled" });
      if (item.shutdown?.aborted) return resolve({ kind: "handed-back" });
      item.cancel.addEventListener("abort", onCancel, { once: true });
      item.shutdown?.addEventListener("abort", onShutdown, { once: true });
      // What would push the pending batch past its bytes goes into the next one.
      if (g.pending.length > 0 && g.bytes + pending.bytes > MAX_BATCH_BYTES) void flush(g);
      g.pending.push(pending);
      g.bytes += pending.bytes;
      if (g.pending.length >= deps.maxRequests) void flush(g);
      else g.timer ??= setTimeout(() => void flush(g), deps.windowMs);
    });
  }

  async function flush(g: Group): Promise<void> {
    if (g.timer !== null) clearTimeout(g.timer);
    g.timer = null;
    const taken = g.pending.splice(0, fits(g.pending));
    for (const p of taken) g.bytes -= p.bytes;
    if (g.pending.length > 0) g.timer = setTimeout(() => void flush(g), deps.windowMs);
    if (taken.length === 0) return;
    for (const p of taken) p.forget(); // on its way: a cancel from now on is the poller's to handle
    const requests = taken.map((p) => ({ customId: batchCustomId(p.item.ref), input: p.item.input }));
    let id: string;
    try {
      id = (await g.api.create(requests)).id;
    } catch (err) {
      await failAll(taken, err);
      return;
    }
    try {
      await record(g, id, taken);
      for (const p of taken) p.settle({ kind: "batched", batchId: id });
    } catch (err) {
      // Sent but not recorded (NATS out of reach past the outage window): the tasks go back to the stream and
      // into another batch; this one's results are never read.
      log.error({ err: String(err), batchId: id, requests: taken.length }, "batch sent but not recorded; re-queued");
      for (const p of taken) p.settle({ kind: "handed-back" });
    }
  }

  /** The batch's record and lease, then every request's TaskBatched, then the lease marked announced. */
  async function record(g: Group, id: string, taken: Pending[]) {
    const at = now();
    const entries = taken.map((p) => batchEntry(p.item));
    const owner = deps.executorId;
    const lease = { id, owner, until: at.getTime() + deps.leaseMs, announced: false, cancelRequested: false };
    const submittedAt = at.toISOString();
    const doc = { id, provider: g.provider, model: g.model, submittedAt, executorId: owner, entries };
    const events = taken.flatMap((p) =>
      decide(
        { type: "BatchAttempt", attempt: p.item.ref, executorId: owner, batchId: id, fallback: p.item.fallback },
        null,
        at,
      ),
    );
    await retryThroughOutage(
      async () => {
        await deps.store.save(doc, lease);
        await publishEvents(deps.js, deps.subjects, events);
      },
      {
        withinMs: RECORD_WITHIN_MS,
        signal: deps.signal,
        onRetry: (err, inMs) => log.warn({ batchId: id, err: String(err), retryInMs: inMs }, "batch not recorded yet"),
      },
    );
    await deps.store.mark(id, owner, { announced: true }).catch(() => null); // the poller makes it good otherwise
    log.info({ batchId: id, provider: g.provider, model: g.model, requests: taken.length }, "batch sent");
    deps.onSent?.(laneOf(g.provider, g.model), taken.length);
  }

  /** The batch call failed: each item's attempt failed that way, decided as a call's failure is. */
  async function failAll(taken: Pending[], err: unknown) {
    const error =
      err instanceof ProviderError ? err : new ProviderError(String(err), { kind: "connection", cause: err });
    const at = now();
    log.warn({ err: error.message, status: error.status, requests: taken.length }, "batch not sent");
    for (const p of taken) {
      const { queued, ref, fallback } = p.item;
      const after = afterOutcome({ kind: "failed", error }, { queued, ref, startedAt: at, fallback }, at, deps);
      const verdict: Verdict = after.pauseLaneMs !== null ? { nak: after.pauseLaneMs } : after.verdict;
      try {
        await publishEvents(deps.js, deps.subjects, after.events);
        p.settle({ kind: "failed", verdict });
      } catch (publishErr) {
        log.warn({ taskId: ref.taskId, err: String(publishErr) }, "batch failure not published; re-queued");
        p.settle({ kind: "handed-back" });
      }
    }
  }

  /** How many of the pending go in one batch: at most `maxRequests`, and within the bytes (at least one). */
  function fits(pending: Pending[]): number {
    let bytes = 0;
    for (let n = 0; n < pending.length; n++) {
      bytes += (pending[n] as Pending).bytes;
      if (n >= deps.maxRequests || (n > 0 && bytes > MAX_BATCH_BYTES)) return n;
    }
    return pending.length;
  }

  return {
    add,
    /** What waits to be sent, by lane. */
    pending: () => [...groups.values()].map((g) => ({ lane: laneOf(g.provider, g.model), requests: g.pending.length })),
    /** Pending items go back (handed back); nothing more is sent. */
    close() {
      for (const g of groups.values()) {
        if (g.timer !== null) clearTimeout(g.timer);
        g.timer = null;
        g.bytes = 0;
        for (const p of g.pending.splice(0)) p.settle({ kind: "handed-back" });
      }
    },
  };
}
export type BatchCollector = ReturnType<typeof batchCollector>;
