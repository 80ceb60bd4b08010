import type { Config } from "./config.ts";
import type { Logger } from "./logger.ts";
import { DependencyUnavailableError } from "./nats.ts";

/**
 * A NATS error that says JetStream is away for a moment, not that anything is wrong: a request that timed out
 * or found no responder, or "JetStream not enabled" from a server whose stream or meta leader is being elected
 * (the connect checked that JetStream is on).
 */
export function isJetStreamAway(err: unknown): boolean {
  const e = err as { name?: unknown; message?: unknown } | null;
  const message = typeof e?.message === "string" ? e.message : "";
  return e?.name === "TimeoutError" || e?.name === "JetStreamNotEnabled" || /no responders/i.test(message);
}

/**
 * Runs a start-up step that needs NATS or Postgres, waiting for it while it is unreachable — a service
 * (re)started while a dependency restarts comes up when it is back, instead of exiting — for at most
 * STARTUP_WAIT_SECONDS; then the step's own error, which names the command that starts the server. JetStream
 * briefly away (`isJetStreamAway`) is waited for too: the step must be idempotent (provisioning is).
 */
export async function whenAvailable<T>(
  config: Pick<Config, "STARTUP_WAIT_SECONDS">,
  log: Logger,
  step: () => Promise<T>,
): Promise<T> {
  const deadline = performance.now() + config.STARTUP_WAIT_SECONDS * 1000;
  for (let waitMs = 500; ; waitMs = Math.min(waitMs * 2, 5000)) {
    try {
      return await step();
    } catch (err) {
      const away = err instanceof DependencyUnavailableError || isJetStreamAway(err);
      if (!away || performance.now() + waitMs > deadline) throw err;
      log.warn({ retryInMs: waitMs }, `waiting: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }
}
