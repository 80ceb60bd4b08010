import type { Config } from "@taskjet/runtime";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { ApiError } from "./errors.ts";
import type { Authenticator, Refusal } from "./keys/authenticator.ts";
import { REFUSALS } from "./keys/authenticator.ts";
import { type Principal, SCOPES, type Scope } from "./principal.ts";
import { TENANT_HEADER, tenantOf } from "./tenant.ts";

/**
 * Routes anyone may call: probes, the API's documentation and the console's files (the console asks for a key
 * when the API answers 401). Not `/metrics`: it names tenants (lane gauges, cost per tenant), so with auth on
 * it needs an `admin` key — Prometheus sends one with `authorization: { credentials_file: … }`.
 */
const OPEN = new Set(["/health", "/ready", "/openapi.json", "/docs", "/*"]);
const isOpen = (url: string) => OPEN.has(url) || url.startsWith("/docs/");

/**
 * The scope a route needs: `admin` under /admin and for `/metrics`, `tasks:read` to read (and for a WebSocket
 * ticket), else write.
 */
export function requiredScope(method: string, url: string): Scope {
  if (url === "/admin" || url.startsWith("/admin/") || url === "/metrics") return "admin";
  if (method === "GET" || method === "HEAD" || url === "/ws-tickets") return "tasks:read";
  return "tasks:write";
}

/** With auth off: the tenant from `X-Tenant-Id`, every scope, no key. */
export const openPrincipal = (req: Pick<FastifyRequest, "headers">): Principal => ({
  tenant: tenantOf(req),
  keyId: null,
  scopes: SCOPES,
  limits: { requestsPerSecond: null, tasksInFlight: null },
});

export const unauthorized = (why: Refusal) => new ApiError(401, "unauthorized", REFUSALS[why]);
export const forbidden = (need: Scope) =>
  new ApiError(403, "forbidden", `this API key does not have the ${need} scope`, { scope: need });

/** The key in `Authorization: Bearer <key>`; "" for a header of another form, undefined for none. */
export function bearerOf(req: Pick<FastifyRequest, "headers">): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const m = /^Bearer +(\S+) *$/i.exec(header);
  return m?.[1] ?? "";
}

/**
 * Settles `req.principal` before any route runs. With auth required it comes from the bearer key (401
 * `unauthorized` when missing, malformed, unknown, revoked or expired; 403 `forbidden` without the route's
 * scope) and `X-Tenant-Id` is refused: the tenant is the key's. `/ws` without a header authenticates on the
 * socket (a first `auth` message or a ticket). Register after the console and before every route.
 */
export function registerAuth(app: FastifyInstance, config: Pick<Config, "AUTH_MODE">, auth: Authenticator) {
  app.addHook("onRequest", async (req, reply) => {
    const url = req.routeOptions.url;
    // A refused WebSocket upgrade (401, 403, 400, 429…) gets its answer and its connection closes: it never
    // becomes a socket, and nothing else would ever end it.
    if (req.headers.upgrade !== undefined) {
      reply.raw.once("finish", () => {
        if (reply.statusCode >= 400) req.raw.socket.destroy();
      });
    }
    if (url === undefined || isOpen(url)) return;
    if (config.AUTH_MODE === "off") {
      req.principal = openPrincipal(req);
      return;
    }
    const key = bearerOf(req);
    if (url === "/ws" && key === undefined) return;
    const result = await auth.authenticate(key);
    if ("refused" in result) {
      reply.header("www-authenticate", 'Bearer realm="taskjet"');
      throw unauthorized(result.refused);
    }
    if (req.headers[TENANT_HEADER] !== undefined) {
      throw new ApiError(
        400,
        "tenant_header_refused",
        `${TENANT_HEADER} is not taken with auth on: the key names the tenant`,
      );
    }
    req.principal = result.principal;
    const need = requiredScope(req.method, url);
    if (!result.principal.scopes.includes(need)) throw forbidden(need);
  });
}
