import { decodeMessage, ProjectedNotice } from "@taskjet/events";
import type { FastifyBaseLogger } from "fastify";
import type { GatewayDeps } from "../deps.ts";
import type { Session } from "./session.ts";

/**
 * One per gateway: hears the projector's `projected.tasks.<id>` notices — each a version of a task the read
 * model has just committed — and pushes it to the sessions that follow that task. No database read: the
 * notice carries the state, so a burst of changes costs the gateway nothing but the sends.
 */
export function createHub(deps: GatewayDeps, log: FastifyBaseLogger) {
  const sessions = new Set<Session>();
  const sub = deps.nc.subscribe(deps.subjects.allProjected, {
    callback: (_err, msg) => {
      if (sessions.size === 0) return;
      const decoded = decodeMessage(ProjectedNotice, msg.data);
      if (!decoded.ok) {
        log.warn({ subject: msg.subject, reason: decoded.reason }, "unreadable projected notice; dropped");
        return;
      }
      const notice = decoded.message;
      for (const s of sessions) if (s.wants(notice.taskId, notice.state.tenant)) s.pushTask(notice.state, notice.seq);
    },
  });
  return {
    add: (s: Session) => sessions.add(s),
    remove: (s: Session) => sessions.delete(s),
    close: () => sub.unsubscribe(),
  };
}
export type Hub = ReturnType<typeof createHub>;
