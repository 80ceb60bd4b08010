import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");

describe("the console's API types", () => {
  it("match what the gateway's /openapi.json generates today", async () => {
    // The generator builds the gateway app on a test namespace and asks it for /openapi.json (one implementation
    // for this check and for `npm run -w web gen:api`).
    const { stdout } = await promisify(execFile)(process.execPath, [join(root, "web/scripts/gen-api.ts"), "--print"], {
      cwd: root,
      maxBuffer: 16 * 1024 * 1024,
    });
    const committed = await readFile(join(root, "web/src/api/schema.ts"), "utf8");
    expect(
      stdout === committed,
      "web/src/api/schema.ts is stale: the API changed. Regenerate it with `npm run -w web gen:api` and commit it",
    ).toBe(true);
  });
});
