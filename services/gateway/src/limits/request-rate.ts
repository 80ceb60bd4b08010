import type { Config } from "@taskjet/runtime";
import { LIMIT_CODES } from "../errors.ts";
import type { Principal } from "../principal.ts";
import { type GcraDecision, type RatePolicy, ratePolicy } from "./gcra.ts";
import { bucketKey } from "./rate-limiter.ts";

/** One request-rate limit that applies to a caller: its bucket, and how a refusal by it is named. */
export type RateLimit = {
  /** The item's name in `RateLimit` / `RateLimit-Policy`. */
  name: "rps" | "tenant-rps";
  bucket: string;
  policy: RatePolicy;
  code: (typeof LIMIT_CODES)["rateLimited" | "tenantRateLimited"];
  details: Record<string, number | string>;
  message: string;
};

/**
 * The request-rate limits a caller meets: its key's bucket (or, without keys, its tenant's) at the key's
 * rate or `RATE_LIMIT_RPS`, and the tenant's total over all its keys at `RATE_LIMIT_TENANT_RPS`. None is 0.
 */
export function rateLimitsOf(
  caller: Principal,
  config: Pick<Config, "RATE_LIMIT_RPS" | "RATE_LIMIT_BURST" | "RATE_LIMIT_TENANT_RPS" | "RATE_LIMIT_TENANT_BURST">,
): RateLimit[] {
  const limits: RateLimit[] = [];
  const rate = caller.limits.requestsPerSecond ?? config.RATE_LIMIT_RPS;
  if (rate > 0) {
    const policy = ratePolicy(rate, config.RATE_LIMIT_BURST);
    limits.push({
      name: "rps",
      bucket: caller.keyId === null ? bucketKey("tenant", caller.tenant) : bucketKey("key", caller.keyId),
      policy,
      code: LIMIT_CODES.rateLimited,
      details: { limit: "requestsPerSecond", requestsPerSecond: rate, burst: policy.burst },
      message: `more than ${rate} requests per second (bursts of ${policy.burst}); try again after Retry-After`,
    });
  }
  const total = config.RATE_LIMIT_TENANT_RPS;
  if (total > 0) {
    const policy = ratePolicy(total, config.RATE_LIMIT_TENANT_BURST);
    limits.push({
      name: "tenant-rps",
      bucket: bucketKey("total", caller.tenant),
      policy,
      code: LIMIT_CODES.tenantRateLimited,
      details: { limit: "tenantRequestsPerSecond", requestsPerSecond: total, burst: policy.burst },
      message:
        `the tenant's keys together made more than ${total} requests per second (bursts of ${policy.burst}); ` +
        "try again after Retry-After",
    });
  }
  return limits;
}

/**
 * Which of the decisions (one per limit, in order) to report: a refusal (the one asking the longest wait),
 * else the one with the fewest requests left — the tighter limit.
 */
export function tighterOf(decisions: readonly GcraDecision[]): number {
  let pick = 0;
  decisions.forEach((d, n) => {
    const best = decisions[pick] as GcraDecision;
    const tighter =
      d.allowed === best.allowed
        ? d.allowed
          ? d.remaining < best.remaining
          : d.retryAfterSeconds > best.retryAfterSeconds
        : !d.allowed;
    if (tighter) pick = n;
  });
  return pick;
}
