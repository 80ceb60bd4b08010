import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createTestContext, type TestContext } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSystem } from "./system.ts";

// The README's walk-through, run as a newcomer would paste it: the block under "A walk through with curl",
// verbatim but for the address (this test's gateway instead of localhost:8000), in bash against the services.
const README = readFileSync(join(import.meta.dirname, "../../README.md"), "utf8");

/** The first ```sh block after a heading of the README. */
function shBlockAfter(heading: string): string {
  const from = README.indexOf(`\n${heading}\n`);
  if (from < 0) throw new Error(`README has no heading "${heading}"`);
  const open = README.indexOf("```sh\n", from);
  return README.slice(open + "```sh\n".length, README.indexOf("\n```", open));
}

let ctx: TestContext;
let system: Awaited<ReturnType<typeof startSystem>>;

beforeAll(async () => {
  ctx = await createTestContext("readme");
  system = await startSystem(ctx);
});
afterAll(async () => {
  await system?.stop();
  await ctx?.cleanup();
});

describe("the README", () => {
  it("walk-through runs as written: every call answers without an error, every task it follows ends", async () => {
    const script = shBlockAfter("## A walk through with curl").replaceAll("localhost:8000", system.baseUrl);
    // Not spawnSync: the services answering the script run in this process.
    const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile("bash", ["-euo", "pipefail", "-c", script], { timeout: 60_000 }, (err, stdout, stderr) =>
        resolve({ status: err ? (typeof err.code === "number" ? err.code : null) : 0, stdout, stderr }),
      );
    });
    const said = `${run.stdout}\n${run.stderr}`;
    expect(run.status, said).toBe(0);
    expect(run.stderr, said).toBe("");
    // No answer of the API in it was an error (`{"error":{…}}`; a failed task's own `"error"` is a field of it),
    // and the ids it caught were ids (not "undefined").
    expect(run.stdout, said).not.toMatch(/(^|[\n}])\{"error":\{/);
    expect(run.stdout, said).not.toContain("undefined");
    // The haiku, its chained child and the fan-in each streamed to their end, completed.
    expect(run.stdout.match(/event: end\ndata: \{"status":"completed"\}/g), said).toHaveLength(3);
    expect(run.stdout, said).toContain('"output":"Fake reply to: Write a haiku about queues"');
    expect(run.stdout, said).toMatch(/"nextRuns":\["20/);
    expect(run.stdout, said).toContain('"paused":true');
    expect(run.stdout, said).toContain('"status":"cancelled"');
    expect(run.stdout, said).toContain('"checks":{"nats":"ok');
  });
});
