import { namesFor, subjectsFor } from "@taskjet/events";
import { createDb, migrate } from "@taskjet/read-model";
import {
  connectNats,
  createLogger,
  ensureDatabase,
  ensureStream,
  loadConfig,
  onShutdown,
  runMain,
  tasksStreamConfig,
  whenAvailable,
} from "@taskjet/runtime";
import { buildApp } from "./app.ts";

const config = loadConfig();
const log = createLogger("gateway", config);

runMain(log, async () => {
  const names = namesFor(config.TASKJET_NAMESPACE);
  const subjects = subjectsFor(names);
  await whenAvailable(config, log, () => ensureDatabase(config));
  const db = createDb(config, names, { name: "taskjet-gateway", log });
  await migrate(db, names, log);
  const { nc, js, jsm } = await whenAvailable(config, log, () => connectNats(config, log, "taskjet-gateway"));
  await ensureStream(jsm, tasksStreamConfig(names, config), log);
  const app = await buildApp(
    { nc, js, jsm, db, names, subjects, config, now: () => new Date() },
    { loggerInstance: log },
  );
  await app.listen({ host: config.HOST, port: config.PORT });
  onShutdown(log, async () => {
    await app.close();
    await nc.drain();
    await db.destroy();
  });
});
