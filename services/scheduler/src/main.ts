import { connectService, createLogger, inputLimits, loadConfig, onShutdown, runMain } from "@taskjet/runtime";
import { startScheduler } from "./scheduler.ts";

const config = loadConfig();
const log = createLogger("scheduler", config);

runMain(log, async () => {
  const { names, subjects, nc, js, jsm } = await connectService(config, log, "scheduler");
  const running = await startScheduler(
    { js, jsm, names, subjects, log, now: () => new Date(), limits: inputLimits(config) },
    { ackWaitMs: config.SCHEDULER_ACK_WAIT_SECONDS * 1000, config },
  );
  log.info({ stream: names.stream }, "scheduler running");
  onShutdown(log, async () => {
    await Promise.all(running.map((r) => r.stop(config.SHUTDOWN_GRACE_SECONDS * 1000)));
    await nc.drain();
  });
});
