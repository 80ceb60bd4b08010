import { connectNats, createLogger, loadConfig } from "@taskjet/runtime";
import { pidsOf, watchResources } from "./resources.ts";
import { burst } from "./runs.ts";
import { startTaskjet } from "./systems/taskjet.ts";

const log = createLogger("prof", loadConfig({ LOG_LEVEL: "warn" }));
const { nc, jsm } = await connectNats({ NATS_URL: "nats://127.0.0.1:4222" }, log, "prof");
if (process.argv[2] === "prof") process.env.NODE_OPTIONS = "--cpu-prof --cpu-prof-dir=/tmp/prof";
const t = await startTaskjet({ latencyMs: 0, concurrency: 1000, label: "prof", jsm });
delete process.env.NODE_OPTIONS;
const w = watchResources([
  ...t.watched,
  { label: "nats", pids: pidsOf("nats-server") },
  { label: "pg", pids: pidsOf("postgres") },
  { label: "bench", pids: () => [process.pid] },
]);
console.log(await burst(t, 5000, 1000, 120000));
const u = w.stop();
console.log(
  Object.entries(u)
    .map(([k, v]) => `${k} ${((v.cpuSeconds * 1000) / 5000).toFixed(2)}ms`)
    .join("  "),
  "total",
  ((Object.values(u).reduce((a, v) => a + v.cpuSeconds, 0) * 1000) / 5000).toFixed(2),
  "ms/task",
);
await t.close();
await nc.close();
process.exit(0);
