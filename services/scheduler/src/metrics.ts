import type { JetStreamManager } from "@nats-io/jetstream";
import { collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/**
 * What a scheduler is doing, for Prometheus. Its timers are messages the server holds for it (`nak(delay)`), so
 * the backlog and the timers held are read from its consumers at scrape time — the same figures from every
 * instance, since replicas share them — and lateness is observed as each due task is queued.
 */
export function schedulerMetrics(jsm: JetStreamManager, stream: string) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const consumers = new Map<string, string>();
  const read = async () =>
    Promise.all(
      [...consumers].map(async ([kind, durable]) => ({ kind, info: await jsm.consumers.info(stream, durable) })),
    );
  new Gauge({
    name: "taskjet_scheduler_pending",
    help: "Events of each kind not yet delivered to a scheduler",
    labelNames: ["kind"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const { kind, info } of await read()) this.set({ kind }, info.num_pending);
    },
  });
  new Gauge({
    name: "taskjet_scheduler_held",
    help: "Events of each kind delivered and not yet acknowledged: for submitted and chained, the timers held until due",
    labelNames: ["kind"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const { kind, info } of await read()) this.set({ kind }, info.num_ack_pending);
    },
  });
  const lateness = new Histogram({
    name: "taskjet_scheduler_timer_lateness_seconds",
    help: "How long after its runAt a scheduled task was queued",
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [registry],
  });
  return {
    registry,
    /** The durable consumer each event kind is read through. */
    consumer: (kind: string, durable: string) => consumers.set(kind, durable),
    timerFired: (lateMs: number) => lateness.observe(Math.max(0, lateMs) / 1000),
  };
}
export type SchedulerMetrics = ReturnType<typeof schedulerMetrics>;
