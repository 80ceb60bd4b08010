import { hostname } from "node:os";
import { costUsd, resolvePrices } from "@taskjet/events";
import {
  connectService,
  createLogger,
  ensureStream,
  loadConfig,
  onShutdown,
  outputStreamConfig,
  runMain,
  startTracing,
} from "@taskjet/runtime";
import { listenForCancellations } from "./cancellations.ts";
import { startExecutor } from "./executor.ts";
import { providerFromConfig, providersFromConfig } from "./providers/index.ts";

const config = loadConfig();
const log = createLogger("executor", config);
const tracing = startTracing("executor", config, { log });

runMain(log, async () => {
  const llm = providerFromConfig(config);
  const providers = providersFromConfig(config);
  const prices = resolvePrices(config.PRICE_TABLE);
  if (llm.name === "fake") log.warn("LLM_PROVIDER=fake: tasks get a fake reply (set ANTHROPIC_API_KEY for Claude)");
  else log.info({ provider: llm.name }, "LLM provider");
  log.info({ providers: Object.keys(providers) }, "providers a task may name");
  const { names, subjects, nc, js, jsm } = await connectService(config, log, "executor");
  await ensureStream(jsm, outputStreamConfig(names, config), log);
  const cancellations = listenForCancellations(nc, subjects);
  const executorId = config.EXECUTOR_ID ?? `${hostname()}-${process.pid}`;
  const running = await startExecutor(
    {
      ...{ js, jsm, names, subjects, llm, providers, cancellations, log, executorId },
      now: () => new Date(),
      random: Math.random,
      price: (model, usage, opts) => costUsd(model, usage, prices, opts),
    },
    {
      ...{ concurrency: config.EXECUTOR_CONCURRENCY, ackWaitMs: config.ACK_WAIT_SECONDS * 1000 },
      ...{ maxHeld: config.EXECUTOR_MAX_HELD, laneLimits: config.LANE_LIMITS, replicas: config.STREAM_REPLICAS },
      ...{ windowMs: config.LANE_WINDOW_SECONDS * 1000, agingMs: config.PRIORITY_AGING_SECONDS * 1000 },
      ...{ metricsPort: config.METRICS_PORT, metricsHost: config.HOST, claimCheckBytes: config.CLAIM_CHECK_BYTES },
      batch: {
        windowMs: config.BATCH_WINDOW_MS,
        maxRequests: config.BATCH_MAX_REQUESTS,
        pollMs: config.BATCH_POLL_MS ?? (llm.name === "fake" ? 1000 : 30_000),
      },
    },
  );
  log.info({ executorId, concurrency: config.EXECUTOR_CONCURRENCY }, "executor running");
  onShutdown(log, async () => {
    await running.stop(config.SHUTDOWN_GRACE_SECONDS * 1000);
    cancellations.close();
    await nc.drain();
    await tracing.shutdown();
  });
});
