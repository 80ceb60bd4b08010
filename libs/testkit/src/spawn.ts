import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";

const root = join(import.meta.dirname, "../../..");

export type SpawnedService = {
  child: ChildProcess;
  /** Resolves once the service logs that it is running; rejects if it exits first. */
  ready: Promise<void>;
  /** Resolves with the exit code or signal. */
  exited: Promise<number | string>;
  lines: string[];
};

/**
 * Runs one service as its own process, as `npm start` does, with the test's environment (its namespace).
 * For tests that kill a process for real: SIGKILL leaves no chance to clean up.
 */
export function spawnService(
  name: "gateway" | "scheduler" | "executor" | "projector",
  env: Record<string, string>,
): SpawnedService {
  const child = spawn(process.execPath, [join(root, `services/${name}/src/main.ts`)], {
    env: { ...process.env, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => {
      lines.push(line);
      if (/ running"|Server listening/.test(line)) onReady();
    });
  }
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => resolve(signal ?? code ?? 0)),
  );
  // A service that dies before it is running fails `ready`, with what it said, instead of passing for ready.
  const died = exited.then((how) => {
    throw new Error(`${name} exited (${how}) before it was running:\n${lines.slice(-20).join("\n")}`);
  });
  const readyOrDied = Promise.race([ready, died]);
  readyOrDied.catch(() => undefined); // a test that kills a service it never awaited is not an unhandled rejection
  return { child, ready: readyOrDied, exited, lines };
}

/** The services a test file has spawned; `killAll` (in `afterEach`) SIGKILLs what is still running. */
export function spawnedServices() {
  const running: SpawnedService[] = [];
  return {
    spawn(name: Parameters<typeof spawnService>[0], env: Record<string, string>) {
      const p = spawnService(name, env);
      running.push(p);
      return p;
    },
    async killAll() {
      for (const p of running.splice(0)) {
        p.child.kill("SIGKILL");
        await p.exited;
      }
    },
  };
}
