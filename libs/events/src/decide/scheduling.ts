import type { EventOf, TaskError } from "../events.ts";
import type { Message } from "../model-request.ts";
import { definedOptions, type TaskState } from "../state.ts";
import { cancelled, existingTask } from "./task-commands.ts";

/** A created task not yet due is announced once; the scheduler holds it until then. */
export type ScheduleTask = { type: "ScheduleTask"; taskId: string; announced: boolean };
/** A task's generation `gen` is due: it runs (a created task's first, or the one a retry opened). */
export type QueueTask = { type: "QueueTask"; taskId: string; gen: number };
/** A due chained task meets its parent as the stream has it (null: none). */
export type SettleChild = { type: "SettleChild"; taskId: string; parent: TaskState | null; limits: InputLimits };
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

/** What a task runs with: as created, or a chained task's prompt and conversation as rendered on its parent. */
type Rendered = { prompt: string; messages?: Message[] | undefined };

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

/**
 * A chained task's input on its parent's output: its prompt rendered, or — for a conversation — its last user
 * turn (the text, or its last text block; a text block is added to a turn of other blocks).
 */
export function renderChild(child: Rendered, parentOutput: string): Rendered {
  if (child.messages === undefined) return { prompt: renderChildPrompt(child.prompt, parentOutput) };
  const messages = [...child.messages];
  const last = messages.findLastIndex((m) => m.role === "user");
  const turn = messages[last];
  if (turn === undefined) return { prompt: child.prompt, messages };
  if (typeof turn.content === "string") {
    messages[last] = { ...turn, content: renderChildPrompt(turn.content, parentOutput) };
  } else {
    const blocks = [...turn.content];
    const textAt = blocks.findLastIndex((b) => b.type === "text");
    const text = blocks[textAt];
    if (text?.type === "text") blocks[textAt] = { ...text, text: renderChildPrompt(text.text, parentOutput) };
    else blocks.push({ type: "text", text: parentOutput });
    messages[last] = { ...turn, content: blocks };
  }
  return { prompt: child.prompt, messages };
}

/**
 * How large a task's prompt may be: the configured limit. (Its bytes are not bounded here: a rendered input too
 * large for one NATS message is claim-checked into the object store.)
 */
export type InputLimits = { maxPromptChars: number };

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
  const rendered = renderChild(child, parentOutput);
  const { prompt } = rendered;
  if (prompt.length > limits.maxPromptChars) {
    const message = `the rendered prompt is ${prompt.length} characters; the limit is ${limits.maxPromptChars}`;
    return { error: { code: "prompt_too_long", message } };
  }
  const event = queued(child, now, rendered);
  return { event };
}

/**
 * What a due chained task does given its parent: run on a completed parent's output, follow a failed or
 * cancelled (or missing) parent into cancellation, or keep waiting (no events). A child whose rendered input
 * cannot be carried is cancelled with the reason, never left waiting for a publish that can never succeed.
 */
export function decideSettleChild(
  command: SettleChild,
  current: TaskState | null,
  now: Date,
): [] | [EventOf<"TaskQueued"> | EventOf<"TaskCancelled">] {
  const child = existingTask(current, command.taskId);
  const { parent } = command;
  const cancel = (reason: string): [EventOf<"TaskCancelled">] => [cancelled(child.id, reason, now)];
  if (parent === null) return cancel("parent-not-found");
  switch (parent.status) {
    case "completed": {
      const q = queueChild(child, parent.output ?? "", now, command.limits);
      return "event" in q ? [q.event] : cancel(`${q.error.code}: ${q.error.message}`);
    }
    case "cancelled":
      return cancel("parent-cancelled");
    case "failed":
      return cancel("parent-failed");
    default:
      return [];
  }
}
