import { openReadModel } from "@taskjet/read-model";
import { connectService, createLogger, loadConfig, onShutdown, runMain, startTracing } from "@taskjet/runtime";
import { buildApp } from "./app.ts";

const config = loadConfig();
const log = createLogger("gateway", config);
const tracing = startTracing("gateway", config, { log });

runMain(log, async () => {
  const { names, subjects, nc, js, jsm } = await connectService(config, log, "gateway");
  const db = await openReadModel(config, names, log, "gateway");
  const app = await buildApp(
    { nc, js, jsm, db, names, subjects, config, now: () => new Date() },
    { loggerInstance: log },
  );
  await app.listen({ host: config.HOST, port: config.PORT });
  onShutdown(log, async () => {
    await app.close();
    await nc.drain();
    await db.destroy();
    await tracing.shutdown();
  });
});
