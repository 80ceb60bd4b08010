// Types for the console from the gateway's own OpenAPI document: builds the gateway app (no port, a throwaway
// test namespace), asks it for /openapi.json, turns that into TypeScript with openapi-typescript and formats it
// as Biome would. `npm run -w web gen:api` writes src/api/schema.ts; `--print` writes it to stdout instead
// (the drift test compares that with the committed file).
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildApp } from "@taskjet/gateway";
import { createTestContext } from "@taskjet/testkit";
import openapiTS, { astToString } from "openapi-typescript";

const WEB = join(import.meta.dirname, "..");
export const SCHEMA_FILE = join(WEB, "src/api/schema.ts");

const HEADER = `// Generated from the gateway's /openapi.json by \`npm run -w web gen:api\`: do not edit by hand.\n`;

async function openApiDocument(): Promise<string> {
  const ctx = await createTestContext("genapi");
  try {
    const app = await buildApp({ ...ctx, now: () => new Date() });
    try {
      const res = await app.inject({ url: "/openapi.json" });
      if (res.statusCode !== 200) throw new Error(`/openapi.json answered ${res.statusCode}: ${res.body}`);
      return res.body;
    } finally {
      await app.close();
    }
  } finally {
    await ctx.cleanup();
  }
}

function biomeFormat(source: string): string {
  const biome = spawnSync("npx", ["biome", "format", `--stdin-file-path=${SCHEMA_FILE}`], {
    cwd: join(WEB, ".."),
    input: source,
    encoding: "utf8",
  });
  if (biome.status !== 0) throw new Error(`biome format failed: ${biome.stderr}`);
  return biome.stdout;
}

export async function generateSchema(): Promise<string> {
  const ast = await openapiTS(await openApiDocument(), { alphabetize: true });
  return biomeFormat(HEADER + astToString(ast));
}

if (import.meta.main) {
  const schema = await generateSchema();
  if (process.argv.includes("--print")) process.stdout.write(schema);
  else if (readFileSync(SCHEMA_FILE, "utf8") === schema) console.log("src/api/schema.ts is up to date");
  else {
    writeFileSync(SCHEMA_FILE, schema);
    console.log("wrote src/api/schema.ts");
  }
}
