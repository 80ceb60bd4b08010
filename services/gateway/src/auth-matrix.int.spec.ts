import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { migrate, projectBatch } from "@taskjet/read-model";
import { loadConfig, readHistory } from "@taskjet/runtime";
import { createTestContext, type TestContext, waitFor } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { buildApp } from "./app.ts";
import { hashKey, keyIdOf } from "./keys/record.ts";
import { type KeyStore, openKeyStore } from "./keys/store.ts";
import type { Scope } from "./principal.ts";

type App = Awaited<ReturnType<typeof buildApp>>;

let ctx: TestContext;
let app: App;
let store: KeyStore;
const keys = {} as Record<
  "admin" | "acme" | "acmeRead" | "acmeWrite" | "beta" | "revoked" | "expired" | "victim",
  string
>;
/** A task of acme's (the caller) and one of beta's, whose prompt must never reach acme. */
let acmeTask: string;
let betaTask: string;
const BETA_SECRET = `BETA-SECRET-${Date.now().toString(36)}`;

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

beforeAll(async () => {
  ctx = await createTestContext("authmx", { AUTH_MODE: "required" });
  await migrate(ctx.db, ctx.names, ctx.log);
  store = await openKeyStore(ctx.js, ctx.names, ctx.config);
  const make = async (tenant: string, scopes: Scope[], expiresAt?: string) =>
    (await store.create({ tenant, scopes, expiresAt }, new Date())).key;
  const rw: Scope[] = ["tasks:read", "tasks:write"];
  keys.admin = await make("ops", ["admin"]);
  keys.acme = await make("acme", rw);
  keys.acmeRead = await make("acme", ["tasks:read"]);
  keys.acmeWrite = await make("acme", ["tasks:write"]);
  keys.beta = await make("beta", rw);
  keys.revoked = await make("acme", rw);
  keys.expired = await make("acme", rw, new Date(Date.now() - 60_000).toISOString());
  keys.victim = await make("acme", rw);
  await store.revoke(keyIdOf(keys.revoked) as string, new Date());
  app = await buildApp({ ...ctx, now: () => new Date() });

  const submit = async (key: string, prompt: string) => {
    const res = await app.inject({ method: "POST", url: "/tasks", headers: bearer(key), payload: { prompt } });
    expect(res.statusCode).toBe(202);
    const id = (res.json() as { id: string }).id;
    await projectBatch(ctx.db, await readHistory(ctx.js, ctx.jsm, ctx.names, ctx.subjects, id), ctx.log);
    return id;
  };
  acmeTask = await submit(keys.acme, "acme's own prompt");
  betaTask = await submit(keys.beta, BETA_SECRET);
});
afterAll(async () => {
  await app?.close();
  await ctx.cleanup();
});

type Route = {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  scope: Scope;
  body?: object;
  hasTask?: boolean;
  headers?: Record<string, string>;
};

/** A task id no one has: what the bulk commands' rows act on, so they change no task another test reads. */
const NO_TASK = "00000000-0000-4000-8000-000000000000";

/** Every route that needs a key, with the scope it needs; `:id` is a task's id where `hasTask`. */
const ROUTES: Route[] = [
  { method: "POST", path: "/tasks", scope: "tasks:write", body: { prompt: "hi" } },
  { method: "GET", path: "/tasks", scope: "tasks:read" },
  { method: "GET", path: "/tasks/:id", scope: "tasks:read", hasTask: true },
  { method: "GET", path: "/tasks/:id/events", scope: "tasks:read", hasTask: true },
  // A Last-Event-ID it never sent: let through, the stream answers 400 rather than follow an unfinished task.
  { method: "GET", path: "/tasks/:id/stream", scope: "tasks:read", hasTask: true, headers: { "last-event-id": "x" } },
  { method: "POST", path: "/tasks/:id/chain", scope: "tasks:write", body: { prompt: "more" }, hasTask: true },
  { method: "POST", path: "/tasks/:id/cancel", scope: "tasks:write", body: {}, hasTask: true },
  { method: "POST", path: "/tasks/:id/retry", scope: "tasks:write", hasTask: true },
  { method: "POST", path: "/tasks/batch", scope: "tasks:write", body: { tasks: [{ prompt: "hi" }] } },
  { method: "POST", path: "/tasks/cancel", scope: "tasks:write", body: { ids: [NO_TASK] } },
  { method: "POST", path: "/tasks/retry", scope: "tasks:write", body: { ids: [NO_TASK] } },
  { method: "GET", path: "/stats", scope: "tasks:read" },
  { method: "POST", path: "/submit", scope: "tasks:write", body: { prompt: "hi" } },
  { method: "GET", path: "/status/:id", scope: "tasks:read", hasTask: true },
  { method: "DELETE", path: "/cancel/:id", scope: "tasks:write", hasTask: true },
  { method: "GET", path: "/tasks/recent", scope: "tasks:read" },
  { method: "POST", path: "/ws-tickets", scope: "tasks:read" },
  { method: "POST", path: "/webhooks", scope: "tasks:write", body: { url: "https://93.184.215.14/hook" } },
  { method: "GET", path: "/webhooks", scope: "tasks:read" },
  { method: "POST", path: "/webhooks/task-secret", scope: "tasks:write", body: {} },
  { method: "GET", path: "/webhooks/:id", scope: "tasks:read" },
  { method: "PATCH", path: "/webhooks/:id", scope: "tasks:write", body: { enabled: false } },
  { method: "DELETE", path: "/webhooks/:id", scope: "tasks:write" },
  { method: "GET", path: "/webhooks/:id/deliveries", scope: "tasks:read" },
  { method: "GET", path: "/tasks/:id/deliveries", scope: "tasks:read", hasTask: true },
  { method: "GET", path: "/admin/quarantine", scope: "admin" },
  { method: "POST", path: "/admin/keys", scope: "admin", body: { tenant: "acme", scopes: ["tasks:read"] } },
  { method: "GET", path: "/admin/keys", scope: "admin" },
  { method: "DELETE", path: "/admin/keys/:id", scope: "admin" },
  { method: "GET", path: "/admin/tenants/:tenant", scope: "admin" },
  { method: "PUT", path: "/admin/tenants/:tenant", scope: "admin", body: { weight: 1 } },
  { method: "POST", path: "/schedules", scope: "tasks:write", body: { cron: "0 * * * *", task: { prompt: "hi" } } },
  { method: "GET", path: "/schedules", scope: "tasks:read" },
  // `:id` is a task's id here: no schedule has it, so the right key gets a 404.
  { method: "GET", path: "/schedules/:id", scope: "tasks:read" },
  { method: "PATCH", path: "/schedules/:id", scope: "tasks:write", body: { paused: true } },
  { method: "DELETE", path: "/schedules/:id", scope: "tasks:write" },
];
/** Routes anyone may call. */
const OPEN = ["GET /health", "GET /ready"];

const call = (a: App, r: Route, headers: Record<string, string>, taskId = acmeTask) =>
  a.inject({
    method: r.method,
    url: r.path
      .replace(":id", r.path.startsWith("/admin/keys") ? (keyIdOf(keys.victim) as string) : taskId)
      .replace(":tenant", "acme"),
    headers: { ...r.headers, ...headers },
    ...(r.body ? { payload: r.body } : {}),
  });

/** A key that has every scope but the one the route needs. */
const wrongScopeKey = (r: Route) =>
  r.scope === "admin" ? keys.acme : r.scope === "tasks:read" ? keys.acmeWrite : keys.acmeRead;

const label = (r: Route) => `${r.method} ${r.path}`;

describe("the auth matrix over HTTP", () => {
  it("covers every route in the OpenAPI document", async () => {
    const doc = (await app.inject({ method: "GET", url: "/openapi.json" })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`),
    );
    expect(documented.sort()).toEqual([...ROUTES.map(label), ...OPEN].sort());
  });

  it("documents the bearer scheme, Idempotency-Key and 401/403/429/503 on every route that takes a key", async () => {
    type Response = { description?: string; headers?: Record<string, unknown> };
    type Op = { security?: object[]; responses: Record<string, Response>; parameters?: { in: string; name: string }[] };
    const doc = (await app.inject({ method: "GET", url: "/openapi.json" })).json() as {
      paths: Record<string, Record<string, Op>>;
      components: { securitySchemes: Record<string, { type: string; scheme: string }> };
    };
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    for (const r of ROUTES) {
      const op = doc.paths[r.path.replace(/:(\w+)/g, "{$1}")]?.[r.method.toLowerCase()];
      expect(op?.security, label(r)).toEqual([{ bearerAuth: [] }]);
      expect(Object.keys(op?.responses ?? {}), label(r)).toEqual(expect.arrayContaining(["401", "403", "429", "503"]));
      // X-Tenant-Id with auth on is a 400, not a 403; a 429 carries Retry-After and the draft's headers.
      expect(op?.responses["400"]?.description, label(r)).toContain("tenant_header_refused");
      expect(op?.responses["403"]?.description, label(r)).not.toContain("X-Tenant-Id");
      expect(Object.keys(op?.responses["429"]?.headers ?? {}), label(r)).toEqual(
        expect.arrayContaining(["Retry-After", "RateLimit", "RateLimit-Policy"]),
      );
    }
    for (const path of ["/tasks", "/tasks/{id}/chain"]) {
      expect(doc.paths[path]?.post?.parameters).toContainEqual(
        expect.objectContaining({ in: "header", name: "Idempotency-Key" }),
      );
    }
    expect(doc.paths["/health"]?.get?.security).toEqual([]);
  });

  const CREDENTIALS: [string, () => Record<string, string>][] = [
    ["no key", () => ({})],
    ["a malformed key", () => bearer("not-a-key")],
    ["another scheme", () => ({ authorization: `Basic ${Buffer.from("a:b").toString("base64")}` })],
    ["an unknown key", () => bearer(`tj_0123456789abcdef_${"x".repeat(43)}`)],
    ["a known id with the wrong secret", () => bearer(`${keys.acme.slice(0, 20)}${"y".repeat(43)}`)],
    ["a revoked key", () => bearer(keys.revoked)],
    ["an expired key", () => bearer(keys.expired)],
  ];
  for (const [what, headers] of CREDENTIALS) {
    it.each(ROUTES.map((r) => [label(r), r] as const))(`${what}: %s is 401 unauthorized`, async (_, r) => {
      const res = await call(app, r, headers());
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe("unauthorized");
      expect(res.headers["www-authenticate"]).toMatch(/^Bearer/);
      expect(res.body).not.toContain(BETA_SECRET);
    });
  }

  it.each(ROUTES.map((r) => [label(r), r] as const))("the wrong scope: %s is 403 forbidden", async (_, r) => {
    const res = await call(app, r, bearer(wrongScopeKey(r)));
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe("forbidden");
  });

  it.each(ROUTES.filter((r) => r.hasTask).map((r) => [label(r), r] as const))(
    "another tenant's task: %s is 404, and nothing of it comes back",
    async (_, r) => {
      const res = await call(app, r, bearer(keys.acme), betaTask);
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe("not_found");
      expect(res.body).not.toContain(BETA_SECRET);
    },
  );

  it("the caller's own lists and stats hold nothing of another tenant's", async () => {
    for (const url of ["/tasks", "/tasks/recent", "/stats", `/tasks/${acmeTask}`]) {
      const res = await app.inject({ method: "GET", url, headers: bearer(keys.acme) });
      expect(res.statusCode, url).toBe(200);
      expect(res.body).not.toContain(BETA_SECRET);
      expect(res.body).not.toContain(betaTask);
    }
    const mine = await app.inject({ method: "GET", url: "/tasks", headers: bearer(keys.acme) });
    expect((mine.json() as { tasks: { id: string }[] }).tasks.map((t) => t.id)).toContain(acmeTask);
    // …and beta's task was left as it was by acme's attempts to cancel it
    const beta = await app.inject({ method: "GET", url: `/tasks/${betaTask}`, headers: bearer(keys.beta) });
    expect(beta.json()).toMatchObject({ id: betaTask, status: "submitted", prompt: BETA_SECRET });
  });

  it.each(ROUTES.map((r) => [label(r), r] as const))("the right key: %s is let through", async (_, r) => {
    const key = r.scope === "admin" ? keys.admin : keys.acme;
    const res = await call(app, r, bearer(key));
    expect([401, 403]).not.toContain(res.statusCode);
    expect(res.statusCode).toBeLessThan(500);
  });

  it("refuses X-Tenant-Id with auth on (the key names the tenant), and leaves probes and docs open", async () => {
    const res = await app.inject({
      method: "GET",
      url: "/tasks",
      headers: { ...bearer(keys.acme), "x-tenant-id": "beta" },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe("tenant_header_refused");
    for (const url of ["/health", "/ready", "/openapi.json", "/docs/"]) {
      expect((await app.inject({ method: "GET", url })).statusCode, url).toBe(200);
    }
    // the console's pages open without a key (it asks for one when the API answers 401)
    for (const url of ["/", "/tasks", `/tasks/${acmeTask}`]) {
      const page = await app.inject({ method: "GET", url, headers: { accept: "text/html" } });
      expect(page.statusCode, url).toBe(200);
      expect(page.headers["content-type"], url).toMatch(/^text\/html/);
      expect(page.body).not.toContain(BETA_SECRET);
    }
  });

  it("/metrics (it names tenants) needs an admin key: 401 without one, 403 with a tenant's", async () => {
    const without = await app.inject({ method: "GET", url: "/metrics" });
    expect(without.statusCode).toBe(401);
    expect(without.body).not.toContain("taskjet_");
    const tenant = await app.inject({ method: "GET", url: "/metrics", headers: bearer(keys.acme) });
    expect(tenant.statusCode).toBe(403);
    expect(tenant.json().error.details).toEqual({ scope: "admin" });
    expect(tenant.body).not.toContain("taskjet_");
    const admin = await app.inject({ method: "GET", url: "/metrics", headers: bearer(keys.admin) });
    expect(admin.statusCode).toBe(200);
    expect(admin.body).toContain("taskjet_");
  });

  it("records the key that issued each command in its event", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/tasks",
      headers: bearer(keys.acme),
      payload: { prompt: "x" },
    });
    const id = (res.json() as { id: string }).id;
    await app.inject({ method: "POST", url: `/tasks/${id}/cancel`, headers: bearer(keys.acmeWrite), payload: {} });
    const history = await ctx.history(id);
    expect(history.map((e) => [e.type, "issuedBy" in e ? e.issuedBy : undefined])).toEqual([
      ["TaskSubmitted", keyIdOf(keys.acme)],
      ["TaskCancelled", keyIdOf(keys.acmeWrite)],
    ]);
  });
});

describe("keys", () => {
  it("are shown once, at creation, and stored only as a hash", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/admin/keys",
      headers: bearer(keys.admin),
      payload: { tenant: "gamma", scopes: ["tasks:read"], name: "gamma's dashboard" },
    });
    expect(res.statusCode).toBe(201);
    const created = res.json() as { id: string; key: string };
    expect(created.key).toMatch(new RegExp(`^tj_${created.id}_[A-Za-z0-9_-]{43}$`));
    const secret = created.key.slice(`tj_${created.id}_`.length);

    const listed = await app.inject({ method: "GET", url: "/admin/keys", headers: bearer(keys.admin) });
    expect(listed.body).not.toContain(secret);
    const mine = (listed.json() as { keys: Record<string, unknown>[] }).keys.find((k) => k.id === created.id);
    expect(mine).toMatchObject({ tenant: "gamma", scopes: ["tasks:read"], name: "gamma's dashboard", revokedAt: null });
    expect(mine).not.toHaveProperty("key");
    expect(mine).not.toHaveProperty("hash");

    const stored = await store.kv.get(created.id);
    const raw = new TextDecoder().decode(stored?.value);
    expect(raw).not.toContain(secret);
    expect(JSON.parse(raw).hash).toBe(hashKey(created.key));
    // and the key works
    const use = await app.inject({ method: "GET", url: "/tasks", headers: bearer(created.key) });
    expect(use.statusCode).toBe(200);
  });

  it("record when they were last used", async () => {
    const { record, key } = await store.create({ tenant: "acme", scopes: ["tasks:read"] }, new Date());
    const id = record.id;
    expect(record.lastUsedAt).toBeNull();
    await app.inject({ method: "GET", url: "/tasks", headers: bearer(key) });
    const used = await waitFor(async () => (await store.get(id))?.lastUsedAt ?? undefined, { what: "lastUsedAt" });
    expect(Date.parse(used)).toBeGreaterThan(0);
  });

  it("a key revoked on one gateway is refused by a second one within a second", async () => {
    const second = await buildApp({ ...ctx, now: () => new Date() });
    try {
      const res = await app.inject({
        method: "POST",
        url: "/admin/keys",
        headers: bearer(keys.admin),
        payload: { tenant: "acme", scopes: ["tasks:read"] },
      });
      const { id, key } = res.json() as { id: string; key: string };
      // created on the first gateway, usable at once on the second
      expect((await second.inject({ method: "GET", url: "/tasks", headers: bearer(key) })).statusCode).toBe(200);
      const revoked = await app.inject({ method: "DELETE", url: `/admin/keys/${id}`, headers: bearer(keys.admin) });
      expect(revoked.statusCode).toBe(200);
      expect(revoked.json().revokedAt).not.toBeNull();
      await waitFor(
        async () => (await second.inject({ method: "GET", url: "/tasks", headers: bearer(key) })).statusCode === 401,
        { timeoutMs: 1000, intervalMs: 5, what: "the second gateway to refuse the revoked key" },
      );
    } finally {
      await second.close();
    }
  });

  it("are created, listed and revoked with npm run keys", async () => {
    const cli = (...args: string[]) =>
      promisify(execFile)(process.execPath, [join(import.meta.dirname, "keys-cli.ts"), ...args], {
        env: { ...process.env, ...ctx.env },
      }).then((r) => JSON.parse(r.stdout));
    const created = await cli("create", "--tenant", "delta", "--scopes", "tasks:read,tasks:write", "--name", "ci");
    expect(created).toMatchObject({ tenant: "delta", scopes: ["tasks:read", "tasks:write"], name: "ci" });
    expect((await app.inject({ method: "GET", url: "/tasks", headers: bearer(created.key) })).statusCode).toBe(200);
    const listed = (await cli("list")) as { id: string; key?: string }[];
    expect(listed.find((k) => k.id === created.id)).toMatchObject({ tenant: "delta" });
    expect(JSON.stringify(listed)).not.toContain(created.key);
    expect(await cli("revoke", created.id)).toMatchObject({ id: created.id, revokedAt: expect.any(String) });
    await waitFor(
      async () => (await app.inject({ method: "GET", url: "/tasks", headers: bearer(created.key) })).statusCode === 401,
      { what: "the gateway to refuse the key revoked by the CLI" },
    );
    await expect(cli("create", "--tenant", "Bad.Tenant", "--scopes", "tasks:read")).rejects.toThrow(/--tenant/);
  });

  it("seeds BOOTSTRAP_ADMIN_KEY at start, once however many gateways start", async () => {
    const key = `tj_boot_${"b".repeat(40)}`;
    const config = { ...ctx.config, BOOTSTRAP_ADMIN_KEY: key };
    const first = await buildApp({ ...ctx, config, now: () => new Date() });
    const second = await buildApp({ ...ctx, config, now: () => new Date() });
    try {
      const res = await second.inject({ method: "GET", url: "/admin/keys", headers: bearer(key) });
      expect(res.statusCode).toBe(200);
      expect((res.json() as { keys: { id: string }[] }).keys.filter((k) => k.id === "boot")).toHaveLength(1);
    } finally {
      await first.close();
      await second.close();
    }
  });
});

describe("auth mode", () => {
  it("is off on loopback and required beyond, unless AUTH_MODE says", () => {
    expect(loadConfig({ HOST: "127.0.0.1" }).AUTH_MODE).toBe("off");
    expect(loadConfig({ HOST: "::1" }).AUTH_MODE).toBe("off");
    expect(loadConfig({ HOST: "0.0.0.0" }).AUTH_MODE).toBe("required");
    expect(loadConfig({}).AUTH_MODE).toBe("required");
    expect(loadConfig({ HOST: "0.0.0.0", AUTH_MODE: "off" }).AUTH_MODE).toBe("off");
  });
});

type Received = { type: string; error?: { code: string }; task?: { id: string } };

/** A WebSocket client that records what it receives and how it was closed. */
function open(url: string, headers: Record<string, string> = {}) {
  const socket = new WebSocket(url, { headers });
  const messages: Received[] = [];
  const raw: string[] = [];
  socket.on("message", (data: Buffer) => {
    raw.push(data.toString());
    messages.push(JSON.parse(data.toString()));
  });
  const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
  const opened = new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  return { socket, messages, raw, closed, opened, send: (m: unknown) => socket.send(JSON.stringify(m)) };
}

describe("the auth matrix over the WebSocket", () => {
  let wsUrl: string;
  beforeAll(async () => {
    const url = await app.listen({ port: 0, host: "127.0.0.1" });
    wsUrl = `${url.replace(/^http/, "ws")}/ws`;
  });

  const REFUSED: [string, (() => string) | null][] = [
    ["no auth message", null],
    ["a malformed key", () => "not-a-key"],
    ["an unknown key", () => `tj_0123456789abcdef_${"x".repeat(43)}`],
    ["a revoked key", () => keys.revoked],
    ["an expired key", () => keys.expired],
  ];
  it.each(REFUSED)("%s: refused (unauthorized, closed 4401) before any task is sent", async (_, key) => {
    const c = open(wsUrl);
    await c.opened;
    if (key) c.send({ type: "auth", key: key() });
    c.send({ type: "subscribe", all: true });
    c.send({ type: "subscribe", taskIds: [acmeTask, betaTask] });
    expect(await c.closed).toBe(4401);
    expect(c.messages.map((m) => m.type)).toEqual(["error"]);
    expect(c.messages[0]?.error?.code).toBe("unauthorized");
  });

  it("a key without tasks:read is refused (forbidden, closed 4403)", async () => {
    const c = open(wsUrl);
    await c.opened;
    c.send({ type: "auth", key: keys.acmeWrite });
    c.send({ type: "subscribe", all: true });
    expect(await c.closed).toBe(4403);
    expect(c.messages.map((m) => m.error?.code)).toEqual(["forbidden"]);
  });

  it("a bad bearer header on the upgrade is a 401, not a socket", async () => {
    const c = open(wsUrl, bearer(keys.revoked));
    await expect(c.opened).rejects.toThrow(/401/);
  });

  it("another tenant's task, by id or with all, never arrives; the caller's own does", async () => {
    const c = open(wsUrl);
    await c.opened;
    c.send({ type: "auth", key: keys.acme });
    c.send({ type: "subscribe", taskIds: [betaTask] });
    c.send({ type: "subscribe", all: true });
    c.send({ type: "subscribe", taskIds: [acmeTask] });
    // Messages are handled in order, each snapshot sent before the next is read: once the third is acknowledged
    // and acme's task has come, everything the first two could have sent has been sent.
    await waitFor(
      () =>
        c.messages.filter((m) => m.type === "subscribed").length === 3 &&
        c.messages.some((m) => m.task?.id === acmeTask),
      { what: "acme's task" },
    );
    expect(c.messages[0]).toMatchObject({ type: "authenticated", tenant: "acme" });
    expect(c.raw.join("\n")).not.toContain(BETA_SECRET);
    expect(c.messages.some((m) => m.task?.id === betaTask)).toBe(false);
    c.socket.close();
  });

  it("an open socket on another gateway is closed (4401) once its key is revoked", async () => {
    const second = await buildApp({ ...ctx, now: () => new Date() });
    try {
      const secondUrl = `${(await second.listen({ port: 0, host: "127.0.0.1" })).replace(/^http/, "ws")}/ws`;
      const res = await app.inject({
        method: "POST",
        url: "/admin/keys",
        headers: bearer(keys.admin),
        payload: { tenant: "acme", scopes: ["tasks:read"] },
      });
      const { id, key } = res.json() as { id: string; key: string };
      const c = open(secondUrl);
      await c.opened;
      c.send({ type: "auth", key });
      await waitFor(() => c.messages.some((m) => m.type === "authenticated"), { what: "authenticated" });
      let code: number | undefined;
      void c.closed.then((x) => {
        code = x;
      });
      await app.inject({ method: "DELETE", url: `/admin/keys/${id}`, headers: bearer(keys.admin) });
      // within a second, not at the next ping
      await waitFor(() => code === 4401, { timeoutMs: 1000, intervalMs: 5, what: "the socket closed 4401" });
      expect(c.messages.at(-1)?.error?.code).toBe("unauthorized");
    } finally {
      await second.close();
    }
  });

  it("with auth off, the tenant is X-Tenant-Id's and a key sent anyway is not needed", async () => {
    const open_ = await buildApp({ ...ctx, config: { ...ctx.config, AUTH_MODE: "off" }, now: () => new Date() });
    try {
      const res = await open_.inject({ method: "GET", url: `/tasks/${acmeTask}`, headers: { "x-tenant-id": "acme" } });
      expect(res.statusCode).toBe(200);
      const other = await open_.inject({
        method: "GET",
        url: `/tasks/${betaTask}`,
        headers: { "x-tenant-id": "acme" },
      });
      expect(other.statusCode).toBe(404);
      const url = `${(await open_.listen({ port: 0, host: "127.0.0.1" })).replace(/^http/, "ws")}/ws`;
      const c = open(url, { "x-tenant-id": "acme" });
      await c.opened;
      c.send({ type: "auth", key: "whatever the console kept" });
      c.send({ type: "subscribe", taskIds: [acmeTask] });
      await waitFor(() => c.messages.some((m) => m.task?.id === acmeTask), { what: "acme's task" });
      expect(c.messages[0]).toMatchObject({ type: "authenticated", tenant: "acme", keyId: null });
      c.socket.close();
    } finally {
      await open_.close();
    }
  });

  it("a ticket from POST /ws-tickets opens one socket, on any gateway, once", async () => {
    const second = await buildApp({ ...ctx, now: () => new Date() });
    try {
      const secondUrl = `${(await second.listen({ port: 0, host: "127.0.0.1" })).replace(/^http/, "ws")}/ws`;
      const res = await app.inject({ method: "POST", url: "/ws-tickets", headers: bearer(keys.acme) });
      expect(res.statusCode).toBe(201);
      const { ticket } = res.json() as { ticket: string };
      const c = open(`${secondUrl}?ticket=${ticket}&taskId=${acmeTask}`);
      await waitFor(() => c.messages.some((m) => m.task?.id === acmeTask), { what: "the task over the ticket" });
      expect(c.messages[0]).toMatchObject({ type: "authenticated", tenant: "acme" });
      c.socket.close();
      const again = open(`${wsUrl}?ticket=${ticket}`);
      expect(await again.closed).toBe(4401);
      expect(again.messages.map((m) => m.error?.code)).toEqual(["unauthorized"]);
    } finally {
      await second.close();
    }
  });

  it("/ws?taskId=<another tenant's task> is refused exactly as a task that does not exist: nothing says it exists", async () => {
    /** What a socket opened with a fresh ticket and `?taskId=` receives, up to its not_found, with the id masked. */
    const answerFor = async (taskId: string) => {
      const res = await app.inject({ method: "POST", url: "/ws-tickets", headers: bearer(keys.acme) });
      const { ticket } = res.json() as { ticket: string };
      const c = open(`${wsUrl}?ticket=${ticket}&taskId=${taskId}`);
      await waitFor(() => c.messages.some((m) => m.error?.code === "not_found"), { what: `not_found for ${taskId}` });
      // One more round trip on the socket: anything the subscription could still send has been sent by then.
      c.send({ type: "subscribe", taskIds: [acmeTask] });
      await waitFor(() => c.messages.some((m) => m.task?.id === acmeTask), { what: "acme's own task after it" });
      c.socket.close();
      return { raw: c.raw.join("\n"), masked: c.raw.map((m) => m.replaceAll(taskId, "<id>")) };
    };
    const beta = await answerFor(betaTask);
    const none = await answerFor(NO_TASK);
    expect(beta.masked).toEqual(none.masked);
    expect(beta.raw).not.toContain(BETA_SECRET);
    expect(beta.masked.some((m) => m.includes('"code":"not_found"'))).toBe(true);
  });

  it("a ticket whose key was revoked after it was issued opens nothing (4401)", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/admin/keys",
      headers: bearer(keys.admin),
      payload: { tenant: "acme", scopes: ["tasks:read"] },
    });
    const { id, key } = res.json() as { id: string; key: string };
    const issued = await app.inject({ method: "POST", url: "/ws-tickets", headers: bearer(key) });
    expect(issued.statusCode).toBe(201);
    const { ticket } = issued.json() as { ticket: string };
    await app.inject({ method: "DELETE", url: `/admin/keys/${id}`, headers: bearer(keys.admin) });
    // Once this gateway refuses the key over HTTP, it has heard of the revocation: the ticket is worth nothing.
    await waitFor(
      async () => (await app.inject({ method: "GET", url: "/tasks", headers: bearer(key) })).statusCode === 401,
      { what: "the revoked key refused over HTTP" },
    );
    const c = open(`${wsUrl}?ticket=${ticket}&taskId=${acmeTask}`);
    expect(await c.closed).toBe(4401);
    expect(c.messages.map((m) => m.error?.code)).toEqual(["unauthorized"]);
    expect(c.messages.some((m) => m.type === "authenticated" || m.task !== undefined)).toBe(false);
  });
});
