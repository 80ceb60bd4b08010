import type { Logger } from "./logger.ts";

/**
 * Runs the given closers in order on SIGTERM/SIGINT, once; a second signal exits at once. A service's
 * main registers what to drain (stop pulling, finish in-flight work, close connections).
 */
export function onShutdown(log: Logger, close: () => Promise<void>): void {
  let closing = false;
  const handler = (signal: NodeJS.Signals) => {
    if (closing) {
      log.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    closing = true;
    log.info({ signal }, "shutting down");
    close().then(
      () => {
        log.info("stopped");
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", handler);
  process.on("SIGINT", handler);
}

/** Starts a service, turning a failure to start into one clear log line and a non-zero exit. */
export function runMain(log: Logger, main: () => Promise<void>): void {
  main().catch((err: Error) => {
    log.fatal({ err: { name: err.name, message: err.message } }, `cannot start: ${err.message}`);
    process.exit(1);
  });
}
