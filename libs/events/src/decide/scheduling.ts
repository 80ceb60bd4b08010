import type { EventOf, TaskError } from "../events.ts";
import { definedOptions, isTerminal, type TaskState } from "../state.ts";
import { type ParentOutputs, type Rendered, renderChild } from "./render-child.ts";
import { cancelled, existingTask } from "./task-commands.ts";

/** A created task not yet due is announced once; the scheduler holds it until then. */
export type ScheduleTask = { type: "ScheduleTask"; taskId: string; announced: boolean };
/** A task's generation `gen` is due: it runs (a created task's first, or the one a retry opened). */
export type QueueTask = { type: "QueueTask"; taskId: string; gen: number };
/** A due chained task meets its parents as the stream has them, in the order of its `parentIds` (null: none). */
export type SettleChild = {
  type: "SettleChild";
  taskId: string;
  parents: readonly (TaskState | null)[];
  limits: InputLimits;
};
/** A due chained task whose parent is still on its way waits for it. */
export type AwaitParent = { type: "AwaitParent"; taskId: string };

/** How long until a task is due: its `runAt` still ahead, or 0. */
export function msUntilDue(state: TaskState, now: Date): number {
  return state.runAt === null ? 0 : Math.max(0, Date.parse(state.runAt) - now.getTime());
}

export function decideSchedule(
  command: ScheduleTask,
  current: TaskState | null,
  now: Date,
): [] | [EventOf<"TaskScheduled">] {
  const state = existingTask(current, command.taskId);
  if (command.announced || state.runAt === null || msUntilDue(state, now) === 0) return [];
  return [{ type: "TaskScheduled", v: 1, taskId: state.id, at: now.toISOString(), runAt: state.runAt }];
}

/**
 * A waiting task of the generation asked for is queued with the prompt it last had (a chained task's is its
 * resolved one); anything else (it was cancelled, a newer retry came) no longer applies.
 */
export function decideQueue(command: QueueTask, current: TaskState | null, now: Date): [] | [EventOf<"TaskQueued">] {
  const state = existingTask(current, command.taskId);
  if (state.status !== "submitted" || state.gen !== command.gen) return [];
  return [queued(state, now)];
}

export function decideAwaitParent(
  command: AwaitParent,
  current: TaskState | null,
  now: Date,
): [EventOf<"TaskAwaitingParent">] {
  const state = existingTask(current, command.taskId);
  if (state.parentId === null) throw new Error(`task ${state.id} has no parent to wait for`);
  return [{ type: "TaskAwaitingParent", v: 1, taskId: state.id, at: now.toISOString(), parentId: state.parentId }];
}

function queued(state: TaskState, now: Date, rendered: Rendered = state): EventOf<"TaskQueued"> {
  return {
    type: "TaskQueued",
    v: 1,
    taskId: state.id,
    at: now.toISOString(),
    gen: state.gen,
    input: {
      prompt: rendered.prompt,
      system: state.system,
      model: state.model,
      maxTokens: state.maxTokens,
      temperature: state.temperature,
      ...definedOptions({ ...state, messages: rendered.messages }),
    },
    maxAttempts: state.maxAttempts,
    timeoutMs: state.timeoutMs,
    attemptsBefore: state.attempts,
    tenant: state.tenant,
    priority: state.priority,
    ...(state.mode === "batch" ? { mode: state.mode } : {}),
  };
}

/**
 * How large a task's prompt may be: the configured limit. (Its bytes are not bounded here: a rendered input too
 * large for one NATS message is claim-checked into the object store.)
 */
export type InputLimits = { maxPromptChars: number };

/**
 * The TaskQueued a chained child runs as on its parents' output, or why it cannot run: a rendered prompt past
 * the limit. Known once the parents have finished, so the gateway checks it at creation when they all
 * completed, and the scheduler when the last one ends.
 */
export function queueChild(
  child: TaskState,
  outputs: ParentOutputs,
  now: Date,
  limits: InputLimits,
): { event: EventOf<"TaskQueued"> } | { error: TaskError } {
  const rendered = renderChild(child, outputs);
  const { prompt } = rendered;
  if (prompt.length > limits.maxPromptChars) {
    const message = `the rendered prompt is ${prompt.length} characters; the limit is ${limits.maxPromptChars}`;
    return { error: { code: "prompt_too_long", message } };
  }
  const event = queued(child, now, rendered);
  return { event };
}

/**
 * What a due chained task does given its parents: nothing while any is still on its way (no events). Once all
 * have finished, it runs on their output — unless one failed or was cancelled (or is missing) and its policy is
 * `cascade`, or under `continue` none completed: then it is cancelled, the reason naming a parent. A child whose
 * rendered input cannot be carried is cancelled with the reason, never left waiting for a publish that can never
 * succeed.
 */
export function decideSettleChild(
  command: SettleChild,
  current: TaskState | null,
  now: Date,
): [] | [EventOf<"TaskQueued"> | EventOf<"TaskCancelled">] {
  const child = existingTask(current, command.taskId);
  const { parents } = command;
  if (parents.some((p) => p !== null && !isTerminal(p.status))) return [];
  const cancel = (reason: string): [EventOf<"TaskCancelled">] => [cancelled(child.id, reason, now)];
  const unfinished = parents.findIndex((p) => p?.status !== "completed");
  const cascades = child.onParentFailure === "cascade" || parents.every((p) => p?.status !== "completed");
  if (unfinished !== -1 && cascades) return cancel(parentReason(child, parents, unfinished));
  const outputs = parents.map((p) => (p?.status === "completed" ? (p.output ?? "") : null));
  const q = queueChild(child, outputs, now, command.limits);
  return "event" in q ? [q.event] : cancel(`${q.error.code}: ${q.error.message}`);
}

/** `parent-failed` as a single chain always said it; a fan-in child adds which parent. */
function parentReason(child: TaskState, parents: readonly (TaskState | null)[], at: number): string {
  const parent = parents[at];
  const reason = parent == null ? "parent-not-found" : `parent-${parent.status}`;
  return child.parentIds.length > 1 ? `${reason}: ${child.parentIds[at]}` : reason;
}
