import type { BodyRef, ModelInput, OutputBlock } from "@taskjet/events";
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
