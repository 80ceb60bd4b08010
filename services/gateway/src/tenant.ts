import type { FastifyRequest } from "fastify";
import { ApiError } from "./errors.ts";

export const TENANT_HEADER = "x-tenant-id";
/**
 * Letters, digits, `-` and `_`: safe as a NATS subject token, a KV key and a SQL value. `.`, `*` and `>` are
 * subject syntax and never pass (a `.` was allowed before; upper case still is, so existing tenants keep
 * their tasks). One header only: a repeated one arrives joined with ", " and is refused.
 */
const TENANT = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/**
 * The caller's tenant: every task belongs to one, and a caller sees only its own. Taken from `X-Tenant-Id`
 * (a proxy that authenticates callers sets it); absent means "default".
 */
export function tenantOf(req: Pick<FastifyRequest, "headers">): string {
  const raw = req.headers[TENANT_HEADER];
  if (raw === undefined) return "default";
  if (typeof raw !== "string" || !TENANT.test(raw)) {
    throw new ApiError(
      400,
      "invalid_tenant",
      `${TENANT_HEADER} must be one value of 1–64 letters, digits, '-' or '_', starting with a letter or digit`,
    );
  }
  return raw;
}
