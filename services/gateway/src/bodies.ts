import type { CreatingEvent, TaskState } from "@taskjet/events";
import {
  type Bodies,
  bodyBytes,
  getInputBody,
  getOutputBody,
  inputBodyOf,
  needsClaimCheck,
  openBodies,
  putBody,
  withInputBody,
  withInputRef,
} from "@taskjet/runtime";
import type { GatewayDeps } from "./deps.ts";

const stores = new WeakMap<GatewayDeps, Promise<Bodies>>();

/**
 * This gateway's bodies store, opened on first use: a deployment whose tasks are all small never creates it.
 * A failed open is forgotten, so the next request tries again.
 */
function bodiesOf(deps: GatewayDeps): Promise<Bodies> {
  let store = stores.get(deps);
  if (!store) {
    store = openBodies(deps.js, deps.names, deps.config);
    store.catch(() => stores.delete(deps));
    stores.set(deps, store);
  }
  return store;
}

/**
 * The creating event as it is published: with input fields (prompt, system, messages, tools) larger than
 * CLAIM_CHECK_BYTES as JSON, those go to the object store as `input/<taskId>` and the event carries `inputRef`.
 */
export async function claimCheckCreation<E extends CreatingEvent>(deps: GatewayDeps, event: E): Promise<E> {
  const body = inputBodyOf(event);
  if (!needsClaimCheck(bodyBytes(body).byteLength, deps.config.CLAIM_CHECK_BYTES)) return event;
  return withInputRef(event, await putBody(await bodiesOf(deps), `input/${event.taskId}`, body));
}

/** Whether a task's input or reply is in the object store. */
export const hasBodies = (s: TaskState) => s.inputRef !== undefined || s.outputRef !== null;

/** A task with its claim-checked input and reply fetched back: what clients see, as if nothing were stored. */
export async function resolveBodies(deps: GatewayDeps, s: TaskState): Promise<TaskState> {
  if (!hasBodies(s)) return s;
  const bodies = await bodiesOf(deps);
  const [input, reply] = await Promise.all([
    s.inputRef === undefined ? null : getInputBody(bodies, s.inputRef),
    s.outputRef === null ? null : getOutputBody(bodies, s.outputRef),
  ]);
  const withInput = input === null ? s : withInputBody(s, input);
  return reply === null
    ? withInput
    : { ...withInput, output: reply.output, content: reply.content ?? null, outputRef: null };
}
