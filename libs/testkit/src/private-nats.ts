import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The nats-server binary (`NATS_SERVER_BIN`, else the one on PATH), or null when this machine has none. */
export function natsServerBinary(): string | null {
  const bin = process.env.NATS_SERVER_BIN ?? "nats-server";
  try {
    execFileSync(bin, ["--version"], { stdio: "ignore" });
    return bin;
  } catch {
    return null;
  }
}

/**
 * A NATS server with JetStream of the test's own, on a free port with its own store, for tests that stop and
 * restart the server — which the shared one, serving every other test file, must never be. `extraArgs` go to
 * nats-server as given (e.g. `--user`/`--pass` for a server that needs credentials).
 */
export async function startPrivateNats(bin: string, extraArgs: readonly string[] = []) {
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), "taskjet-nats-"));
  let child: ChildProcess | null = null;

  async function start() {
    const c = spawn(bin, ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", storeDir, ...extraArgs], {
      stdio: "pipe",
    });
    child = c;
    await new Promise<void>((resolve, reject) => {
      const onLine = (chunk: Buffer) => {
        if (chunk.toString().includes("Server is ready")) resolve();
      };
      c.stderr?.on("data", onLine);
      c.stdout?.on("data", onLine);
      c.once("exit", (code) => reject(new Error(`nats-server exited with ${code}`)));
    });
  }
  async function stop() {
    const c = child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once("exit", r));
    c.kill("SIGTERM");
    await exited;
    child = null;
  }

  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    /** Stops the server (as an orderly shutdown does) and starts it again on the same port and store. */
    async restart(downMs: number) {
      await stop();
      await new Promise((r) => setTimeout(r, downMs));
      await start();
    },
    /** Stops the server (as an orderly shutdown does); `start` brings it back on the same port and store. */
    stop,
    start,
    async close() {
      await stop();
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}

/** A TCP port nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      s.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}
