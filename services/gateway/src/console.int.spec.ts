import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrate } from "@taskjet/read-model";
import { createTestContext, type TestContext } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "./app.ts";

let ctx: TestContext;
let dist: string;
let app: Awaited<ReturnType<typeof buildApp>>;
let unbuilt: Awaited<ReturnType<typeof buildApp>>;

const INDEX = "<!doctype html><title>Taskjet console</title><div id=root></div>";
const ASSET = "console.log('console')";
/** What a browser sends when it opens a page. */
const NAVIGATION = { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" };

beforeAll(async () => {
  ctx = await createTestContext("console");
  await migrate(ctx.db, ctx.names, ctx.log);
  // A build as Vite lays it out: index.html and content-hashed assets.
  dist = await mkdtemp(join(tmpdir(), "taskjet-console-"));
  await mkdir(join(dist, "assets"));
  await writeFile(join(dist, "index.html"), INDEX);
  await writeFile(join(dist, "assets/index-3f2a9c1b.js"), ASSET);
  await writeFile(join(dist, "favicon.svg"), "<svg/>");
  app = await buildApp({ ...ctx, config: { ...ctx.config, CONSOLE_DIR: dist }, now: () => new Date() });
  unbuilt = await buildApp({
    ...ctx,
    config: { ...ctx.config, CONSOLE_DIR: join(dist, "missing") },
    now: () => new Date(),
  });
});
afterAll(async () => {
  await app?.close();
  await unbuilt?.close();
  await ctx.cleanup();
  await rm(dist, { recursive: true, force: true });
});

const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: "GET", url, headers });

describe("the built console", () => {
  it("is served at / as index.html, never cached", async () => {
    const res = await get("/", NAVIGATION);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(res.headers["cache-control"]).toBe("no-cache");
    expect(res.body).toBe(INDEX);
  });

  it("serves hashed assets as immutable for a year", async () => {
    const res = await get("/assets/index-3f2a9c1b.js");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/javascript/);
    expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(res.body).toBe(ASSET);
    const other = await get("/favicon.svg");
    expect(other.statusCode).toBe(200);
    expect(other.headers["cache-control"]).toBe("no-cache");
  });

  it("answers a missing asset with the JSON 404, even to a browser", async () => {
    for (const headers of [{}, NAVIGATION] as Record<string, string>[]) {
      const res = await get("/assets/index-gone.js", headers);
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe("route_not_found");
    }
  });

  it("opens a console page the browser navigates to (SPA fallback)", async () => {
    const res = await get("/overview", NAVIGATION);
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(INDEX);
    expect(res.headers["cache-control"]).toBe("no-cache");
  });

  it("opens /tasks/<id> as the console in a browser, as JSON for API clients", async () => {
    const id = randomUUID();
    const page = await get(`/tasks/${id}`, NAVIGATION);
    expect(page.statusCode).toBe(200);
    expect(page.body).toBe(INDEX);
    expect(page.headers.vary).toMatch(/accept/i);
    for (const accept of ["", "application/json", "*/*"]) {
      const headers: Record<string, string> = accept ? { accept } : {};
      const api = await get(`/tasks/${id}`, headers);
      expect(api.statusCode).toBe(404);
      expect(api.json().error.code).toBe("not_found");
      expect(api.headers.vary).toMatch(/accept/i);
    }
    const list = await get("/tasks?limit=1", { accept: "application/json" });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toHaveProperty("tasks");
  });

  it("never shadows an API route: unknown API paths are JSON 404s, even for a browser", async () => {
    for (const url of [`/tasks/${randomUUID()}/nope`, "/admin/nope", "/ws/x", "/stats/x", "/health/x", "/docs/x.y"]) {
      for (const headers of [{}, NAVIGATION] as Record<string, string>[]) {
        const res = await get(url, headers);
        expect(res.statusCode, `${url} ${JSON.stringify(headers)}`).toBe(404);
        expect(res.headers["content-type"]).toMatch(/^application\/json/);
        expect(res.json().error.code).toBe("route_not_found");
      }
    }
    // An unknown path outside the API, asked for by an API client, is a JSON 404 too.
    const res = await get("/nothing-here", { accept: "application/json" });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe("route_not_found");
    // Other methods never get the console.
    const post = await app.inject({ method: "POST", url: "/overview", headers: NAVIGATION, payload: {} });
    expect(post.statusCode).toBe(404);
  });

  it("leaves the API routes answering as before", async () => {
    const health = await get("/health", NAVIGATION);
    expect(health.json()).toEqual({ status: "ok" });
    const openapi = await get("/openapi.json");
    expect(openapi.json().paths["/tasks"]).toBeDefined();
    expect(openapi.json().paths["/*"]).toBeUndefined();
  });
});

describe("without a build", () => {
  it("says how to build the console at / and for a page, and the API still works", async () => {
    for (const url of ["/", "/overview", `/tasks/${randomUUID()}`]) {
      const res = await unbuilt.inject({ url, headers: NAVIGATION });
      expect(res.statusCode).toBe(200);
      expect(res.headers["content-type"]).toMatch(/^text\/html/);
      expect(res.body).toContain("npm run build -w web");
    }
    const asset = await unbuilt.inject({ url: "/assets/index-3f2a9c1b.js" });
    expect(asset.statusCode).toBe(404);
    expect(asset.json().error.code).toBe("route_not_found");
    expect((await unbuilt.inject({ url: "/health" })).json()).toEqual({ status: "ok" });
  });
});
