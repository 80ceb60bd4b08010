import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { createTestContext, freePort, spawnedServices, type TestContext, waitFor } from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The services as `npm start` runs them, each its own process, with OTEL_EXPORTER_OTLP_ENDPOINT pointing at a
// collector this test plays (OTLP/HTTP with JSON bodies): what main.ts wires — startTracing, the batch
// processor, the exporter — delivers one trace per task with a span from each service, under its service.name.
type OtlpValue = { stringValue?: string; intValue?: string | number };
type OtlpSpan = { traceId: string; spanId: string; parentSpanId?: string; name: string };
type Received = OtlpSpan & { service: string };
type ExportBody = {
  resourceSpans: {
    resource: { attributes: { key: string; value: OtlpValue }[] };
    scopeSpans: { spans: OtlpSpan[] }[];
  }[];
};

let ctx: TestContext;
let collector: Server;
const received: Received[] = [];
const services = spawnedServices();

beforeAll(async () => {
  ctx = await createTestContext("tracing-otlp");
  collector = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const text = (req.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw).toString();
      if (req.url === "/v1/traces") {
        for (const rs of (JSON.parse(text) as ExportBody).resourceSpans) {
          const service = rs.resource.attributes.find((a) => a.key === "service.name")?.value.stringValue ?? "";
          for (const ss of rs.scopeSpans) for (const s of ss.spans) received.push({ ...s, service });
        }
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
});
afterAll(async () => {
  await services.killAll();
  await new Promise((resolve) => collector?.close(resolve));
  await ctx?.cleanup();
});

describe("traces over OTLP from the services' own processes", () => {
  it("sends one trace per task, with spans of the gateway, scheduler, executor and projector", async () => {
    const port = await freePort();
    const env = {
      ...ctx.env,
      HOST: "127.0.0.1",
      LLM_PROVIDER: "fake",
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
      OTEL_BSP_SCHEDULE_DELAY: "100",
    };
    const spawned = [
      services.spawn("gateway", { ...env, PORT: String(port) }),
      ...(["executor", "scheduler", "projector"] as const).map((name) => services.spawn(name, env)),
    ];
    await Promise.all(spawned.map((s) => s.ready));

    const traceId = randomBytes(16).toString("hex");
    const res = await fetch(`http://127.0.0.1:${port}/tasks`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "idempotency-key": randomUUID(),
        traceparent: `00-${traceId}-${randomBytes(8).toString("hex")}-01`,
      },
      body: JSON.stringify({ prompt: "over OTLP" }),
    });
    expect(res.status).toBe(202);
    const expected = {
      gateway: "POST /tasks",
      scheduler: "scheduler TaskSubmitted",
      executor: "executor TaskQueued",
      projector: "projector TaskCompleted",
    };
    const call = `chat ${ctx.config.DEFAULT_MODEL}`;
    const spans = await waitFor(
      () => {
        const ours = received.filter((s) => s.traceId === traceId);
        const names = new Set(ours.map((s) => s.name));
        return [...Object.values(expected), call].every((n) => names.has(n)) ? ours : undefined;
      },
      { what: "a span of each service at the collector", timeoutMs: 20_000 },
    );
    for (const [service, name] of Object.entries(expected)) {
      expect(
        spans.filter((s) => s.service === service).map((s) => s.name),
        service,
      ).toContain(name);
    }
    expect(spans.find((s) => s.name === call)?.service).toBe("executor");
    // Every span but the request's has its parent in the trace: one tree, rooted at the caller.
    const ids = new Set(spans.map((s) => s.spanId));
    const orphans = spans.filter((s) => s.name !== "POST /tasks" && !ids.has(s.parentSpanId ?? ""));
    expect(orphans.map((s) => s.name)).toEqual([]);
  });

  it("sends what is left on SIGTERM", async () => {
    const port = await freePort();
    const gateway = services.spawn("gateway", {
      ...ctx.env,
      HOST: "127.0.0.1",
      PORT: String(port),
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
      OTEL_BSP_SCHEDULE_DELAY: "600000", // nothing goes out on a timer: only the shutdown sends it
    });
    await gateway.ready;
    const traceId = randomBytes(16).toString("hex");
    const res = await fetch(`http://127.0.0.1:${port}/tasks/${randomUUID()}`, {
      headers: { traceparent: `00-${traceId}-${randomBytes(8).toString("hex")}-01` },
    });
    expect(res.status).toBe(404);
    gateway.child.kill("SIGTERM");
    expect(await gateway.exited).toBe(0);
    expect(received.filter((s) => s.traceId === traceId).map((s) => s.name)).toEqual(["GET /tasks/:id"]);
  });
});
