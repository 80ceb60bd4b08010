import { openBucket } from "@taskjet/runtime";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { GatewayDeps } from "../deps.ts";
import { LIMIT_CODES, sendRefusal } from "../errors.ts";
import type { Principal } from "../principal.ts";
import { acceptedBy } from "./accepted.ts";
import { type GcraDecision, policyWindowSeconds } from "./gcra.ts";
import { addRateLimitHeaders } from "./headers.ts";
import { inFlightQuota } from "./in-flight-quota.ts";
import { rateLimiter } from "./rate-limiter.ts";
import { type RateLimit, rateLimitsOf, tighterOf } from "./request-rate.ts";

/** Not rate limited: probes, metrics, the docs and the console's files, and the compatibility routes (the API
 * route they forward to is). */
const UNLIMITED = new Set([
  "/health",
  "/ready",
  "/metrics",
  "/openapi.json",
  "/*",
  "/submit",
  "/status/:id",
  "/cancel/:id",
  "/tasks/recent",
]);
const isRateLimited = (url: string | undefined) => url !== undefined && !UNLIMITED.has(url) && !url.startsWith("/docs");

/**
 * The routes that put tasks in flight — a new task, a chained one, a failed one run again, and their bulk
 * forms — and how many one request may: a batch counts as its tasks, a retry by ids as its ids. A retry by
 * filter counts one here (how many match is known only in the route); what it retried is counted after.
 */
const PUTS_IN_FLIGHT: Record<string, (body: unknown) => number> = {
  "POST /tasks": () => 1,
  "POST /tasks/:id/chain": () => 1,
  "POST /tasks/:id/retry": () => 1,
  "POST /tasks/batch": (body) => lengthOf(body, "tasks"),
  "POST /tasks/retry": (body) => lengthOf(body, "ids"),
};

/** The length of a validated body's list, 1 without it. */
function lengthOf(body: unknown, field: string): number {
  const list = typeof body === "object" && body !== null ? Reflect.get(body, field) : undefined;
  return Array.isArray(list) ? Math.max(1, list.length) : 1;
}

/** Seconds a caller over its in-flight quota is asked to wait: tasks finish on their own time, so a guess. */
const QUOTA_RETRY_AFTER_SECONDS = 1;

/**
 * The caller as the auth hook settled it; none on a route that needs no key, and on a WebSocket that
 * authenticates on the socket (its messages are not HTTP requests).
 */
function callerOf(req: FastifyRequest): Principal | null {
  const principal: Principal | undefined = req.principal;
  return principal ?? null;
}

/**
 * Per-caller limits as hooks, after the caller is known: requests per second per key (per tenant without
 * keys) and per tenant over all its keys, shared by every gateway through NATS KV; tasks in flight per
 * tenant, from the read model. Over a limit, 429 `rate_limited`, `tenant_rate_limited` or `quota_exceeded`
 * with `Retry-After` and the draft `RateLimit` headers, before
 * any idempotency key is claimed or anything published.
 */
export async function registerLimits(app: FastifyInstance, deps: GatewayDeps, countError: (code: string) => void) {
  const { config } = deps;
  const limiter = rateLimiter(await openBucket(deps.js, deps.names, "ratelimit", config), deps.now);
  const quota = inFlightQuota(deps.db, config.TASKS_IN_FLIGHT_CACHE_MS, () => deps.now().getTime());

  app.addHook("onRequest", async (req, reply) => {
    if (!isRateLimited(req.routeOptions.url)) return;
    const caller = callerOf(req);
    const limits = caller ? rateLimitsOf(caller, config) : [];
    if (limits.length === 0) return;
    let decisions: Awaited<ReturnType<typeof limiter.takeAll>>;
    try {
      decisions = await limiter.takeAll(limits);
    } catch (err) {
      // A limit is protection, not a dependency: with NATS KV out of reach the request goes on unlimited.
      req.log.warn({ err }, "rate limit not checked: its bucket is out of reach");
      return;
    }
    // The headers describe the tighter limit: the one that refused, else the one with the fewest left.
    const n = tighterOf(decisions);
    const limit = limits[n] as RateLimit;
    const decision = decisions[n] as GcraDecision;
    addRateLimitHeaders(
      reply,
      { name: limit.name, quota: limit.policy.burst, windowSeconds: policyWindowSeconds(limit.policy) },
      decision,
    );
    if (decision.allowed) return;
    return sendRefusal(reply, countError, {
      status: 429,
      code: limit.code,
      message: limit.message,
      retryAfterSeconds: decision.retryAfterSeconds,
      details: limit.details,
    });
  });

  app.addHook("preHandler", async (req, reply) => {
    const count = PUTS_IN_FLIGHT[`${req.method} ${req.routeOptions.url}`]?.(req.body);
    if (count === undefined) return;
    const caller = callerOf(req);
    const limit = caller && (caller.limits.tasksInFlight ?? config.TASKS_IN_FLIGHT_LIMIT);
    if (!caller || !limit) return;
    let r: Awaited<ReturnType<typeof quota.reserve>>;
    try {
      r = await quota.reserve(caller.tenant, limit, count);
    } catch (err) {
      // As for the rate: a submit needs NATS, not the read model, so a Postgres outage does not stop it.
      req.log.warn({ err }, "tasks in flight not counted: the read model is out of reach");
      return;
    }
    const policy = { name: "tasks-in-flight", quota: limit };
    if (!r.ok) {
      addRateLimitHeaders(reply, policy, { remaining: 0, resetSeconds: QUOTA_RETRY_AFTER_SECONDS });
      return sendRefusal(reply, countError, {
        status: 429,
        code: LIMIT_CODES.quotaExceeded,
        message: `${r.inFlight} tasks in flight, the tenant's limit is ${limit}; submit again once some finish`,
        retryAfterSeconds: QUOTA_RETRY_AFTER_SECONDS,
        details: { limit: "tasksInFlight", tasksInFlight: limit },
      });
    }
    addRateLimitHeaders(reply, policy, { remaining: Math.max(0, limit - r.inFlight), resetSeconds: 0 });
    // Released however the request ends: with the tasks it put in flight, or with none.
    reply.raw.once("close", () => r.reservation.release(acceptedBy(req) ?? acceptedTaskIds(req, reply)));
  });
}

/** The task a 202 put in flight: a new one's id from its Location, a retried one's from the path. */
function acceptedTaskIds(req: FastifyRequest, reply: FastifyReply): string[] {
  if (reply.statusCode !== 202 || reply.getHeader("idempotent-replayed") === "true") return [];
  const location = reply.getHeader("location");
  if (typeof location === "string") return [location.slice(location.lastIndexOf("/") + 1)];
  const params = req.params;
  return typeof params === "object" && params !== null && "id" in params && typeof params.id === "string"
    ? [params.id]
    : [];
}
