import type { FastifyInstance, FastifyRequest } from "fastify";
import { LIMIT_CODES, sendRefusal } from "./errors.ts";

/**
 * Routes outside the bound: probes and metrics must answer under any load, long-lived streams would hold a
 * slot for their whole life, and the compatibility routes forward to an API route that is counted itself.
 */
const UNBOUNDED = new Set([
  "/health",
  "/ready",
  "/metrics",
  "/ws",
  "/tasks/:id/stream",
  "/submit",
  "/status/:id",
  "/cancel/:id",
  "/tasks/recent",
]);

/** Seconds a refused client is asked to wait: in-progress requests finish in milliseconds when all is well. */
const RETRY_AFTER_SECONDS = 1;

/**
 * Bounds the requests one gateway works on at once. Past `max`, a request is answered 503 `overloaded` with
 * `Retry-After` before its body is read, its key checked or anything published, so nothing refused was half
 * accepted, and the memory and the NATS publishes pending stay proportional to `max`. Registered first, so a
 * refusal costs no other hook. Unmatched URLs (404s) are outside the bound too: they do no work.
 */
export function registerOverloadGuard(app: FastifyInstance, max: number, countError: (code: string) => void) {
  if (max <= 0) return { inProgress: () => 0 };
  let inProgress = 0;
  const counted = new WeakSet<FastifyRequest>();
  const done = (req: FastifyRequest) => {
    if (counted.delete(req)) inProgress--;
  };
  app.addHook("onRequest", async (req, reply) => {
    const url = req.routeOptions.url;
    if (url === undefined || UNBOUNDED.has(url)) return;
    if (inProgress >= max) {
      return sendRefusal(reply, countError, {
        status: 503,
        code: LIMIT_CODES.overloaded,
        message: `the gateway is working on ${max} requests, its limit; try again shortly`,
        retryAfterSeconds: RETRY_AFTER_SECONDS,
      });
    }
    inProgress++;
    counted.add(req);
    // Once the answer is sent or the client has gone, whichever comes first; never twice.
    reply.raw.once("close", () => done(req));
  });
  app.addHook("onResponse", async (req) => done(req));
  app.addHook("onRequestAbort", async (req) => done(req));
  return { inProgress: () => inProgress };
}
