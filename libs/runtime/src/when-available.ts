import type { Config } from "./config.ts";
import type { Logger } from "./logger.ts";
import { DependencyUnavailableError } from "./nats.ts";

/**
 * Runs a start-up step that needs NATS or Postgres, waiting for it while it is unreachable — a service
 * (re)started while a dependency restarts comes up when it is back, instead of exiting — for at most
 * STARTUP_WAIT_SECONDS; then the step's own error, which names the command that starts the server.
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
      if (!(err instanceof DependencyUnavailableError) || performance.now() + waitMs > deadline) throw err;
      log.warn({ retryInMs: waitMs }, `waiting: ${err.message}`);
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }
}
