import { IllegalTransitionError, TaskNotFoundError } from "./errors.ts";
import type { EventOf, TaskError, TaskEvent } from "./events.ts";
import { LIMITS } from "./limits.ts";
import type { TaskState } from "./state.ts";

/** What a command decided: the events to publish, none when it is an idempotent no-op. */
export type Decision = TaskEvent[];

export type CancelTask = { type: "CancelTask"; taskId: string; reason: string; now: Date };
export type RetryTask = { type: "RetryTask"; taskId: string; now: Date };

function existing(state: TaskState | null, taskId: string): TaskState {
  if (state === null) throw new TaskNotFoundError(taskId);
  return state;
}

/** Cancelling a cancelled task changes nothing and is no error; a finished task cannot be cancelled. */
export function decideCancel(command: CancelTask, current: TaskState | null): Decision {
  const state = existing(current, command.taskId);
  if (state.status === "cancelled") return [];
  if (state.status === "completed" || state.status === "failed") {
    throw new IllegalTransitionError("cancel", state.id, state.status);
  }
  return [{ type: "TaskCancelled", v: 1, taskId: state.id, at: command.now.toISOString(), reason: command.reason }];
}

export function decideRetry(command: RetryTask, current: TaskState | null): Decision {
  const state = existing(current, command.taskId);
  if (state.status !== "failed") throw new IllegalTransitionError("retry", state.id, state.status);
  return [{ type: "TaskRetryRequested", v: 1, taskId: state.id, at: command.now.toISOString(), gen: state.gen + 1 }];
}

/** A child can be chained onto a parent that will (or did) produce output, never onto a dead one. */
export function assertChainable(parent: TaskState | null, parentId: string): TaskState {
  const state = existing(parent, parentId);
  if (state.status === "cancelled" || state.status === "failed") {
    throw new IllegalTransitionError("chain onto", state.id, state.status);
  }
  return state;
}

/**
 * When a new task may run: at `runAt` if that is still ahead, else now. The caller fills in the prompt a
 * chained task resolves to; everything else comes from the task.
 */
export function decideStart(
  state: TaskState,
  now: Date,
  prompt: string = state.prompt,
): EventOf<"TaskScheduled"> | EventOf<"TaskQueued"> {
  const at = now.toISOString();
  if (state.runAt !== null && Date.parse(state.runAt) > now.getTime()) {
    return { type: "TaskScheduled", v: 1, taskId: state.id, at, runAt: state.runAt };
  }
  return queued(state, now, prompt);
}

export function queued(state: TaskState, now: Date, prompt: string = state.prompt): EventOf<"TaskQueued"> {
  return {
    type: "TaskQueued",
    v: 1,
    taskId: state.id,
    at: now.toISOString(),
    gen: state.gen,
    input: {
      prompt,
      system: state.system,
      model: state.model,
      maxTokens: state.maxTokens,
      temperature: state.temperature,
    },
    maxAttempts: state.maxAttempts,
    timeoutMs: state.timeoutMs,
    attemptsBefore: state.attempts,
  };
}

/** The token a chained task's prompt uses for its parent's output. */
export const PARENT_OUTPUT = "{{parent.output}}";

const PARENT_OUTPUT_TOKEN = /\\?\{\{parent\.output\}\}/g;

/**
 * A chained task's prompt with its parent's output filled in. Every `{{parent.output}}` is replaced in one
 * pass, so an output that itself contains the token is inserted as it is, never expanded again. A token
 * written `\{{parent.output}}` stands for itself. With no (unescaped) token, the output is appended after a
 * blank line.
 */
export function renderChildPrompt(template: string, parentOutput: string): string {
  let used = false;
  const rendered = template.replace(PARENT_OUTPUT_TOKEN, (match) => {
    if (match.startsWith("\\")) return PARENT_OUTPUT;
    used = true;
    return parentOutput;
  });
  return used ? rendered : `${rendered}\n\n${parentOutput}`;
}

/** How large a task's input may be: the configured prompt limit, and the NATS connection's max_payload. */
export type InputLimits = { maxPromptChars: number; maxPayloadBytes: number };

const utf8 = new TextEncoder();

/**
 * The TaskQueued a chained child runs as on its parent's output, or why it cannot run: a rendered prompt
 * past the limit, or a work item larger than one NATS message may be (headers need room too). Known once
 * the parent has completed, so the gateway checks it at chain time and the scheduler when the parent ends.
 */
export function queueChild(
  child: TaskState,
  parentOutput: string,
  now: Date,
  limits: InputLimits,
): { event: EventOf<"TaskQueued"> } | { error: TaskError } {
  const prompt = renderChildPrompt(child.prompt, parentOutput);
  if (prompt.length > limits.maxPromptChars) {
    const message = `the rendered prompt is ${prompt.length} characters; the limit is ${limits.maxPromptChars}`;
    return { error: { code: "prompt_too_long", message } };
  }
  const event = queued(child, now, prompt);
  const bytes = utf8.encode(JSON.stringify(event)).byteLength + LIMITS.headerBytes;
  if (bytes > limits.maxPayloadBytes) {
    const message = `the rendered task is ${bytes} bytes; one NATS message holds at most ${limits.maxPayloadBytes}`;
    return { error: { code: "prompt_too_long", message } };
  }
  return { event };
}

/**
 * What a due chained task does given its parent (null: not found): run on a completed parent's output, follow
 * a failed or cancelled parent into cancellation, or keep waiting (null). A child whose rendered input cannot
 * be carried is cancelled with the reason, never left waiting for a publish that can never succeed.
 */
export function decideChildStart(
  child: TaskState,
  parent: TaskState | null,
  now: Date,
  limits: InputLimits,
): EventOf<"TaskQueued"> | EventOf<"TaskCancelled"> | null {
  const cancel = (reason: string): EventOf<"TaskCancelled"> => ({
    type: "TaskCancelled",
    v: 1,
    taskId: child.id,
    at: now.toISOString(),
    reason,
  });
  if (parent === null) return cancel("parent-not-found");
  switch (parent.status) {
    case "completed": {
      const q = queueChild(child, parent.output ?? "", now, limits);
      return "event" in q ? q.event : cancel(`${q.error.code}: ${q.error.message}`);
    }
    case "cancelled":
      return cancel("parent-cancelled");
    case "failed":
      return cancel("parent-failed");
    default:
      return null;
  }
}
