// The POST /tasks body that submits a task again as it was submitted: the "run it again" curl, and what the
// form's "Run again with edits" starts from.
import type { CreateTaskBody, Task } from "../api/client.ts";

/** Every field of the body, present or not: a field the API adds fails to compile here until it is placed. */
type EveryField = { [K in keyof Required<CreateTaskBody>]: CreateTaskBody[K] | undefined };

/**
 * The body that makes the same task: its input (a conversation as `messages`, never an empty `prompt`), the
 * settings it ran with, and a `runAt` still to come. A chained task keeps its parents only while its input is
 * still the template (not yet queued); once rendered on their output, it runs again on that rendered input
 * alone — sent with its parents, their output would be put in a second time.
 */
export function bodyOf(task: Task, now: number): CreateTaskBody {
  const onParents = task.parentIds.length > 0 && BEFORE_RENDERING.has(task.status);
  const body: EveryField = {
    prompt: task.messages === undefined ? task.prompt : undefined, // the API takes one or the other
    messages: task.messages,
    system: task.system ?? undefined,
    model: task.model,
    maxTokens: task.maxTokens,
    temperature: task.temperature ?? undefined,
    topP: task.topP,
    topK: task.topK,
    stopSequences: task.stopSequences,
    tools: task.tools,
    toolChoice: task.toolChoice,
    thinking: task.thinking,
    serviceTier: task.serviceTier,
    outputSchema: task.outputSchema,
    provider: task.provider,
    fallbackModels: task.fallbackModels,
    cache: task.cache,
    runAt: task.runAt !== null && Date.parse(task.runAt) > now ? task.runAt : undefined,
    delaySeconds: undefined, // a delay became the task's runAt
    maxAttempts: task.maxAttempts,
    timeoutSeconds: task.timeoutSeconds,
    priority: task.priority === "normal" ? undefined : task.priority,
    metadata: Object.keys(task.metadata).length > 0 ? task.metadata : undefined,
    webhook: task.webhook ?? undefined,
    parentIds: onParents ? task.parentIds : undefined,
    onParentFailure: onParents ? task.onParentFailure : undefined,
  };
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) as CreateTaskBody;
}

/** Statuses before TaskQueued, which replaces a chained task's template with its rendered input. */
const BEFORE_RENDERING: ReadonlySet<Task["status"]> = new Set(["submitted", "scheduled", "awaiting_parent"]);
