import { Gauge, type Registry } from "prom-client";
import { readCheckpoint } from "./checkpoint.ts";
import { countQuarantined } from "./quarantine.ts";
import type { Db } from "./schema.ts";

/** The part of a stream's state the lag is measured against (JetStream's `StreamInfo.state`). */
export type StreamEnd = { last_seq: number; first_ts: string; last_ts: string };

/**
 * How far the read model trails the stream, and what it set aside, as gauges read at scrape time: the gateway
 * (whose reads trail with it) and the projector (which makes it) both serve them.
 */
export function registerProjectionGauges(registry: Registry, sources: { db: Db; streamEnd: () => Promise<StreamEnd> }) {
  const lagEvents = new Gauge({
    name: "taskjet_projector_lag_events",
    help: "Events in the stream not yet in the read model",
    registers: [registry],
  });
  const projectedSeq = new Gauge({
    name: "taskjet_projector_sequence",
    help: "Last stream sequence written to the read model",
    registers: [registry],
  });
  new Gauge({
    name: "taskjet_projector_lag_seconds",
    help: "Age of the newest event not yet in the read model (0 when caught up)",
    registers: [registry],
    async collect() {
      const [end, { seq, updatedAt }] = await Promise.all([sources.streamEnd(), readCheckpoint(sources.db)]);
      const behind = Math.max(0, end.last_seq - seq);
      projectedSeq.set(seq);
      lagEvents.set(behind);
      const since = updatedAt ? updatedAt.getTime() : Date.parse(end.first_ts);
      this.set(behind > 0 ? Math.max(0, (Date.parse(end.last_ts) - since) / 1000) : 0);
    },
  });
  new Gauge({
    name: "taskjet_projector_quarantined_events",
    help: "Events the projector could not apply and set aside (GET /admin/quarantine lists them)",
    registers: [registry],
    async collect() {
      this.set(await countQuarantined(sources.db));
    },
  });
}
