import { connectNats } from "@taskjet/runtime";
import {
  createTestContext,
  freePort,
  natsServerBinary,
  spawnedServices,
  startPrivateNats,
  type TestContext,
  waitFor,
} from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Every service run against a NATS server that needs a password, with provider keys in its environment and an
// API key in a request header: none of these secrets may come out in a log line, /metrics, an error body or
// an event.
const NATS_PASSWORD = "nats-pw-9f2c41d7e0b84a5f";
const ANTHROPIC_KEY = "sk-ant-api03-secret-7c1e5a9b3d";
const OPENAI_KEY = "sk-proj-secret-4b8e2f6a1c";
const BEARER = "tj_leak_5e0f3a7c9b1d4e6f8a2c4e6a8b0d2f4a";
const ADMIN = "tj_admin_0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c";
const SECRETS = [NATS_PASSWORD, ANTHROPIC_KEY, OPENAI_KEY, BEARER];

const bin = natsServerBinary();
const services = spawnedServices();
let nats: Awaited<ReturnType<typeof startPrivateNats>>;
let ctx: TestContext;

beforeAll(async () => {
  if (!bin) return;
  nats = await startPrivateNats(bin, ["--user", "taskjet", "--pass", NATS_PASSWORD]);
  ctx = await createTestContext("secrets", { NATS_URL: nats.url, NATS_USER: "taskjet", NATS_PASSWORD });
});
afterAll(async () => {
  await services.killAll();
  await ctx?.cleanup();
  await nats?.close();
});

const leaked = (text: string) => SECRETS.filter((s) => text.includes(s));

describe.skipIf(!bin)("NATS credentials", () => {
  it("a server with a password refuses a client without it, and the error does not repeat it", async () => {
    const refused = await connectNats({ NATS_URL: nats.url }, ctx.log, "no-creds").then(
      () => null,
      (err: Error) => err,
    );
    expect(refused?.message).toMatch(/cannot reach NATS/);
    const wrong = await connectNats(
      { NATS_URL: `nats://taskjet:${NATS_PASSWORD}x@${nats.url.slice("nats://".length)}` },
      ctx.log,
      "wrong-creds",
    ).then(
      () => null,
      (err: Error) => err,
    );
    expect(wrong?.message).toMatch(/cannot reach NATS at nats:\/\/\[Redacted\]@/);
    expect(leaked(String(wrong?.message))).toEqual([]);
  });
});

describe.skipIf(!bin)("secrets stay secret", () => {
  it("a task runs through every service with auth on and credentials everywhere, and no secret is in any log line, /metrics, an error body or an event", async () => {
    const port = await freePort();
    const env = {
      ...ctx.env,
      NATS_USER: "taskjet",
      NATS_PASSWORD,
      ANTHROPIC_API_KEY: ANTHROPIC_KEY,
      OPENAI_API_KEY: OPENAI_KEY,
      LLM_PROVIDER: "fake",
      LOG_LEVEL: "debug",
    };
    const gatewayEnv = {
      ...env,
      HOST: "127.0.0.1",
      PORT: String(port),
      AUTH_MODE: "required",
      BOOTSTRAP_ADMIN_KEY: ADMIN,
    };
    const gateway = services.spawn("gateway", gatewayEnv);
    const others = (["scheduler", "executor", "projector"] as const).map((name) => services.spawn(name, env));
    await Promise.all([gateway.ready, ...others.map((s) => s.ready)]);
    const base = `http://127.0.0.1:${port}`;
    const bodies: string[] = [];
    const call = async (path: string, init: RequestInit = {}) => {
      const res = await fetch(`${base}${path}`, init);
      const text = await res.text();
      bodies.push(`${[...res.headers].join("\n")}\n${text}`);
      return { status: res.status, text };
    };
    const json = { "content-type": "application/json" };
    const as = (key: string) => ({ ...json, authorization: `Bearer ${key}` });

    // The answers that show a secret once, by design, are kept out of the search; the secrets they show are in it.
    const created = await fetch(`${base}/admin/keys`, {
      method: "POST",
      headers: as(ADMIN),
      body: JSON.stringify({ tenant: "secrets", scopes: ["tasks:read", "tasks:write"] }),
    });
    expect(created.status).toBe(201);
    const key = ((await created.json()) as { key: string }).key;
    const ticketed = await fetch(`${base}/ws-tickets`, { method: "POST", headers: { authorization: `Bearer ${key}` } });
    expect(ticketed.status).toBe(201);
    const ticket = ((await ticketed.json()) as { ticket: string }).ticket;
    const secrets = [...SECRETS, ADMIN, key, ticket];
    const leaks = (text: string) => secrets.filter((x) => text.includes(x));

    const submitted = await call("/tasks", {
      method: "POST",
      headers: as(key),
      body: JSON.stringify({ prompt: "hi" }),
    });
    expect(submitted.status).toBe(202);
    const id = JSON.parse(submitted.text).id as string;
    // Keys in headers and URLs, with good and bad requests: whatever the answer, it repeats none of them.
    await call("/tasks", { method: "POST", headers: as(key), body: "{not json" });
    await call("/tasks", { method: "POST", headers: as(key), body: JSON.stringify({ prompt: 42 }) });
    await call("/tasks", { method: "POST", headers: as(BEARER), body: JSON.stringify({ prompt: "hi" }) });
    await call("/tasks", { headers: { authorization: key } });
    await call("/admin/keys", { headers: as(key) });
    await call(`/ws?ticket=${ticket}`);
    await call(`/nowhere?key=${BEARER}`, { headers: as(key) });

    await waitFor(
      async () => {
        const res = await fetch(`${base}/tasks/${id}`, { headers: as(key) });
        return res.ok && ((await res.json()) as { status: string }).status === "completed";
      },
      { timeoutMs: 20_000, what: "the task to complete" },
    );
    await call(`/tasks/${id}/events`, { headers: as(key) });
    await call("/metrics", { headers: as(ADMIN) });
    await call("/admin/keys", { headers: as(ADMIN) });

    const events = JSON.stringify(await ctx.history(id));
    expect(events).toContain("TaskCompleted");
    const lines = [...gateway.lines, ...others.flatMap((s) => s.lines)];
    expect(lines.length).toBeGreaterThan(10);
    console.log(
      `secrets: ${lines.length} log lines, ${bodies.length} responses and ${events.length} bytes of events searched`,
    );
    expect(leaks(events)).toEqual([]);
    expect(bodies.filter((b) => leaks(b).length > 0)).toEqual([]);
    expect(lines.filter((l) => leaks(l).length > 0)).toEqual([]);
    expect(lines.some((l) => l.includes("/ws?ticket=[Redacted]"))).toBe(true); // logged, and redacted
  });
});
