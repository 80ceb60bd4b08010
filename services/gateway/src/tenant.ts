import type { FastifyRequest } from "fastify";
import { ApiError } from "./errors.ts";

export const TENANT_HEADER = "x-tenant-id";
const TENANT = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/**
 * The caller's tenant: every task belongs to one, and a caller sees only its own. Taken from `X-Tenant-Id`
 * (a proxy that authenticates callers sets it); absent means "default".
 */
export function tenantOf(req: FastifyRequest): string {
  const raw = req.headers[TENANT_HEADER];
  if (raw === undefined) return "default";
  if (typeof raw !== "string" || !TENANT.test(raw)) {
    throw new ApiError(400, "invalid_tenant", `${TENANT_HEADER} must match ${TENANT}`);
  }
  return raw;
}
