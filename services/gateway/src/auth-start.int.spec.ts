import { Writable } from "node:stream";
import { createTestContext, type TestContext } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "./app.ts";
import { openKeyStore } from "./keys/store.ts";

// With auth required and no admin key anywhere, nobody can make a key over HTTP: the gateway says so at start.
let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext("authstart", { AUTH_MODE: "required" });
});
afterAll(async () => ctx?.cleanup());

/** Builds and closes a gateway with these settings; the log lines it wrote at start. */
async function startLines(config: Partial<TestContext["config"]>): Promise<string[]> {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  const app = await buildApp(
    { ...ctx, config: { ...ctx.config, ...config }, now: () => new Date() },
    { logger: { level: "info", stream } },
  );
  await app.close();
  return lines;
}
const NO_ADMIN = "no admin key exists";

describe("the warning at start when auth is required and no admin key exists", () => {
  it("is logged with an empty keys bucket and no bootstrap key, and not with auth off", async () => {
    expect((await startLines({})).filter((l) => l.includes(NO_ADMIN))).toHaveLength(1);
    expect((await startLines({ AUTH_MODE: "off" })).some((l) => l.includes(NO_ADMIN))).toBe(false);
  });

  it("is not logged once an admin key exists, seeded or made; a tenant's key or a revoked admin key does not count", async () => {
    const store = await openKeyStore(ctx.js, ctx.names, ctx.config);
    await store.create({ tenant: "acme", scopes: ["tasks:read", "tasks:write"] }, new Date());
    const revoked = await store.create({ tenant: "ops", scopes: ["admin"] }, new Date());
    await store.revoke(revoked.record.id, new Date());
    expect((await startLines({})).some((l) => l.includes(NO_ADMIN))).toBe(true);

    const bootstrap = `tj_bootadmin_${"b".repeat(40)}`;
    expect((await startLines({ BOOTSTRAP_ADMIN_KEY: bootstrap })).some((l) => l.includes(NO_ADMIN))).toBe(false);
    await store.revoke("bootadmin", new Date());
    await store.create({ tenant: "ops", scopes: ["admin"] }, new Date());
    expect((await startLines({})).some((l) => l.includes(NO_ADMIN))).toBe(false);
  });
});
