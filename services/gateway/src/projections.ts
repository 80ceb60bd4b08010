import { decodeMessage, ProjectedBatch, type ProjectedNotice } from "@taskjet/events";
import type { FastifyBaseLogger } from "fastify";
import type { GatewayDeps } from "./deps.ts";

/**
 * One per gateway: hears the projector's notice after each batch it commits (`projected.batch`: every version it
 * wrote, in stream order) and hands each version on — to the WebSocket hub, and to a read waiting for a task it
 * has just accepted. One subscription for the whole gateway: a waiting read adds none of its own.
 */
export function listenForProjections(deps: Pick<GatewayDeps, "nc" | "subjects">, log?: FastifyBaseLogger) {
  const listeners = new Set<(version: ProjectedNotice) => void>();
  const waiters = new Map<string, Set<() => void>>();
  const sub = deps.nc.subscribe(deps.subjects.projectedBatch, {
    callback: (_err, msg) => {
      if (listeners.size === 0 && waiters.size === 0) return;
      const decoded = decodeMessage(ProjectedBatch, msg.data);
      if (!decoded.ok) {
        log?.warn({ reason: decoded.reason }, "unreadable projected batch; dropped");
        return;
      }
      for (const version of decoded.message.versions) {
        const waiting = waiters.get(version.taskId);
        if (waiting) for (const wake of waiting) wake();
        for (const listener of listeners) listener(version);
      }
    },
  });
  return {
    /** Calls `listener` with every version from now on; returns how to stop. */
    onVersion(listener: (version: ProjectedNotice) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** Resolves true when a version of the task is heard, false after `ms`. Register before looking elsewhere. */
    waitFor(taskId: string, ms: number): Promise<boolean> {
      return new Promise((resolve) => {
        const done = (heard: boolean) => {
          clearTimeout(timer);
          const set = waiters.get(taskId);
          set?.delete(wake);
          if (set?.size === 0) waiters.delete(taskId);
          resolve(heard);
        };
        const wake = () => done(true);
        const timer = setTimeout(() => done(false), ms);
        timer.unref();
        const set = waiters.get(taskId) ?? new Set();
        set.add(wake);
        waiters.set(taskId, set);
      });
    },
    /** Reads waiting for a version of this task right now (a gauge, and how a test knows a read is waiting). */
    waitingFor: (taskId: string) => waiters.get(taskId)?.size ?? 0,
    close: () => sub.unsubscribe(),
  };
}
export type Projections = ReturnType<typeof listenForProjections>;

const perGateway = new WeakMap<GatewayDeps, Projections>();

/**
 * The gateway's listener, made at its first use (`buildApp` makes it first, with the app's log, and closes it
 * with the app); once closed, the next use makes another.
 */
export function projectionsOf(deps: GatewayDeps, log?: FastifyBaseLogger): Projections {
  const known = perGateway.get(deps);
  if (known !== undefined) return known;
  const made = listenForProjections(deps, log);
  const projections = {
    ...made,
    close() {
      perGateway.delete(deps);
      made.close();
    },
  };
  perGateway.set(deps, projections);
  return projections;
}
