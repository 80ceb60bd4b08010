import { namesFor, subjectsFor } from "@taskjet/events";
import {
  connectNats,
  createLogger,
  ensureStream,
  inputLimits,
  loadConfig,
  onShutdown,
  runMain,
  tasksStreamConfig,
  whenAvailable,
} from "@taskjet/runtime";
import { startScheduler } from "./scheduler.ts";

const config = loadConfig();
const log = createLogger("scheduler", config);

runMain(log, async () => {
  const names = namesFor(config.TASKJET_NAMESPACE);
  const subjects = subjectsFor(names);
  const { nc, js, jsm } = await whenAvailable(config, log, () => connectNats(config, log, "taskjet-scheduler"));
  await ensureStream(jsm, tasksStreamConfig(names, config), log);
  const running = await startScheduler(
    { js, jsm, names, subjects, log, now: () => new Date(), limits: inputLimits(config, nc) },
    { ackWaitMs: config.SCHEDULER_ACK_WAIT_SECONDS * 1000, config },
  );
  log.info({ stream: names.stream }, "scheduler running");
  onShutdown(log, async () => {
    await Promise.all(running.map((r) => r.stop(config.SHUTDOWN_GRACE_SECONDS * 1000)));
    await nc.drain();
  });
});
