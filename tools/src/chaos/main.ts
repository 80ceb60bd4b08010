// `npm run chaos` (-- --tasks N, --quick): the services under kill -9 and server restarts, then what it cost.
import { parseArgs } from "node:util";
import { failures, renderChaosReport } from "./report.ts";
import { runChaos } from "./run.ts";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    tasks: { type: "string" },
    rate: { type: "string" },
    "down-ms": { type: "string" },
    "llm-latency-ms": { type: "string" },
    "ack-wait": { type: "string" },
    "lease-seconds": { type: "string" },
    json: { type: "string" },
  },
});
const quick = values.quick || process.env.npm_config_quick === "true";
const num = (v: string | undefined, fallback: number) => (v === undefined ? fallback : Number(v));
const tasks = num(values.tasks, quick ? 1000 : 10_000);

const report = await runChaos({
  tasks,
  rate: num(values.rate, quick ? 100 : 200),
  concurrency: quick ? 32 : 64,
  downMs: num(values["down-ms"], quick ? 500 : 1000),
  llmLatencyMs: num(values["llm-latency-ms"], 20),
  // --quick shortens the waits a crash costs (redelivery, projector failover) so the run stays short.
  serviceEnv: Object.fromEntries(
    [
      ["ACK_WAIT_SECONDS", values["ack-wait"] ?? (quick ? "5" : undefined)],
      ["PROJECTOR_LEASE_SECONDS", values["lease-seconds"] ?? (quick ? "3" : undefined)],
    ].filter((e): e is [string, string] => e[1] !== undefined),
  ),
  requestBudgetMs: 120_000,
  settleTimeoutMs: quick ? 90_000 : 240_000,
  handleSignals: true,
  say: (line) => process.stderr.write(`${line}\n`),
});
process.stdout.write(`${renderChaosReport(report)}\n`);
if (values.json) {
  const { writeFileSync } = await import("node:fs");
  writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
}
const failed = failures(report);
process.stdout.write(failed.length ? `\nFAILED: ${failed.join("; ")}\n` : "\nOK\n");
process.exit(failed.length ? 1 : 0);
