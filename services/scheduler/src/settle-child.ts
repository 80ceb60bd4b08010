import { decide, type EventOf, type TaskState } from "@taskjet/events";
import {
  bodyBytes,
  getInputBody,
  getOutputBody,
  inputBodyOf,
  loadTaskFromStream,
  needsClaimCheck,
  publishEvents,
  putBody,
  withInputBody,
  withInputRef,
} from "@taskjet/runtime";
import type { SchedulerDeps } from "./deps.ts";

export type Settled = "queued" | "cancelled" | "waiting";

/**
 * Settles a due chained task given its parents (in the order of its `parentIds`), as `decideSettleChild`
 * decides. Publishes are idempotent (deterministic message ids), so the chained-task reaction and the reactions
 * to each parent's end may all settle the same child, even at once: it is queued or cancelled once.
 */
export async function settleChild(
  deps: SchedulerDeps,
  child: TaskState,
  parents: readonly (TaskState | null)[],
): Promise<Settled> {
  // Rendered on the full texts: the child's own template and its parents' replies, wherever they are kept.
  const [template, replies] = await Promise.all([
    withInput(deps, child),
    Promise.all(parents.map((p) => withOutput(deps, p))),
  ]);
  // A rendered input too large for an event is claim-checked below.
  const [decided] = decide(
    { type: "SettleChild", taskId: child.id, parents: replies, limits: deps.limits },
    template,
    deps.now(),
  );
  if (decided === undefined) return "waiting";
  const event =
    decided.type === "TaskQueued" ? await claimCheckQueued(deps, decided, child.inputRef !== undefined) : decided;
  await publishEvents(deps.js, deps.subjects, [event]);
  const reason = event.type === "TaskCancelled" ? event.reason : undefined;
  deps.log.info({ taskId: child.id, parentIds: child.parentIds, outcome: event.type, reason }, "chained task settled");
  return event.type === "TaskQueued" ? "queued" : "cancelled";
}

/** A child's parents as the stream has them, in the order of its `parentIds` (null: not found). */
export function loadParents(deps: SchedulerDeps, child: TaskState): Promise<(TaskState | null)[]> {
  const { js, jsm, names, subjects } = deps;
  return Promise.all(child.parentIds.map((id) => loadTaskFromStream(js, jsm, names, subjects, id)));
}

async function withInput(deps: SchedulerDeps, s: TaskState): Promise<TaskState> {
  return s.inputRef === undefined ? s : withInputBody(s, await getInputBody(deps.claimCheck.bodies, s.inputRef));
}

async function withOutput(deps: SchedulerDeps, s: TaskState | null): Promise<TaskState | null> {
  if (s === null || s.outputRef === null) return s;
  const body = await getOutputBody(deps.claimCheck.bodies, s.outputRef);
  return { ...s, output: body.output, content: body.content ?? null, outputRef: null };
}

/**
 * A rendered input larger than the limit goes to the object store as `input/<childId>/<gen>` (a retry renders
 * its own). So does every input of a child created claim-checked: its TaskQueued must carry a reference, or
 * the one from its creation would still name the unrendered template.
 */
async function claimCheckQueued(
  deps: SchedulerDeps,
  event: EventOf<"TaskQueued">,
  createdChecked: boolean,
): Promise<EventOf<"TaskQueued">> {
  const { bodies, limitBytes } = deps.claimCheck;
  const body = inputBodyOf(event.input);
  if (!createdChecked && !needsClaimCheck(bodyBytes(body).byteLength, limitBytes)) return event;
  const ref = await putBody(bodies, `input/${event.taskId}/${event.gen}`, body);
  return { ...event, input: withInputRef(event.input, ref) };
}
