import type { FastifyReply } from "fastify";
import { type Item, parseList, serializeList } from "structured-headers";

/** One policy as the draft names it: its quota, and the window it refills over (none for a concurrency quota). */
export type LimitPolicy = { name: string; quota: number; windowSeconds?: number };
export type LimitState = { remaining: number; resetSeconds: number };

/** Adds one item to a structured-field list header, keeping what an earlier limit put there. */
function append(reply: FastifyReply, header: string, item: Item) {
  const current = reply.getHeader(header);
  const list = typeof current === "string" && current !== "" ? parseList(current) : [];
  reply.header(header, serializeList([...list, item]));
}

/**
 * The IETF draft's headers (draft-ietf-httpapi-ratelimit-headers), one item per limit that applies:
 * `RateLimit-Policy: "rps";q=10;w=1` and `RateLimit: "rps";r=3;t=1` (remaining, seconds until reset). Written
 * as RFC 9651 structured fields by the `structured-headers` library, so names are quoted strings and
 * parameters follow the grammar; an earlier limit's item on the same response is kept.
 */
export function addRateLimitHeaders(reply: FastifyReply, policy: LimitPolicy, state: LimitState) {
  const params = new Map<string, number>([["q", policy.quota]]);
  if (policy.windowSeconds !== undefined) params.set("w", policy.windowSeconds);
  append(reply, "ratelimit-policy", [policy.name, params]);
  append(reply, "ratelimit", [
    policy.name,
    new Map([
      ["r", state.remaining],
      ["t", state.resetSeconds],
    ]),
  ]);
}
