import { hostname } from "node:os";
import { namesFor } from "@taskjet/events";
import {
  connectNats,
  createDb,
  createLogger,
  ensureDatabase,
  ensureStream,
  loadConfig,
  onShutdown,
  openBucket,
  runMain,
  tasksStreamConfig,
} from "@taskjet/runtime";
import { projectorLease } from "./lease.ts";
import { migrate } from "./migrate.ts";
import { startProjector } from "./projector.ts";

const config = loadConfig();
const log = createLogger("projector", config);

runMain(log, async () => {
  const names = namesFor(config.TASKJET_NAMESPACE);
  await ensureDatabase(config);
  const db = createDb(config, names, { name: "taskjet-projector", log });
  await migrate(db, names, log);
  const { nc, js, jsm } = await connectNats(config, log, "taskjet-projector");
  await ensureStream(jsm, tasksStreamConfig(names, config), log);

  const ttlMs = config.PROJECTOR_LEASE_SECONDS * 1000;
  const lease = projectorLease(await openBucket(js, names, "leases", config), `${hostname()}-${process.pid}`, {
    ttlMs,
    log,
  });
  const stopping = new AbortController();
  let projector: Awaited<ReturnType<typeof startProjector>> | null = null;
  let renewal: NodeJS.Timeout | undefined;
  onShutdown(log, async () => {
    stopping.abort();
    clearInterval(renewal);
    await projector?.stop();
    await lease.release();
    await nc.drain();
    await db.destroy();
  });

  if (!(await lease.acquire(stopping.signal, ttlMs / 5))) return;
  projector = await startProjector({
    nc,
    js,
    jsm,
    db,
    names,
    log,
    maxBatch: config.PROJECTOR_BATCH,
    ackWaitMs: config.PROJECTOR_ACK_WAIT_SECONDS * 1000,
  });
  log.info({ stream: names.stream, schema: names.schema }, "projector running");
  renewal = setInterval(() => {
    lease.renew().then(
      (held) => {
        if (held) return;
        // Another projector holds the lease now: stop writing at once and let the supervisor restart us.
        log.error("lost the projector lease; exiting");
        process.exit(1);
      },
      (err: unknown) => log.warn({ err }, "lease renewal failed; retrying"),
    );
  }, ttlMs / 3);
});
