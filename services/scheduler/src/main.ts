import { openReadModel } from "@taskjet/read-model";
import { connectService, createLogger, inputLimits, loadConfig, onShutdown, runMain } from "@taskjet/runtime";
import { startScheduler } from "./scheduler.ts";
import { startWebhooks } from "./webhooks/start.ts";

const config = loadConfig();
const log = createLogger("scheduler", config);

runMain(log, async () => {
  const { names, subjects, nc, js, jsm } = await connectService(config, log, "scheduler");
  const now = () => new Date();
  const running = await startScheduler(
    { js, jsm, names, subjects, log, now, limits: inputLimits(config) },
    { ackWaitMs: config.SCHEDULER_ACK_WAIT_SECONDS * 1000, config },
  );
  // Webhook deliveries record each try in the read model.
  const db = await openReadModel(config, names, log, "scheduler");
  const webhooks = await startWebhooks({ js, jsm, names, subjects, log, now, db }, config);
  log.info({ stream: names.stream }, "scheduler running");
  onShutdown(log, async () => {
    await Promise.all([...running, ...webhooks].map((r) => r.stop(config.SHUTDOWN_GRACE_SECONDS * 1000)));
    await nc.drain();
    await db.destroy();
  });
});
