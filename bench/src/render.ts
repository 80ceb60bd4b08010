// `npm run bench:report -- bench/results/<date>.json`: writes docs/benchmarks.md and its chart again from a
// full run's results (after editing bench/notes.md, say), without running anything.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeReport } from "./report.ts";

const file = process.argv[2];
if (!file) throw new Error("usage: npm run bench:report -- bench/results/<date>.json");
writeReport(JSON.parse(readFileSync(file, "utf8")), join(import.meta.dirname, "../../docs"));
