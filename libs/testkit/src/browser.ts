import type { Browser } from "playwright-core";
import { createTestContext, type TestContext } from "./context.ts";
import { freePort } from "./private-nats.ts";
import { type SpawnedService, spawnedServices } from "./spawn.ts";
import { waitFor } from "./wait.ts";

export type ConsoleSystem = {
  ctx: TestContext;
  /** Where the gateway serves the console and the API, e.g. `http://127.0.0.1:41234`. */
  baseUrl: string;
  /**
   * Kills the gateway (SIGKILL, as a crash would), runs `meanwhile` while it is down, then starts a new one on
   * the same port and waits until it answers `/ready`. The other services keep working throughout.
   */
  restartGateway(meanwhile?: () => Promise<void>): Promise<void>;
  /** Kills every service and removes the namespace. */
  stop(): Promise<void>;
};

/**
 * The whole system as `npm start` runs it — gateway, scheduler, executor (fake provider) and projector, each its
 * own process — on a fresh namespace, for driving the console in a browser. `env` goes to every service (e.g.
 * `FAKE_LLM_LATENCY_MS`, `CONSOLE_DIR`).
 */
export async function startConsoleSystem(label: string, env: Record<string, string> = {}): Promise<ConsoleSystem> {
  const ctx = await createTestContext(label, env);
  const services = spawnedServices();
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const common = { ...ctx.env, LLM_PROVIDER: "fake", ...env };
  const startGateway = async () => {
    const gateway = services.spawn("gateway", { ...common, HOST: "127.0.0.1", PORT: String(port) });
    await gateway.ready;
    await waitFor(async () => (await fetch(`${baseUrl}/ready`)).ok, { what: "the gateway to be ready" });
    return gateway;
  };
  let gateway: SpawnedService | undefined;
  try {
    // The projector first: it migrates the schema the others read.
    await services.spawn("projector", common).ready;
    await Promise.all([services.spawn("scheduler", common).ready, services.spawn("executor", common).ready]);
    gateway = await startGateway();
  } catch (err) {
    await services.killAll();
    await ctx.cleanup();
    throw err;
  }
  return {
    ctx,
    baseUrl,
    async restartGateway(meanwhile) {
      if (gateway) {
        gateway.child.kill("SIGKILL");
        await gateway.exited;
      }
      await meanwhile?.();
      gateway = await startGateway();
    },
    async stop() {
      await services.killAll();
      await ctx.cleanup();
    },
  };
}

/**
 * Debian's Chromium (or `CHROMIUM_PATH`), headless, driven by playwright-core — which downloads no browser.
 * As root Chromium refuses to start without `--no-sandbox`.
 */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import("playwright-core"); // loaded by the browser tests alone
  const args = process.getuid?.() === 0 ? ["--no-sandbox"] : [];
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", headless: true, args });
}
