import type { FastifyRequest } from "fastify";

const accepted = new WeakMap<FastifyRequest, readonly string[]>();

/** Notes the tasks a bulk route put in flight, for the in-flight quota to count once the request ends. */
export function markAccepted(req: FastifyRequest, taskIds: readonly string[]): void {
  accepted.set(req, taskIds);
}

/** The tasks a bulk route said it put in flight; undefined for a route that puts at most one. */
export const acceptedBy = (req: FastifyRequest): readonly string[] | undefined => accepted.get(req);
