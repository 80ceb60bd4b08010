import type { LaneState } from "@taskjet/events";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Admission, FlowMetrics } from "./admission.ts";
import { DIMENSIONS, levelAt } from "./budget.ts";

/**
 * Prometheus metrics of one executor: its calls in flight, what it holds (by lane, priority, tenant, reason), the
 * lanes' limits and bucket levels as it last saw them, its 429s, reservations and call latency. Gauges are read
 * at scrape time from admission and the lane store, so nothing is counted twice.
 */
export function flowMetrics(sources: {
  admission: () => Admission | null;
  lanes: () => LaneState[];
  cas: () => { written: number; lost: number };
  windowMs: number;
  now: () => number;
}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: "taskjet_executor_calls_in_flight",
    help: "Calls this executor is making now",
    registers: [registry],
    collect() {
      this.set(sources.admission()?.snapshot().running ?? 0);
    },
  });
  new Gauge({
    name: "taskjet_executor_held",
    help: "Queued tasks this executor holds for admission",
    labelNames: ["lane", "priority", "tenant", "reason"],
    registers: [registry],
    collect() {
      this.reset();
      for (const h of sources.admission()?.snapshot().held ?? []) {
        this.inc({ lane: h.lane, priority: h.priority, tenant: h.tenant, reason: h.wait?.reason ?? "none" });
      }
    },
  });
  new Gauge({
    name: "taskjet_lane_limit",
    help: "A lane's limit in force per window (requests, input/output tokens) or at once (concurrency)",
    labelNames: ["lane", "dimension"],
    registers: [registry],
    collect() {
      this.reset();
      for (const l of sources.lanes()) {
        for (const [dimension, v] of Object.entries(l.limits)) if (v !== null) this.set({ lane: l.lane, dimension }, v);
      }
    },
  });
  new Gauge({
    name: "taskjet_lane_bucket_level",
    help: "What a lane's bucket holds now (negative: overspent, refilling)",
    labelNames: ["lane", "dimension"],
    registers: [registry],
    collect() {
      this.reset();
      const clock = { now: sources.now(), windowMs: sources.windowMs };
      for (const l of sources.lanes()) {
        for (const d of DIMENSIONS) {
          const limit = l.limits[d];
          if (limit !== null) this.set({ lane: l.lane, dimension: d }, levelAt(l.buckets[d], limit, clock));
        }
      }
    },
  });
  new Gauge({
    name: "taskjet_lane_paused_until_seconds",
    help: "When a lane's pause after a 429 ends (epoch seconds; 0: not paused)",
    labelNames: ["lane"],
    registers: [registry],
    collect() {
      this.reset();
      for (const l of sources.lanes()) this.set({ lane: l.lane }, (l.pausedUntil ?? 0) / 1000);
    },
  });
  new Gauge({
    name: "taskjet_executor_lane_cas",
    help: "Compare-and-sets of lane budgets this executor has written, and lost to another writer (then re-read)",
    labelNames: ["result"],
    registers: [registry],
    collect() {
      const c = sources.cas();
      this.set({ result: "written" }, c.written);
      this.set({ result: "lost" }, c.lost);
    },
  });
  const rateLimited = new Counter({
    name: "taskjet_executor_rate_limited_total",
    help: "429s this executor got, by lane",
    labelNames: ["lane"],
    registers: [registry],
  });
  const reservations = new Counter({
    name: "taskjet_executor_reservations_total",
    help: "Reservations asked of a lane, by result (ok or the wait reason)",
    labelNames: ["lane", "result"],
    registers: [registry],
  });
  const latency = new Histogram({
    name: "taskjet_executor_call_seconds",
    help: "How long an admitted call took, by lane",
    labelNames: ["lane"],
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });
  const record: FlowMetrics = {
    reservation: (lane, result) => reservations.inc({ lane, result }),
    rateLimited: (lane) => rateLimited.inc({ lane }),
    callEnded: (lane, seconds) => latency.observe({ lane }, seconds),
  };
  return { registry, record };
}
