import { isSupervised } from "./config.ts";
import type { Logger } from "./logger.ts";

/**
 * Runs the given closers in order on SIGTERM/SIGINT, once; a second signal exits at once. A service's
 * main registers what to drain (stop pulling, finish in-flight work, close connections). Under `npm start`
 * (TASKJET_SUPERVISED=1) the end of stdin drains it the same way: the supervisor holds the other end of
 * that pipe, so a supervisor killed outright leaves no service behind.
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
  if (!isSupervised()) return;
  watchSupervisor(() => {
    if (closing) return;
    closing = true;
    // No one reads our output any more: log nothing (a write to the dead pipe can block for ever, and so can
    // the logger's flush at exit), drain, and leave without exit hooks.
    const leave = () => process.kill(process.pid, "SIGKILL");
    close().then(leave, leave);
  });
}

let watching = false;

/** Calls `gone` once stdin ends: the supervisor exited (or was killed) and closed its end of the pipe. */
function watchSupervisor(gone: () => void) {
  if (watching) return;
  watching = true;
  process.stdin.on("data", () => undefined); // reading is what lets 'end' arrive; nothing is sent on it
  process.stdin.once("end", gone);
  process.stdin.once("error", gone);
}

/** Starts a service, turning a failure to start into one clear log line and a non-zero exit. */
export function runMain(log: Logger, main: () => Promise<void>): void {
  main().catch((err: Error) => {
    log.fatal({ err: { name: err.name, message: err.message } }, `cannot start: ${err.message}`);
    process.exit(1);
  });
}
