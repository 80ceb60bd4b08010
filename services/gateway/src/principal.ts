/** What a caller may do: read tasks, create and steer them, manage keys. */
export const SCOPES = ["tasks:read", "tasks:write", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

/** Per-key limits; null means the tenant's default. */
export type KeyLimits = { requestsPerSecond: number | null; tasksInFlight: number | null };

/**
 * Who is calling, settled once per request before any route runs: with auth on, from the API key; with auth
 * off, from `X-Tenant-Id` (every scope, no key). Routes read the tenant from here, rate limits the key.
 * Set by the auth hook (`auth.ts`) on every route that needs a caller; left unset on those anyone may call
 * (`/health`, `/ready`, `/docs`, `/openapi.json`, the console's files) and on `/ws` opened without
 * an `Authorization` header, which authenticates on the socket.
 */
export type Principal = { tenant: string; keyId: string | null; scopes: readonly Scope[]; limits: KeyLimits };

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal;
  }
}
