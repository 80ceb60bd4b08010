/**
 * What a run must undo (child processes, servers, temp dirs), undone last-first on the way out — also on a
 * failure and on Ctrl-C / SIGTERM, so no process or directory outlives the tool.
 */
export function cleanupStack(opts: { handleSignals: boolean }) {
  const steps: { what: string; undo: () => Promise<unknown> | unknown }[] = [];
  let running: Promise<void> | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`\n${signal}: cleaning up…\n`);
    void run().finally(() => process.exit(130));
  };
  if (opts.handleSignals) {
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  }
  function run(): Promise<void> {
    running ??= (async () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      for (const step of steps.splice(0).reverse()) {
        try {
          await step.undo();
        } catch (err) {
          process.stderr.write(`cleanup of ${step.what} failed: ${(err as Error).message}\n`);
        }
      }
    })();
    return running;
  }
  return {
    defer(what: string, undo: () => Promise<unknown> | unknown) {
      steps.push({ what, undo });
    },
    run,
  };
}
