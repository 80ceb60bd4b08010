import type { KV } from "@nats-io/kv";
import { isCasConflict } from "@taskjet/runtime";
import { type GcraDecision, gcra, type RatePolicy } from "./gcra.ts";

/** A lost compare-and-set means another gateway took a request from the same bucket at the same moment. */
const MAX_CAS_TRIES = 8;

/**
 * Request-rate buckets shared by every gateway: one KV key per bucket holds its GCRA theoretical arrival time,
 * written with compare-and-set on the revision read, so two gateways cannot both spend the last request. A
 * refused request writes nothing. Exact across gateways up to the skew between their clocks (a gateway whose
 * clock runs δ ahead lets through up to δ × rate more); the KV bucket keeps one revision per key.
 */
export function rateLimiter(kv: KV, now: () => Date) {
  return {
    async take(bucket: string, policy: RatePolicy): Promise<GcraDecision> {
      for (let tries = 1; ; tries++) {
        const entry = await kv.get(bucket);
        const stored = entry && entry.operation === "PUT" ? Number(entry.string()) : 0;
        const decision = gcra(Number.isFinite(stored) ? stored : 0, now().getTime(), policy);
        if (!decision.allowed) return decision;
        try {
          const value = String(decision.tat);
          if (entry) await kv.update(bucket, value, entry.revision);
          else await kv.create(bucket, value);
          return decision;
        } catch (err) {
          if (!isCasConflict(err) || tries >= MAX_CAS_TRIES) throw err;
        }
      }
    },
  };
}

export type RateLimiter = ReturnType<typeof rateLimiter>;

/** A KV key for a tenant's or a key's bucket: only the characters KV keys allow. */
export const bucketKey = (kind: "tenant" | "key", id: string) => `rps.${kind}.${id.replace(/[^A-Za-z0-9_-]/g, "_")}`;
