import type { Db } from "@taskjet/read-model";
import {
  type Config,
  consume,
  ensureConsumer,
  ensureStream,
  followSubscriptions,
  openWebhookStore,
  type Running,
  webhooksStreamConfig,
  whenAvailable,
} from "@taskjet/runtime";
import type { Registry } from "prom-client";
import type { SchedulerDeps } from "../deps.ts";
import { deliverWebhook } from "./deliver.ts";
import { consumeDeliveries } from "./delivery-loop.ts";
import { onTaskEventForWebhooks } from "./dispatch.ts";
import { webhookMetrics } from "./metrics.ts";
import { dispatchFloor } from "./order.ts";
import { DISPATCH_LOOKBACK_MS, ensureDispatchConsumer } from "./provision.ts";

export type WebhookConfig = Pick<
  Config,
  | "STREAM_REPLICAS"
  | "WEBHOOK_ALLOWED_HOSTS"
  | "WEBHOOK_RETRY_BASE_MS"
  | "WEBHOOK_RETRY_MAX_MS"
  | "WEBHOOK_GIVE_UP_SECONDS"
  | "WEBHOOK_TIMEOUT_MS"
  | "WEBHOOK_CONCURRENCY"
  | "STARTUP_WAIT_SECONDS"
>;

/**
 * Outbound webhooks, in the scheduler: a durable consumer on every task event dispatches deliveries to the
 * webhooks stream; a second one delivers them. Both shared by every scheduler instance.
 */
export async function startWebhooks(
  deps: Pick<SchedulerDeps, "js" | "jsm" | "names" | "subjects" | "log" | "now"> & { db: Db },
  config: WebhookConfig,
  /** Where its figures go (the scheduler's /metrics); none in tests that do not look. */
  registry?: Registry,
): Promise<Running[]> {
  const { js, jsm, names, subjects, log } = deps;
  const dispatchDurable = `${names.consumerPrefix}webhooks-dispatch`;
  const dispatchAckWaitMs = 30_000;
  const deliverDurable = `${names.consumerPrefix}webhooks-deliver`;
  // Past the POST's own timeout; `working()` keeps a slow one alive meanwhile. Held retries are unacked: room.
  const deliverAckWaitMs = Math.max(30_000, config.WEBHOOK_TIMEOUT_MS * 2);
  // Everything on the server first, idempotent, and waited out while JetStream is briefly away (a stream leader
  // being elected as this scheduler starts): nothing runs until all of it is there.
  const store = await whenAvailable(config, log, async () => {
    await ensureStream(jsm, webhooksStreamConfig(names, config), log);
    await ensureDispatchConsumer(
      jsm,
      names.stream,
      { durable: dispatchDurable, filterSubject: subjects.all, ackWaitMs: dispatchAckWaitMs },
      new Date(deps.now().getTime() - DISPATCH_LOOKBACK_MS),
      log,
    );
    await ensureConsumer(
      jsm,
      names.webhookStream,
      {
        durable: deliverDurable,
        filterSubject: subjects.allWebhooks,
        ackWaitMs: deliverAckWaitMs,
        maxAckPending: 200_000,
      },
      log,
    );
    return openWebhookStore(js, names, config);
  });
  const subscriptions = await followSubscriptions(store, log);
  const full = {
    ...deps,
    store,
    subscriptions,
    policy: {
      baseMs: config.WEBHOOK_RETRY_BASE_MS,
      maxMs: config.WEBHOOK_RETRY_MAX_MS,
      giveUpAfterMs: config.WEBHOOK_GIVE_UP_SECONDS * 1000,
    },
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    allowedHosts: config.WEBHOOK_ALLOWED_HOSTS,
    random: Math.random,
  };

  const metrics = registry ? webhookMetrics(registry, jsm, names, dispatchDurable) : null;
  const dispatcher = consume({
    consumer: await js.consumers.get(names.stream, dispatchDurable),
    handle: onTaskEventForWebhooks(full),
    log,
    concurrency: 256,
    ackWaitMs: dispatchAckWaitMs,
  });

  const deliverer = consumeDeliveries({
    consumer: await js.consumers.get(names.webhookStream, deliverDurable),
    handle: deliverWebhook({
      ...full,
      floor: dispatchFloor(jsm, names.stream, dispatchDurable),
      attempted: metrics?.attempted ?? (() => undefined),
    }),
    log,
    concurrency: config.WEBHOOK_CONCURRENCY,
    ackWaitMs: deliverAckWaitMs,
  });

  const closing: Running = {
    done: Promise.resolve(),
    wake: () => undefined,
    stop: async () => {
      await subscriptions.close();
    },
  };
  return [dispatcher, deliverer, closing];
}
