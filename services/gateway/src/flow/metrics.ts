import { Counter, Gauge, type Registry } from "prom-client";
import type { LaneStats } from "./lanes.ts";

/** One scrape reads the lanes once, however many gauges it collects. */
const SNAPSHOT_MS = 500;

const KINDS = [
  ["requests", "requests"],
  ["inputTokens", "input_tokens"],
  ["outputTokens", "output_tokens"],
] as const;

/**
 * The model lanes on /metrics (`taskjet_lane_…`), from the flow bucket's in-memory copy: limits, what the
 * buckets hold, calls in flight, pauses, totals, and queues by priority, tenant and wait reason. Every series
 * is rewritten on each scrape, so a lane or tenant that is gone drops out.
 */
export function registerLaneMetrics(registry: Registry, lanes: () => LaneStats[], now: () => Date) {
  let last: { at: number; lanes: LaneStats[] } | null = null;
  const snapshot = () => {
    const at = now().getTime();
    if (last === null || Math.abs(at - last.at) > SNAPSHOT_MS) last = { at, lanes: lanes() };
    return last.lanes;
  };
  const gauge = (name: string, help: string, labelNames: string[], fill: (g: Gauge, l: LaneStats) => void) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const l of snapshot()) fill(this, l);
      },
    });
  const counter = (name: string, help: string, value: (l: LaneStats) => number) =>
    new Counter({
      name,
      help,
      labelNames: ["lane"],
      registers: [registry],
      collect() {
        this.reset();
        for (const l of snapshot()) this.inc({ lane: l.lane }, value(l));
      },
    });

  gauge(
    "taskjet_lane_limit",
    "A lane's limit in force per window (kind: requests, input_tokens, output_tokens, concurrency)",
    ["lane", "kind"],
    (g, l) => {
      for (const [key, kind] of [...KINDS, ["concurrency", "concurrency"] as const]) {
        const v = l.limits[key];
        if (v !== null) g.set({ lane: l.lane, kind }, v);
      }
    },
  );
  gauge(
    "taskjet_lane_learned_limit",
    "A lane's limit as the provider's headers last said",
    ["lane", "kind"],
    (g, l) => {
      for (const [key, kind] of [...KINDS, ["concurrency", "concurrency"] as const]) {
        const v = l.learned[key];
        if (v !== null) g.set({ lane: l.lane, kind }, v);
      }
    },
  );
  gauge("taskjet_lane_available", "What a lane's bucket holds now", ["lane", "kind"], (g, l) => {
    for (const [key, kind] of KINDS) {
      const v = l.available[key];
      if (v !== null) g.set({ lane: l.lane, kind }, v);
    }
  });
  gauge("taskjet_lane_in_flight", "Calls in flight on a lane, every executor", ["lane"], (g, l) =>
    g.set({ lane: l.lane }, l.inFlight),
  );
  gauge("taskjet_lane_in_flight_by_tenant", "Calls in flight on a lane by tenant", ["lane", "tenant"], (g, l) => {
    for (const [tenant, n] of Object.entries(l.inFlightByTenant)) g.set({ lane: l.lane, tenant }, n);
  });
  gauge(
    "taskjet_lane_paused_seconds",
    "Seconds until a lane paused by a 429 starts calls again (0: not paused)",
    ["lane"],
    (g, l) =>
      g.set(
        { lane: l.lane },
        l.pausedUntil === null ? 0 : Math.max(0, (Date.parse(l.pausedUntil) - now().getTime()) / 1000),
      ),
  );
  gauge("taskjet_lane_held", "Tasks executors hold for a lane (waiting and running)", ["lane"], (g, l) =>
    g.set({ lane: l.lane }, l.queue.held),
  );
  gauge("taskjet_lane_running", "Tasks running on a lane, as executors last reported", ["lane"], (g, l) =>
    g.set({ lane: l.lane }, l.queue.running),
  );
  gauge("taskjet_lane_queued_by_priority", "Tasks held for a lane by priority", ["lane", "priority"], (g, l) => {
    for (const [priority, n] of Object.entries(l.queue.byPriority)) g.set({ lane: l.lane, priority }, n);
  });
  gauge("taskjet_lane_queued_by_tenant", "Tasks held for a lane by tenant", ["lane", "tenant"], (g, l) => {
    for (const [tenant, n] of Object.entries(l.queue.byTenant)) g.set({ lane: l.lane, tenant }, n);
  });
  gauge("taskjet_lane_waiting", "Tasks held for a lane by why they wait", ["lane", "reason"], (g, l) => {
    for (const [reason, n] of Object.entries(l.queue.byReason)) g.set({ lane: l.lane, reason }, n);
  });
  counter("taskjet_lane_calls_total", "Calls made on a lane since it was first used", (l) => l.totals.calls);
  counter("taskjet_lane_input_tokens_total", "Input tokens spent on a lane", (l) => l.totals.inputTokens);
  counter("taskjet_lane_output_tokens_total", "Output tokens spent on a lane", (l) => l.totals.outputTokens);
  counter("taskjet_lane_rate_limited_total", "429s a lane's provider answered", (l) => l.totals.rateLimited);
}
