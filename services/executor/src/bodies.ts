import type { BodyRef, ModelInput, OutputBlock, TaskEvent } from "@taskjet/events";
import { type Bodies, bodyBytes, getInputBody, needsClaimCheck, putBody, withInputBody } from "@taskjet/runtime";

/** The input a call is made with: a claim-checked input's fields fetched back; any other input as it is. */
export async function resolveInput(store: Bodies, input: ModelInput): Promise<ModelInput> {
  if (input.inputRef === undefined) return input;
  return withInputBody(input, await getInputBody(store, input.inputRef));
}

export type Reply = { output: string; content?: OutputBlock[] };

/**
 * The reply a TaskCompleted carries: as it is when small; else stored under `name` (`output/<taskId>/<gen>/
 * <attempt>`: a redelivered attempt stores under its own name, never over the reply another event names) and
 * replaced by a reference.
 */
export async function claimCheckOutput(
  store: Bodies,
  name: string,
  limitBytes: number,
  result: Reply,
): Promise<Reply & { outputRef?: BodyRef }> {
  const body = { output: result.output, ...(result.content === undefined ? {} : { content: result.content }) };
  if (!needsClaimCheck(bodyBytes(body).byteLength, limitBytes)) return result;
  return { output: "", outputRef: await putBody(store, name, body) };
}

/**
 * An attempt's outcome as it goes on the stream: a reply too large for an event stored in the object store under
 * a name of its own attempt (the event names it); a failed attempt's partial output, only a trace, cut to the
 * limit — never a message NATS refuses.
 */
export function claimCheckEvents(store: Bodies, limitBytes: number, events: TaskEvent[]): Promise<TaskEvent[]> {
  return Promise.all(
    events.map(async (e) => {
      if (e.type === "TaskAttemptFailed") return { ...e, output: cut(e.output, limitBytes) };
      if (e.type !== "TaskCompleted") return e;
      const name = `output/${e.taskId}/${e.gen}/${e.attempt}`;
      const { output, content, ...rest } = e;
      return { ...rest, ...(await claimCheckOutput(store, name, limitBytes, { output, content })) };
    }),
  );
}

/** At most `limit` UTF-16 units of a partial output: a bound well inside an event's room at 4 bytes a unit. */
function cut(output: string | null, limit: number): string | null {
  const max = Math.floor(limit / 4);
  return output !== null && output.length > max ? output.slice(0, max) : output;
}
