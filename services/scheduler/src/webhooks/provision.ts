import { DeliverPolicy, type JetStreamManager } from "@nats-io/jetstream";
import { type Logger, ProvisioningError, type WorkConsumer, workConsumerConfig } from "@taskjet/runtime";

/**
 * How far back the dispatcher starts when it is first made: events from before it existed are not announced
 * (replaying a long history to find nobody listening would delay every live delivery behind it), but a rolling
 * upgrade in which gateways take `webhook` on tasks a few minutes before a scheduler runs this loses none.
 */
export const DISPATCH_LOOKBACK_MS = 15 * 60_000;

/**
 * The dispatcher's durable consumer on every task event: a work consumer that, when first made, starts at
 * `startAt` rather than at the beginning of the stream; once made, where it started is left as it is (NATS
 * refuses to change it).
 */
export async function ensureDispatchConsumer(
  jsm: JetStreamManager,
  stream: string,
  want: WorkConsumer,
  startAt: Date,
  log: Logger,
) {
  const existing = await jsm.consumers.info(stream, want.durable).catch((err: Error) => {
    if (/not found/i.test(err.message)) return null;
    throw err;
  });
  const start = existing
    ? { deliver_policy: existing.config.deliver_policy, opt_start_time: existing.config.opt_start_time }
    : { deliver_policy: DeliverPolicy.StartTime, opt_start_time: startAt.toISOString() };
  const cfg = { ...workConsumerConfig(want), ...start };
  const info = existing ? await jsm.consumers.update(stream, want.durable, cfg) : await jsm.consumers.add(stream, cfg);
  for (const key of ["filter_subject", "ack_policy", "max_deliver", "max_ack_pending", "deliver_policy"] as const) {
    if (info.config[key] !== cfg[key]) {
      throw new ProvisioningError(
        `consumer ${stream}/${want.durable}: ${key} asked ${cfg[key]}, got ${info.config[key]}`,
      );
    }
  }
  log.debug({ stream, consumer: want.durable, created: existing === null }, "webhook dispatch consumer ready");
  return info;
}
