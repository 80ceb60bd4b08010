import { assertNever, msgIdOf } from "../envelope.ts";
import type { TaskEvent } from "../events.ts";
import {
  DEFAULT_WEBHOOK_EVENTS,
  type TaskWebhook,
  targetKey,
  type WebhookDelivery,
  type WebhookEventType,
  type WebhookSubscription,
  type WebhookTarget,
} from "../webhooks.ts";

/** What the dispatcher knows about the task when one of its events arrives. */
export type WebhookContext = {
  /** The event's sequence on the tasks stream: deliveries of one target and task go out in its order. */
  seq: number;
  tenant: string;
  /** The task's own `webhook`, from its creating event; null for none. */
  taskWebhook: TaskWebhook | null;
  /** The tenant's subscriptions (disabled ones too: they are skipped here). */
  subscriptions: readonly WebhookSubscription[];
  /**
   * Whether the task had completed or been cancelled before this event (both are final): a later event — a
   * TaskCompleted racing a TaskCancelled — changes nothing in the state machine, and is not announced either.
   */
  finishedBefore: boolean;
};

/** The webhook type an event is announced as; null for events receivers do not hear (lane waits, a last failed try). */
export function webhookTypeOf(event: TaskEvent): WebhookEventType | null {
  switch (event.type) {
    case "TaskSubmitted":
    case "TaskChained":
      return "task.submitted";
    case "TaskScheduled":
      return "task.scheduled";
    case "TaskAwaitingParent":
      return "task.awaiting_parent";
    case "TaskQueued":
      return "task.queued";
    case "TaskWaiting":
      return null;
    case "TaskStarted":
      return "task.started";
    case "TaskAttemptFailed":
      // A try that will not be retried is followed by TaskFailed, which says it.
      return event.retryable ? "task.retrying" : null;
    case "TaskRetryRequested":
      return "task.retry_requested";
    case "TaskCompleted":
      return "task.completed";
    case "TaskFailed":
      return "task.failed";
    case "TaskCancelled":
      return "task.cancelled";
    default:
      return assertNever(event);
  }
}

/** What a receiver is told about an event: the task id, the stream sequence, and the event's own facts. */
export function webhookDataOf(event: TaskEvent, seq: number): Record<string, unknown> {
  const base = { taskId: event.taskId, seq, at: event.at };
  switch (event.type) {
    case "TaskSubmitted":
      return { ...base, model: event.model, runAt: event.runAt, priority: event.priority, metadata: event.metadata };
    case "TaskChained":
      return {
        ...base,
        model: event.model,
        runAt: event.runAt,
        priority: event.priority,
        metadata: event.metadata,
        parentIds: event.parentIds ?? [event.parentId],
      };
    case "TaskScheduled":
      return { ...base, runAt: event.runAt };
    case "TaskAwaitingParent":
      return { ...base, parentId: event.parentId };
    case "TaskQueued":
    case "TaskRetryRequested":
      return { ...base, gen: event.gen };
    case "TaskWaiting":
      return { ...base, gen: event.gen, reason: event.reason };
    case "TaskStarted":
      return { ...base, gen: event.gen, attempt: event.attempt, model: event.model ?? null };
    case "TaskAttemptFailed":
      return { ...base, gen: event.gen, attempt: event.attempt, error: event.error, retryAt: event.retryAt };
    case "TaskCompleted":
      return {
        ...base,
        gen: event.gen,
        attempt: event.attempt,
        // A claim-checked reply is not inlined: GET /tasks/:id has it.
        output: event.outputRef === undefined ? event.output : null,
        outputTruncated: event.outputRef !== undefined,
        model: event.model,
        stopReason: event.stopReason,
        usage: event.usage,
        costUsd: event.costUsd ?? null,
        durationMs: event.durationMs,
      };
    case "TaskFailed":
      return { ...base, gen: event.gen, attempts: event.attempts, error: event.error };
    case "TaskCancelled":
      return { ...base, reason: event.reason };
    default:
      return assertNever(event);
  }
}

/**
 * The deliveries one task event causes: one per receiver that asked for its type — the task's own `webhook`
 * and each enabled subscription of its tenant. Each carries a `webhookId` derived from the event's own
 * deterministic message id and the target, so an event handled twice yields the same ids (deduped on publish,
 * and what receivers dedupe on).
 */
export function decideWebhookDeliveries(event: TaskEvent, ctx: WebhookContext): WebhookDelivery[] {
  const type = webhookTypeOf(event);
  if (type === null || ctx.finishedBefore) return [];
  const targets: { target: WebhookTarget; url: string }[] = [];
  if (ctx.taskWebhook !== null && (ctx.taskWebhook.events ?? DEFAULT_WEBHOOK_EVENTS).includes(type)) {
    targets.push({ target: { kind: "task" }, url: ctx.taskWebhook.url });
  }
  for (const s of ctx.subscriptions) {
    if (s.enabled && s.tenant === ctx.tenant && s.events.includes(type)) {
      targets.push({ target: { kind: "subscription", id: s.id }, url: s.url });
    }
  }
  if (targets.length === 0) return [];
  const payload = { type, timestamp: event.at, data: webhookDataOf(event, ctx.seq) };
  return targets.map(({ target, url }) => ({
    v: 1,
    webhookId: `msg_${targetKey(target)}_${msgIdOf(event)}`,
    tenant: ctx.tenant,
    taskId: event.taskId,
    target,
    url,
    sourceSeq: ctx.seq,
    payload,
  }));
}

/** Whether any receiver could want this event: the dispatcher skips its lookups when none can. */
export function mayCauseDeliveries(event: TaskEvent): boolean {
  return webhookTypeOf(event) !== null;
}
