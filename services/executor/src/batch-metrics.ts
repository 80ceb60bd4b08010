import { Counter, Gauge, type Registry } from "prom-client";

/**
 * The executor's Message Batches in Prometheus terms: what waits to be sent (by lane), the batches it polls, what
 * it sent and what came back. Gauges are read at scrape time from the collector and the poller.
 */
export function batchMetrics(
  registry: Registry,
  sources: { pending: () => { lane: string; requests: number }[]; polled: () => number },
) {
  new Gauge({
    name: "taskjet_batch_pending_requests",
    help: "Batch-mode tasks this executor is collecting into its next batch, by lane",
    labelNames: ["lane"],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of sources.pending()) this.set({ lane: p.lane }, p.requests);
    },
  });
  new Gauge({
    name: "taskjet_batches_polled",
    help: "Message Batches in flight whose lease this executor holds",
    registers: [registry],
    collect() {
      this.set(sources.polled());
    },
  });
  const sent = new Counter({
    name: "taskjet_batch_requests_sent_total",
    help: "Requests this executor sent in Message Batches",
    labelNames: ["lane"],
    registers: [registry],
  });
  const results = new Counter({
    name: "taskjet_batch_results_total",
    help: "Batch results this executor applied, by what they were",
    labelNames: ["result"],
    registers: [registry],
  });
  return {
    sent: (lane: string, requests: number) => sent.inc({ lane }, requests),
    result: (kind: string) => results.inc({ result: kind }),
  };
}
export type BatchMetrics = ReturnType<typeof batchMetrics>;
