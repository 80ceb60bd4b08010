// `npm run fuzz` (-- --requests N --seed S): generated hostile requests over every route and WebSocket message.
import { parseArgs } from "node:util";
import { fuzzFailures, renderFuzzReport } from "./report.ts";
import { runFuzz } from "./run.ts";

const { values } = parseArgs({
  options: {
    requests: { type: "string" },
    ws: { type: "string" },
    seed: { type: "string" },
    concurrency: { type: "string" },
    "no-stalls": { type: "boolean", default: false },
    json: { type: "string" },
  },
});
const requests = Number(values.requests ?? 10_000);
const report = await runFuzz({
  requests,
  wsSessions: Number(values.ws ?? Math.ceil(requests / 50)),
  seed: Number(values.seed ?? Date.now() % 2 ** 31),
  concurrency: Number(values.concurrency ?? 16),
  timeoutMs: 10_000,
  stalls: !values["no-stalls"],
  handleSignals: true,
  say: (line) => process.stderr.write(`${line}\n`),
});
process.stdout.write(`${renderFuzzReport(report)}\n`);
if (values.json) {
  const { writeFileSync } = await import("node:fs");
  writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
}
const failed = fuzzFailures(report);
process.stdout.write(failed.length ? `\nFAILED: ${failed.join("; ")} (rerun with --seed ${report.seed})\n` : "\nOK\n");
process.exit(failed.length ? 1 : 0);
