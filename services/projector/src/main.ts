import { hostname } from "node:os";
import { subjectsFor } from "@taskjet/events";
import { openReadModel } from "@taskjet/read-model";
import {
  connectService,
  createLogger,
  loadConfig,
  onShutdown,
  openBucket,
  runMain,
  serveMetrics,
  startTracing,
} from "@taskjet/runtime";
import { startHistoryPurge } from "./history-purge.ts";
import { projectorLease, whileHoldingLease } from "./lease.ts";
import { projectorMetrics } from "./metrics.ts";
import { startProjector } from "./projector.ts";

const config = loadConfig();
const log = createLogger("projector", config);
const tracing = startTracing("projector", config, { log });

runMain(log, async () => {
  const { names, nc, js, jsm } = await connectService(config, log, "projector");
  const now = () => new Date();
  const db = await openReadModel(config, names, log, "projector");

  const ttlMs = config.PROJECTOR_LEASE_SECONDS * 1000;
  const lease = projectorLease(await openBucket(js, names, "leases", config), `${hostname()}-${process.pid}`, {
    ttlMs,
    log,
    now: () => now().getTime(),
  });
  let active = false;
  const registry = projectorMetrics({ jsm, stream: names.stream, db, active: () => active });
  const server = config.METRICS_PORT ? await serveMetrics(registry, config.METRICS_PORT, config.HOST, log) : null;
  const stopping = new AbortController();
  const running = whileHoldingLease(lease, stopping.signal, { ttlMs, log }, async () => {
    active = true;
    const projector = await startProjector({ nc, js, jsm, db, names, log, maxBatch: config.PROJECTOR_BATCH });
    const retentionMs = config.FINISHED_HISTORY_SECONDS * 1000;
    const purge =
      retentionMs > 0
        ? startHistoryPurge({ jsm, db, names, subjects: subjectsFor(names), log, now, retentionMs })
        : null;
    log.info({ stream: names.stream, schema: names.schema, retentionMs }, "projector running");
    return {
      async stop() {
        await purge?.stop();
        await projector.stop();
        active = false;
      },
    };
  });
  onShutdown(log, async () => {
    stopping.abort();
    await running;
    await lease.release();
    await server?.close();
    await nc.drain();
    await db.destroy();
    await tracing.shutdown();
  });
});
