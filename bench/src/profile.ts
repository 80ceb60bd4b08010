// `npm run bench:profile`: a 5,000-task no-op burst through Taskjet alone, each service under `--cpu-prof`.
// Prints the CPU each process spent per task (the servers' too; NATS is the bench's own server) and each service's hottest functions; the
// profiles stay in bench/results/profiles/ for Chrome DevTools or speedscope.
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { namesFor } from "@taskjet/events";
import { connectNats, createLogger, deleteNamespaceStreams, loadConfig } from "@taskjet/runtime";
import { watchResources } from "./resources.ts";
import { burst } from "./runs.ts";
import { serverProcesses, startBenchNats } from "./servers.ts";
import { startTaskjet } from "./systems/taskjet.ts";

const N = 5000;
const dir = join(import.meta.dirname, "../results/profiles");
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

const log = createLogger("profile", loadConfig({ LOG_LEVEL: "warn" }));
const nats = await startBenchNats();
const { nc, jsm } = await connectNats({ NATS_URL: nats.url }, log, "profile");
process.env.NODE_OPTIONS = `--cpu-prof --cpu-prof-dir=${dir}`; // inherited by the services only
const t = await startTaskjet({ latencyMs: 0, concurrency: 1000, label: "profile", jsm, natsUrl: nats.url });
delete process.env.NODE_OPTIONS;
const watch = watchResources([...t.watched, ...serverProcesses(nats).filter((w) => w.label !== "redis-server")]);
console.log(await burst(t, N, 1000, 120_000));
const usage = watch.stop();
await t.close();
await deleteNamespaceStreams(jsm, namesFor(t.namespace));
await nc.close();
await nats.close();

console.log("\nCPU per task (ms):");
for (const [label, u] of Object.entries(usage))
  console.log(`  ${label.padEnd(18)} ${((u.cpuSeconds * 1000) / N).toFixed(2)}`);
const total = Object.values(usage).reduce((a, u) => a + u.cpuSeconds, 0);
console.log(`  ${"total".padEnd(18)} ${((total * 1000) / N).toFixed(2)}`);

type Profile = {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  startTime: number;
  endTime: number;
};
for (const file of readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"))) {
  const p = JSON.parse(readFileSync(join(dir, file), "utf8")) as Profile;
  const msPerSample = (p.endTime - p.startTime) / p.samples.length / 1000;
  const frames = new Map(p.nodes.map((n) => [n.id, n.callFrame]));
  const self = new Map<string, number>();
  let service = "?";
  for (const id of p.samples) {
    const f = frames.get(id);
    if (!f || f.functionName === "(idle)") continue;
    service = /services\/(\w+)/.exec(f.url)?.[1] ?? service;
    const where = f.url.replace(/.*node_modules\//, "").replace(/.*\/(libs|services)\//, "$1/");
    const key = `${f.functionName || "(anonymous)"} ${where}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + msPerSample);
  }
  console.log(`\n${service} (${file}): hottest functions, self time (ms)`);
  for (const [key, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 8)) {
    console.log(`  ${Math.round(ms).toString().padStart(6)}  ${key}`);
  }
}
process.exit(0);
