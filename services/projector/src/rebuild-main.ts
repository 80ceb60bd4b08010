// `npm run rebuild`: replays the TASKS stream into a fresh read model and switches the gateways over to it.
import { namesFor } from "@taskjet/events";
import { createDb } from "@taskjet/read-model";
import { connectNats, createLogger, loadConfig, runMain } from "@taskjet/runtime";
import { rebuildReadModel } from "./rebuild.ts";

const config = loadConfig();
const log = createLogger("rebuild", config);

runMain(log, async () => {
  const names = namesFor(config.TASKJET_NAMESPACE);
  const { nc, js } = await connectNats(config, log, "taskjet-rebuild");
  const live = createDb(config, names, { name: "taskjet-rebuild", log, max: 2 });
  const result = await rebuildReadModel({
    js,
    live,
    names,
    config,
    log,
    maxBatch: config.PROJECTOR_BATCH,
    now: () => new Date(),
  });
  log.info(
    { ...result, eventsPerSecond: Math.round(result.events / result.seconds) },
    `done; the previous rows are kept in schema ${result.retiredSchema} (drop it when satisfied)`,
  );
  await live.destroy();
  await nc.drain();
});
