import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");
const SCHEMA = "clients/typescript/src/schema.ts";

describe("@taskjet/client's API types", () => {
  it("match what the gateway's /openapi.json generates today", async () => {
    // The console's generator, pointed at the client's file (one implementation for both, and for `npm run gen:api`).
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(root, "web/scripts/gen-api.ts"), "--out", join(root, SCHEMA), "--print"],
      { cwd: root, maxBuffer: 16 * 1024 * 1024 },
    );
    const committed = await readFile(join(root, SCHEMA), "utf8");
    expect(
      stdout === committed,
      `${SCHEMA} is stale: the API changed. Regenerate it with \`npm run gen:api\` and commit it`,
    ).toBe(true);
  });
});
