import { hostname } from "node:os";
import { namesFor } from "@taskjet/events";
import { createDb, migrate } from "@taskjet/read-model";
import {
  connectNats,
  createLogger,
  ensureDatabase,
  ensureStream,
  loadConfig,
  onShutdown,
  openBucket,
  runMain,
  tasksStreamConfig,
  whenAvailable,
} from "@taskjet/runtime";
import { projectorLease, whileHoldingLease } from "./lease.ts";
import { startProjector } from "./projector.ts";

const config = loadConfig();
const log = createLogger("projector", config);

runMain(log, async () => {
  const names = namesFor(config.TASKJET_NAMESPACE);
  await whenAvailable(config, log, () => ensureDatabase(config));
  const db = createDb(config, names, { name: "taskjet-projector", log });
  await migrate(db, names, log);
  const { nc, js, jsm } = await whenAvailable(config, log, () => connectNats(config, log, "taskjet-projector"));
  await ensureStream(jsm, tasksStreamConfig(names, config), log);

  const ttlMs = config.PROJECTOR_LEASE_SECONDS * 1000;
  const lease = projectorLease(await openBucket(js, names, "leases", config), `${hostname()}-${process.pid}`, {
    ttlMs,
    log,
  });
  const stopping = new AbortController();
  const running = whileHoldingLease(lease, stopping.signal, { ttlMs, log }, async () => {
    const projector = await startProjector({ nc, js, jsm, db, names, log, maxBatch: config.PROJECTOR_BATCH });
    log.info({ stream: names.stream, schema: names.schema }, "projector running");
    return projector;
  });
  onShutdown(log, async () => {
    stopping.abort();
    await running;
    await lease.release();
    await nc.drain();
    await db.destroy();
  });
});
