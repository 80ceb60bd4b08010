import { openReadModel } from "@taskjet/read-model";
import {
  connectService,
  createLogger,
  inputLimits,
  loadConfig,
  onShutdown,
  runMain,
  serveMetrics,
  startTracing,
} from "@taskjet/runtime";
import { schedulerMetrics } from "./metrics.ts";
import { startScheduler } from "./scheduler.ts";
import { startWebhooks } from "./webhooks/start.ts";

const config = loadConfig();
const log = createLogger("scheduler", config);
const tracing = startTracing("scheduler", config, { log });

runMain(log, async () => {
  const { names, subjects, nc, js, jsm } = await connectService(config, log, "scheduler");
  const now = () => new Date();
  const metrics = schedulerMetrics(jsm, names.stream);
  const running = await startScheduler(
    { js, jsm, names, subjects, log, now, limits: inputLimits(config) },
    { ackWaitMs: config.SCHEDULER_ACK_WAIT_SECONDS * 1000, config, metrics },
  );
  // Webhook deliveries record each try in the read model.
  const db = await openReadModel(config, names, log, "scheduler");
  const webhooks = await startWebhooks({ js, jsm, names, subjects, log, now, db }, config, metrics.registry);
  const server = config.METRICS_PORT
    ? await serveMetrics(metrics.registry, config.METRICS_PORT, config.HOST, log)
    : null;
  log.info({ stream: names.stream }, "scheduler running");
  onShutdown(log, async () => {
    await Promise.all([...running, ...webhooks].map((r) => r.stop(config.SHUTDOWN_GRACE_SECONDS * 1000)));
    await server?.close();
    await nc.drain();
    await db.destroy();
    await tracing.shutdown();
  });
});
