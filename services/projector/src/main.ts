import { namesFor } from "@taskjet/events";
import {
  connectNats,
  createDb,
  createLogger,
  ensureDatabase,
  ensureStream,
  loadConfig,
  onShutdown,
  runMain,
  tasksStreamConfig,
} from "@taskjet/runtime";
import { migrate } from "./migrate.ts";
import { startProjector } from "./projector.ts";

const config = loadConfig();
const log = createLogger("projector", config);

runMain(log, async () => {
  const names = namesFor(config.TASKJET_NAMESPACE);
  await ensureDatabase(config);
  const db = createDb(config, names);
  await migrate(db, names, log);
  const { nc, js, jsm } = await connectNats(config, log, "taskjet-projector");
  await ensureStream(jsm, tasksStreamConfig(names, config), log);
  const projector = await startProjector({
    nc,
    js,
    jsm,
    db,
    names,
    log,
    maxBatch: config.PROJECTOR_BATCH,
    ackWaitMs: config.ACK_WAIT_SECONDS * 1000,
  });
  log.info({ stream: names.stream, schema: names.schema }, "projector running");
  onShutdown(log, async () => {
    await projector.stop();
    await nc.drain();
    await db.destroy();
  });
});
