import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectNats, createLogger } from "@taskjet/runtime";
import { freePort } from "./private-nats.ts";
import { waitFor } from "./wait.ts";

export type ClusterNode = {
  name: string;
  url: string;
  running(): boolean;
  /** SIGKILL: the node dies as a crashed machine's would, with no chance to hand anything over. */
  kill(): Promise<void>;
  /** Starts the node again on its port and store; resolves once it says it is ready. */
  start(): Promise<void>;
};

/**
 * Several nats-server processes in one JetStream cluster of the caller's own: loopback, free client and route
 * ports, a store dir and a `server_name` each. `url` names them all (comma-separated, as NATS_URL takes them),
 * so a client rides out the loss of any one. Resolves once JetStream answers (a meta leader is elected).
 */
export async function startPrivateNatsCluster(bin: string, size = 3) {
  const dir = mkdtempSync(join(tmpdir(), "taskjet-nats-cluster-"));
  const clientPorts: number[] = [];
  const routePorts: number[] = [];
  for (let i = 0; i < size; i++) {
    clientPorts.push(await freePort());
    routePorts.push(await freePort());
  }
  const nodes: ClusterNode[] = clientPorts.map((port, i) => {
    const name = `n${i + 1}`;
    const store = join(dir, name);
    mkdirSync(store);
    const conf = join(dir, `${name}.conf`);
    const routes = routePorts.map((p) => `    "nats-route://127.0.0.1:${p}"`).join("\n");
    writeFileSync(
      conf,
      `server_name: ${name}\nlisten: "127.0.0.1:${port}"\njetstream {\n  store_dir: "${store}"\n}\n` +
        `cluster {\n  name: taskjet-test\n  listen: "127.0.0.1:${routePorts[i]}"\n  routes: [\n${routes}\n  ]\n}\n`,
    );
    let child: ChildProcess | null = null;
    return {
      name,
      url: `nats://127.0.0.1:${port}`,
      running: () => child !== null && child.exitCode === null && child.signalCode === null,
      async kill() {
        const c = child;
        if (!c || c.exitCode !== null || c.signalCode !== null) return;
        const exited = new Promise((r) => c.once("exit", r));
        c.kill("SIGKILL");
        await exited;
        child = null;
      },
      async start() {
        const c = spawn(bin, ["-c", conf], { stdio: "pipe" });
        child = c;
        await new Promise<void>((resolve, reject) => {
          const onLine = (chunk: Buffer) => {
            if (chunk.toString().includes("Server is ready")) resolve();
          };
          c.stderr?.on("data", onLine);
          c.stdout?.on("data", onLine);
          c.once("exit", (code) => reject(new Error(`nats-server ${name} exited with ${code}`)));
        });
      },
    };
  });
  const url = nodes.map((n) => n.url).join(",");
  const cluster = {
    url,
    nodes,
    /** Resolves once JetStream answers through `urls` (default: every node). */
    async jetStreamReady(urls = url, timeoutMs = 30_000) {
      const log = createLogger("nats-cluster", { LOG_LEVEL: "silent" });
      // Until a meta leader is elected the JetStream API does not answer; connecting checks it, so retry that.
      await waitFor(
        async () => {
          const { nc, jsm } = await connectNats({ NATS_URL: urls }, log, "testkit-cluster-probe");
          try {
            await jsm.getAccountInfo();
            return true;
          } finally {
            await nc.close();
          }
        },
        { timeoutMs, intervalMs: 250, what: "a JetStream meta leader" },
      );
    },
    async close() {
      for (const n of nodes) await n.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await Promise.all(nodes.map((n) => n.start()));
    await cluster.jetStreamReady();
  } catch (err) {
    await cluster.close();
    throw err;
  }
  return cluster;
}
export type PrivateNatsCluster = Awaited<ReturnType<typeof startPrivateNatsCluster>>;
