import { createHash } from "node:crypto";
import type { JetStreamClient } from "@nats-io/jetstream";
// The official object store client: it chunks a body past the server's max_payload into many messages and
// reassembles it, which a plain stream or KV value could not hold.
import { type ObjectStore, Objm } from "@nats-io/obj";
import { type BodyRef, ModelInput, type Names, OutputBlock } from "@taskjet/events";
import { z } from "zod";
import type { Config } from "./config.ts";

/** The namespace's object store of claim-checked bodies (`<kvPrefix>_bodies`). */
export type Bodies = ObjectStore;

/**
 * Opens (creating when missing) the namespace's bodies store. Nothing in it expires: a task's bodies are part
 * of its record, as its events are.
 */
export function openBodies(
  js: JetStreamClient,
  names: Names,
  config: Pick<Config, "STREAM_REPLICAS">,
): Promise<Bodies> {
  return new Objm(js).create(`${names.kvPrefix}_bodies`, { replicas: config.STREAM_REPLICAS });
}

export class BodyUnavailableError extends Error {
  override name = "BodyUnavailableError";
}

const utf8 = new TextEncoder();

/** A value as the bytes stored for it: JSON in UTF-8. */
export function bodyBytes(value: unknown): Uint8Array {
  return utf8.encode(JSON.stringify(value));
}

/** Whether a body of `bytes` goes to the object store rather than into an event. */
export function needsClaimCheck(bytes: number, limitBytes: number): boolean {
  return bytes > limitBytes;
}

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

/** Stores `value` as JSON under `name` (replacing what was there: a retried put stores the same body). */
export async function putBody(bodies: Bodies, name: string, value: unknown): Promise<BodyRef> {
  const data = bodyBytes(value);
  await bodies.putBlob({ name }, data);
  return { name, bytes: data.byteLength, sha256: sha256(data) };
}

/** The value a reference names, checked against its size and digest; a missing or altered body throws. */
export async function getBody(bodies: Bodies, ref: BodyRef): Promise<unknown> {
  const data = await bodies.getBlob(ref.name);
  if (data === null) throw new BodyUnavailableError(`body ${ref.name} is not in the object store`);
  if (data.byteLength !== ref.bytes || sha256(data) !== ref.sha256) {
    throw new BodyUnavailableError(
      `body ${ref.name} does not match its reference (${data.byteLength} bytes, expected ${ref.bytes})`,
    );
  }
  return JSON.parse(new TextDecoder().decode(data)) as unknown;
}

/** The fields of an input that a claim check moves to the object store: what `input/…` bodies hold. */
export const InputBody = ModelInput.pick({ prompt: true, system: true, messages: true, tools: true });
export type InputBody = z.infer<typeof InputBody>;

/** A reply as `output/…` bodies hold it. */
export const OutputBody = z.object({ output: z.string(), content: z.array(OutputBlock).optional() });
export type OutputBody = z.infer<typeof OutputBody>;

/** A stored body checked against what it should be: a body of another shape is as unusable as a missing one. */
async function getTypedBody<S extends z.ZodType>(bodies: Bodies, ref: BodyRef, schema: S): Promise<z.infer<S>> {
  const parsed = schema.safeParse(await getBody(bodies, ref));
  if (!parsed.success) throw new BodyUnavailableError(`body ${ref.name} is not what it should be: ${parsed.error}`);
  return parsed.data;
}

export const getInputBody = (bodies: Bodies, ref: BodyRef) => getTypedBody(bodies, ref, InputBody);
export const getOutputBody = (bodies: Bodies, ref: BodyRef) => getTypedBody(bodies, ref, OutputBody);

/** The large fields of an input, as stored. */
export function inputBodyOf(input: InputBody): InputBody {
  return {
    prompt: input.prompt,
    system: input.system,
    ...(input.messages === undefined ? {} : { messages: input.messages }),
    ...(input.tools === undefined ? {} : { tools: input.tools }),
  };
}

/** An input with its large fields emptied and a reference to where they are: what an event carries. */
export function withInputRef<T extends InputBody>(input: T, ref: BodyRef): T & { inputRef: BodyRef } {
  const { messages: _m, tools: _t, ...rest } = input;
  return { ...(rest as T), prompt: "", system: null, inputRef: ref };
}

/** An input with the fields its reference named put back, and the reference gone. */
export function withInputBody<T extends InputBody & { inputRef?: BodyRef | undefined }>(input: T, body: InputBody): T {
  const { inputRef: _ref, messages: _m, tools: _t, ...rest } = input;
  return { ...(rest as T), ...inputBodyOf(body) };
}

/**
 * Stores an input's large fields under `name` when, as JSON, they pass `limitBytes`, and returns the input an
 * event then carries; below the limit, the input as it is.
 */
export async function claimCheckInput<T extends InputBody>(
  bodies: Bodies,
  name: string,
  limitBytes: number,
  input: T,
): Promise<T> {
  const body = inputBodyOf(input);
  if (!needsClaimCheck(bodyBytes(body).byteLength, limitBytes)) return input;
  return withInputRef(input, await putBody(bodies, name, body));
}
