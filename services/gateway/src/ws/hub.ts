import type { FastifyBaseLogger } from "fastify";
import type { GatewayDeps } from "../deps.ts";
import { projectionsOf } from "../projections.ts";
import type { Session } from "./session.ts";

/**
 * Pushes each version of a task the read model has just committed (the projector's batch notices) to the
 * sessions that follow that task. No database read: the notice carries the state, so a burst of changes costs
 * the gateway nothing but the sends.
 */
export function createHub(deps: GatewayDeps, log: FastifyBaseLogger) {
  const sessions = new Set<Session>();
  const stop = projectionsOf(deps, log).onVersion((notice) => {
    for (const s of sessions) if (s.wants(notice.taskId, notice.state.tenant)) s.pushTask(notice.state, notice.seq);
  });
  return {
    add: (s: Session) => sessions.add(s),
    remove: (s: Session) => sessions.delete(s),
    close: stop,
  };
}
export type Hub = ReturnType<typeof createHub>;
