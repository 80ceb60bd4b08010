import type { JetStreamManager } from "@nats-io/jetstream";
import { type Db, registerProjectionGauges } from "@taskjet/read-model";
import { collectDefaultMetrics, Gauge, Registry } from "prom-client";

/** A projector's figures: whether it is the active writer, and how far the read model trails the stream. */
export function projectorMetrics(sources: { jsm: JetStreamManager; stream: string; db: Db; active: () => boolean }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: "taskjet_projector_active",
    help: "1 while this projector holds the lease and writes the read model; 0 on a standby",
    registers: [registry],
    collect() {
      this.set(sources.active() ? 1 : 0);
    },
  });
  registerProjectionGauges(registry, {
    db: sources.db,
    streamEnd: async () => (await sources.jsm.streams.info(sources.stream)).state,
  });
  return registry;
}
