import type { TaskState } from "@taskjet/events";
import type { FastifyBaseLogger } from "fastify";
import type { GatewayDeps } from "../deps.ts";
import { projectionsOf } from "../projections.ts";

/** A live client of some tasks: a WebSocket session, or one task's Server-Sent Events stream. */
export type Listener = {
  wants(taskId: string, tenant: string): boolean;
  pushTask(state: TaskState, seq: number): void;
};

/**
 * Pushes each version of a task the read model has just committed (the projector's batch notices) to the
 * listeners that follow that task (WebSocket sessions, SSE streams). No database read: the notice carries the state, so a burst of changes costs
 * the gateway nothing but the sends.
 */
export function createHub(deps: GatewayDeps, log: FastifyBaseLogger) {
  const sessions = new Set<Listener>();
  const stop = projectionsOf(deps, log).onVersion((notice) => {
    for (const s of sessions) if (s.wants(notice.taskId, notice.state.tenant)) s.pushTask(notice.state, notice.seq);
  });
  return {
    add: (s: Listener) => sessions.add(s),
    remove: (s: Listener) => sessions.delete(s),
    close: stop,
  };
}
export type Hub = ReturnType<typeof createHub>;
