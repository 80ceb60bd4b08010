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
  const read = async (bucket: string) => {
    const entry = await kv.get(bucket);
    const stored = entry && entry.operation === "PUT" ? Number(entry.string()) : 0;
    return { entry, tat: Number.isFinite(stored) ? stored : 0 };
  };
  /** Spends one request from a bucket read as `first`; read again and decided again after a lost write. */
  async function spend(bucket: string, policy: RatePolicy, first: Awaited<ReturnType<typeof read>>) {
    let seen = first;
    for (let tries = 1; ; tries++) {
      const decision = gcra(seen.tat, now().getTime(), policy);
      if (!decision.allowed) return decision;
      try {
        const value = String(decision.tat);
        if (seen.entry) await kv.update(bucket, value, seen.entry.revision);
        else await kv.create(bucket, value);
        return decision;
      } catch (err) {
        if (!isCasConflict(err) || tries >= MAX_CAS_TRIES) throw err;
      }
      seen = await read(bucket);
    }
  }

  return {
    async take(bucket: string, policy: RatePolicy): Promise<GcraDecision> {
      return spend(bucket, policy, await read(bucket));
    },
    /**
     * One request against several buckets (a key's and its tenant's): all are read first, and a request
     * one of them refuses spends nothing from the others. Then each is spent with compare-and-set; only a
     * bucket another gateway filled between the read and the write can refuse after another was spent
     * (one request's worth, in a race).
     */
    async takeAll(items: readonly { bucket: string; policy: RatePolicy }[]): Promise<GcraDecision[]> {
      const reads = await Promise.all(items.map((i) => read(i.bucket)));
      const at = now().getTime();
      const decisions = items.map((i, n) => gcra(reads[n]?.tat ?? 0, at, i.policy));
      if (decisions.some((d) => !d.allowed)) return decisions;
      return Promise.all(items.map((i, n) => spend(i.bucket, i.policy, reads[n] ?? { entry: null, tat: 0 })));
    },
  };
}

export type RateLimiter = ReturnType<typeof rateLimiter>;

/**
 * A KV key for a bucket: a key's, a tenant's without keys (`tenant`), or a tenant's total over all its keys
 * (`total`); only the characters KV keys allow.
 */
export const bucketKey = (kind: "tenant" | "key" | "total", id: string) =>
  `rps.${kind}.${id.replace(/[^A-Za-z0-9_-]/g, "_")}`;
