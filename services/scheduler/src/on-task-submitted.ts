import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import { decideStart, evolve, type Names, type Subjects } from "@taskjet/events";
import { ACK, type Delivery, type Logger, lastEvent, publishEvent, type Verdict } from "@taskjet/runtime";

export type SchedulerDeps = {
  js: JetStreamClient;
  jsm: JetStreamManager;
  names: Names;
  subjects: Subjects;
  log: Logger;
  now: () => Date;
};

/**
 * A new task runs now or at its `runAt`. A future task is announced as TaskScheduled and its TaskSubmitted
 * message is held on the server (`nak(delay)`) until due, so the timer survives any restart; on arrival the
 * due time is checked again, since held messages can come back a little early after a server restart.
 */
export function onTaskSubmitted(deps: SchedulerDeps) {
  const { js, jsm, names, subjects, log, now } = deps;
  return async ({ event }: Delivery): Promise<Verdict> => {
    if (event.type !== "TaskSubmitted") return ACK;
    const state = evolve(null, event);
    if (state === null) return ACK;
    if (await lastEvent(jsm, names, subjects, state.id, "TaskCancelled")) {
      log.info({ taskId: state.id }, "cancelled before it was due; not queued");
      return ACK;
    }
    const decision = decideStart(state, now());
    await publishEvent(js, subjects, decision);
    if (decision.type === "TaskScheduled") {
      const waitMs = Date.parse(decision.runAt) - now().getTime();
      log.debug({ taskId: state.id, runAt: decision.runAt, waitMs }, "holding until due");
      return { nak: waitMs };
    }
    log.debug({ taskId: state.id }, "queued");
    return ACK;
  };
}
