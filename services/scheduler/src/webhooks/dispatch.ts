import {
  type CreatingEvent,
  decideWebhookDeliveries,
  mayCauseDeliveries,
  type TaskEvent,
  type TaskWebhook,
  targetKey,
  type WebhookDelivery,
} from "@taskjet/events";
import { ACK, findCreation, type Handler, lastEvent } from "@taskjet/runtime";
import type { WebhookDeps } from "./deps.ts";

type TaskFacts = { tenant: string; webhook: TaskWebhook | null };

/** Tasks' tenants and webhooks, as their creating events said, for the most recent tasks. */
const CACHE_SIZE = 50_000;

const isCreating = (e: TaskEvent): e is CreatingEvent => e.type === "TaskSubmitted" || e.type === "TaskChained";

/**
 * The dispatcher: for each task event, the deliveries it causes (decided by `decideWebhookDeliveries`), each
 * published to the webhooks stream on its target's and task's subject with its webhook id as the message id —
 * so an event handled twice (redelivered after a crash) publishes nothing new. Events of one task are handled one
 * after the other in the order they arrive, so their deliveries are published in stream order.
 */
export function onTaskEventForWebhooks(deps: WebhookDeps): Handler {
  const facts = new Map<string, TaskFacts>();
  /** Per task: whether its latest event so far was dispatched (resolves when it has been tried). */
  const tails = new Map<string, Promise<boolean>>();

  function remember(taskId: string, f: TaskFacts) {
    facts.delete(taskId);
    facts.set(taskId, f);
    if (facts.size > CACHE_SIZE) facts.delete(facts.keys().next().value ?? "");
  }

  async function factsOf(event: TaskEvent): Promise<TaskFacts | null> {
    if (isCreating(event)) return { tenant: event.tenant, webhook: event.webhook ?? null };
    const known = facts.get(event.taskId);
    if (known !== undefined) return known;
    const creation = await findCreation(deps.jsm, deps.names, deps.subjects, event.taskId);
    return creation === null ? null : { tenant: creation.event.tenant, webhook: creation.event.webhook ?? null };
  }

  /** Whether the task completed or was cancelled before `seq`: nothing after that is announced. */
  async function finishedBefore(taskId: string, seq: number): Promise<boolean> {
    const found = await Promise.all(
      (["TaskCompleted", "TaskCancelled"] as const).map((t) =>
        lastEvent(deps.jsm, deps.names, deps.subjects, taskId, t),
      ),
    );
    return found.some((e) => e !== null && e.seq < seq);
  }

  async function dispatch(event: TaskEvent, seq: number): Promise<WebhookDelivery[]> {
    const f = await factsOf(event);
    if (f === null) {
      deps.log.warn({ taskId: event.taskId, seq }, "webhooks: no creating event for this task; nothing to deliver");
      return [];
    }
    remember(event.taskId, f);
    const ctx = { seq, ...f, taskWebhook: f.webhook, subscriptions: deps.subscriptions.ofTenant(f.tenant) };
    // The lookups for a superseded event are made only when someone would hear it.
    if (decideWebhookDeliveries(event, { ...ctx, finishedBefore: false }).length === 0) return [];
    const deliveries = decideWebhookDeliveries(event, {
      ...ctx,
      finishedBefore: !isCreating(event) && (await finishedBefore(event.taskId, seq)),
    });
    for (const d of deliveries) {
      await deps.js.publish(deps.subjects.webhook(targetKey(d.target), d.taskId), JSON.stringify(d), {
        msgID: d.webhookId,
      });
    }
    return deliveries;
  }

  return async ({ event, seq }) => {
    if (!mayCauseDeliveries(event)) return ACK;
    // One task's events in arrival order: a later one waits for the one before it (and fails if it failed, so
    // both come back, in order).
    const before = tails.get(event.taskId) ?? Promise.resolve(true);
    const mine = before.then((ok) => {
      if (!ok) throw new Error("an earlier event of this task could not be dispatched; both are tried again");
      return dispatch(event, seq);
    });
    const tail = mine.then(
      () => true,
      () => false,
    );
    tails.set(event.taskId, tail);
    try {
      await mine;
    } finally {
      if (tails.get(event.taskId) === tail) tails.delete(event.taskId);
    }
    return ACK;
  };
}
