import { createHash } from "node:crypto";
import type { KV } from "@nats-io/kv";
import { decodeMessage, encodeMessage, IdempotencyClaim } from "@taskjet/events";
import { isCasConflict } from "@taskjet/runtime";
import { ApiError } from "./errors.ts";

export const IDEMPOTENCY_HEADER = "idempotency-key";
const KEY = /^[\x21-\x7e]{1,255}$/;

export type Claim = { taskId: string; replay: boolean };

/**
 * Idempotency keys, per tenant, in a NATS KV bucket: the first request with a key claims it for a task id
 * (compare-and-set create), so the same key gives the same task long after JetStream's duplicate window.
 * The same key with a different request is refused with 422.
 */
export function idempotencyKeys(kv: KV) {
  return {
    parseHeader(raw: string | string[] | undefined): string | null {
      if (raw === undefined) return null;
      if (typeof raw !== "string" || !KEY.test(raw)) {
        throw new ApiError(400, "invalid_idempotency_key", "Idempotency-Key must be 1–255 printable ASCII characters");
      }
      return raw;
    },

    async claim(tenant: string, key: string, request: unknown, newTaskId: string): Promise<Claim> {
      const kvKey = sha256(`${tenant}\0${key}`);
      const requestHash = sha256(JSON.stringify(request));
      try {
        await kv.create(kvKey, encodeMessage(IdempotencyClaim, { taskId: newTaskId, requestHash }));
        return { taskId: newTaskId, replay: false };
      } catch (err) {
        if (!isCasConflict(err)) throw err;
      }
      const entry = await kv.get(kvKey);
      if (!entry) throw new Error(`idempotency key ${kvKey} vanished`);
      const claim = decodeMessage(IdempotencyClaim, entry.value);
      if (!claim.ok) throw new Error(`idempotency key ${kvKey} holds no readable claim: ${claim.reason}`);
      const held = claim.message;
      if (held.requestHash !== requestHash) {
        throw new ApiError(422, "idempotency_key_reused", "this Idempotency-Key was used with a different request");
      }
      return { taskId: held.taskId, replay: true };
    },
  };
}
export type IdempotencyKeys = ReturnType<typeof idempotencyKeys>;

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
