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
  it("a task runs through every service with credentials, and no secret is in any log line, /metrics, an error body or an event", async () => {
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
    const gateway = services.spawn("gateway", { ...env, HOST: "127.0.0.1", PORT: String(port) });
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
    const submitted = await call("/tasks", { method: "POST", headers: json, body: JSON.stringify({ prompt: "hi" }) });
    expect(submitted.status).toBe(202);
    const id = JSON.parse(submitted.text).id as string;
    // A key in the header, with good and bad requests: whatever the answer, it must not repeat the key.
    const withKey = { ...json, authorization: `Bearer ${BEARER}` };
    await call("/tasks", { method: "POST", headers: withKey, body: JSON.stringify({ prompt: "hi" }) });
    await call("/tasks", { method: "POST", headers: withKey, body: "{not json" });
    await call("/tasks", { method: "POST", headers: withKey, body: JSON.stringify({ prompt: 42 }) });
    await call(`/tasks/${id}`, { headers: { authorization: BEARER } });
    await call(`/nowhere?key=${BEARER}`, { headers: withKey });

    await waitFor(
      async () => {
        const res = await fetch(`${base}/tasks/${id}`);
        return res.ok && ((await res.json()) as { status: string }).status === "completed";
      },
      { timeoutMs: 20_000, what: "the task to complete" },
    );
    await call(`/tasks/${id}/events`);
    await call("/metrics");

    const events = JSON.stringify(await ctx.history(id));
    expect(events).toContain("TaskCompleted");
    const lines = [...gateway.lines, ...others.flatMap((s) => s.lines)];
    expect(lines.length).toBeGreaterThan(10);
    console.log(
      `secrets: ${lines.length} log lines, ${bodies.length} responses and ${events.length} bytes of events searched`,
    );
    expect(leaked(events)).toEqual([]);
    expect(bodies.filter((b) => leaked(b).length > 0)).toEqual([]);
    expect(lines.filter((l) => leaked(l).length > 0)).toEqual([]);
  });
});
