// Types from the gateway's own OpenAPI document, for @taskjet/client (and through it the console): builds the
// gateway app (no port, a throwaway test namespace), asks it for /openapi.json, turns that into TypeScript with
// openapi-typescript and formats it as Biome would. `npm run gen:api` writes clients/typescript/src/schema.ts;
// `--out <file>` writes another file; `--print` writes it to stdout instead (the drift test compares that with the
// committed file).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildApp } from "@taskjet/gateway";
import { createTestContext } from "@taskjet/testkit";
import openapiTS, { astToString } from "openapi-typescript";

const WEB = join(import.meta.dirname, "..");
const ROOT = join(WEB, "..");
export const SCHEMA_FILE = join(ROOT, "clients/typescript/src/schema.ts");

/** What the header tells a reader to run. */
const regenerateWith = (file: string) =>
  file === SCHEMA_FILE ? "npm run gen:api" : `node web/scripts/gen-api.ts --out ${relative(ROOT, file)}`;

const header = (file: string) =>
  `// Generated from the gateway's /openapi.json by \`${regenerateWith(file)}\`: do not edit by hand.\n`;

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

function biomeFormat(source: string, file: string): string {
  const biome = spawnSync("npx", ["biome", "format", `--stdin-file-path=${file}`], {
    cwd: ROOT,
    input: source,
    encoding: "utf8",
  });
  if (biome.status !== 0) throw new Error(`biome format failed: ${biome.stderr}`);
  return biome.stdout;
}

/** The schema module for `file` (its header names the command that regenerates it). */
export async function generateSchema(file = SCHEMA_FILE): Promise<string> {
  const ast = await openapiTS(await openApiDocument(), { alphabetize: true });
  return biomeFormat(header(file) + astToString(ast), file);
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { out: { type: "string" }, print: { type: "boolean" } } });
  const file = values.out === undefined ? SCHEMA_FILE : resolve(values.out);
  const schema = await generateSchema(file);
  const name = relative(process.cwd(), file);
  if (values.print) process.stdout.write(schema);
  else if (existsSync(file) && readFileSync(file, "utf8") === schema) console.log(`${name} is up to date`);
  else {
    writeFileSync(file, schema);
    console.log(`wrote ${name}`);
  }
}
