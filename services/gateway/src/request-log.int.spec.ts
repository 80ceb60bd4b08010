import { Writable } from "node:stream";
import { migrate } from "@taskjet/read-model";
import { createLogger } from "@taskjet/runtime";
import { createTestContext, type TestContext } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "./app.ts";

/** What the gateway logs per request at the default level: nothing for a success, one line for a refusal. */
let ctx: TestContext;
let app: Awaited<ReturnType<typeof buildApp>>;
const lines: { level: number; msg: string; status?: number; req?: { url: string } }[] = [];

beforeAll(async () => {
  ctx = await createTestContext("reqlog");
  await migrate(ctx.db, ctx.names, ctx.log);
  const out = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  app = await buildApp(
    { ...ctx, now: () => new Date() },
    { loggerInstance: createLogger("gateway", { LOG_LEVEL: "info" }, out) },
  );
});
afterAll(async () => {
  await app.close();
  await ctx.cleanup();
});

describe("request logging", () => {
  it("a task submitted is no line at info; a refused request is one, with its status", async () => {
    const accepted = await app.inject({ method: "POST", url: "/tasks", payload: { prompt: "quiet" } });
    expect(accepted.statusCode).toBe(202);
    expect(lines.filter((l) => l.req?.url === "/tasks")).toEqual([]);
    const refused = await app.inject({ method: "POST", url: "/tasks?x=1", payload: { prompt: "" } });
    expect(refused.statusCode).toBe(400);
    expect(lines.filter((l) => l.req?.url === "/tasks?x=1")).toMatchObject([
      { level: 30, msg: "request", status: 400 },
    ]);
  });
});
