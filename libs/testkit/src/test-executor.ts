import type { JetStreamClient } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { decodeEvent, type Subjects, type TaskEvent } from "@taskjet/events";
import { publishEvent } from "@taskjet/runtime";

/**
 * Stands in for the executor in scheduler tests: every TaskQueued it hears is started and completed with
 * `out(<prompt>)`, or failed when the prompt contains FAIL (with "FAIL once", only its first generation).
 * Lets chains run without an LLM.
 */
export function runTestExecutor(nc: NatsConnection, js: JetStreamClient, subjects: Subjects) {
  return nc.subscribe(subjects.ofType("TaskQueued"), {
    callback: (_err, msg) => {
      const d = decodeEvent(msg.data);
      if (!d.ok || d.event.type !== "TaskQueued") return;
      const { taskId, gen, input, attemptsBefore } = d.event;
      const attempt = attemptsBefore + 1;
      const at = new Date().toISOString();
      const events: TaskEvent[] = [
        { type: "TaskStarted", v: 1, taskId, at, gen, attempt, delivery: 1, executorId: "test" },
      ];
      events.push(
        input.prompt.includes("FAIL") && !(input.prompt.includes("FAIL once") && gen > 1)
          ? {
              type: "TaskFailed",
              v: 1,
              taskId,
              at,
              gen,
              attempts: attempt,
              error: { code: "invalid_request", message: "FAIL" },
            }
          : {
              type: "TaskCompleted",
              v: 1,
              taskId,
              at,
              gen,
              attempt,
              output: `out(${input.prompt})`,
              model: input.model,
              stopReason: "end_turn",
              usage: { inputTokens: 1, outputTokens: 1 },
              durationMs: 1,
            },
      );
      void (async () => {
        for (const e of events) await publishEvent(js, subjects, e);
      })();
    },
  });
}
