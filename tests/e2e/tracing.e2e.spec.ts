import { randomBytes } from "node:crypto";
import { SpanKind } from "@opentelemetry/api";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { anthropicProvider } from "@taskjet/executor";
import { startTracing, type Tracing } from "@taskjet/runtime";
import {
  createTestContext,
  scheduleBucket,
  scheduleRecord,
  startFakeLlm,
  type TestContext,
  waitFor,
} from "@taskjet/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postJson, startSystem } from "./system.ts";

// One task followed through the four services (in this process, on real NATS and Postgres) from the spans they
// record: the gateway's request, the scheduler's and the executor's deliveries, the provider call and the
// projector's writes all belong to the caller's trace, each span the child of the one that caused it.
let ctx: TestContext;
let system: Awaited<ReturnType<typeof startSystem>>;
let tracing: Tracing;
const exporter = new InMemorySpanExporter();

beforeAll(async () => {
  ctx = await createTestContext("tracing");
  tracing = startTracing("taskjet", ctx.config, { exporter });
  system = await startSystem(ctx);
});
afterAll(async () => {
  await system?.stop();
  await tracing?.shutdown();
  await ctx?.cleanup();
});

const hex = (bytes: number) => randomBytes(bytes).toString("hex");
const taskOf = (s: ReadableSpan) => s.attributes["taskjet.task_id"];

/** Every span of one task, once the projector has written its completion (the last thing that happens to it). */
async function spansOfTask(id: string, last = "projector TaskCompleted"): Promise<ReadableSpan[]> {
  await waitFor(() => exporter.getFinishedSpans().some((s) => s.name === last && taskOf(s) === id), {
    what: `the span "${last}" of task ${id}`,
  });
  const spans = exporter.getFinishedSpans();
  const traceIds = new Set(spans.filter((s) => taskOf(s) === id).map((s) => s.spanContext().traceId));
  expect(traceIds.size, "every span of the task is in one trace").toBe(1);
  const [traceId] = traceIds;
  return spans.filter((s) => s.spanContext().traceId === traceId);
}

/** The one span of a trace with this name (and task, when several tasks share a name). */
function only(spans: ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((s) => s.name === name);
  expect(
    found.map((s) => s.name),
    name,
  ).toEqual([name]);
  return found[0] as ReadableSpan;
}

const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;
const idOf = (s: ReadableSpan) => s.spanContext().spanId;

/**
 * Checks the chain request → scheduler → executor → provider call, and that each event's projection is the
 * child of the span that published the event. Returns the request's span.
 */
function expectChain(spans: ReadableSpan[], id: string) {
  const request = only(spans, "POST /tasks");
  expect(request.kind).toBe(SpanKind.SERVER);
  expect(request.instrumentationScope.name).toBe("taskjet.gateway");
  expect(request.attributes).toMatchObject({
    "http.request.method": "POST",
    "http.route": "/tasks",
    "http.response.status_code": 202,
  });
  const scheduled = only(spans, "scheduler TaskSubmitted");
  expect(scheduled.kind).toBe(SpanKind.CONSUMER);
  expect(scheduled.attributes).toMatchObject({ "taskjet.task_id": id, "taskjet.verdict": "ack" });
  expect(parentOf(scheduled)).toBe(idOf(request));
  const executed = only(spans, "executor TaskQueued");
  expect(executed.attributes).toMatchObject({ "taskjet.task_id": id, "messaging.system": "nats" });
  expect(parentOf(executed)).toBe(idOf(scheduled));
  const calls = spans.filter((s) => s.name.startsWith("chat "));
  expect(calls.length).toBeGreaterThanOrEqual(1);
  const call = calls.at(-1) as ReadableSpan;
  expect(call.kind).toBe(SpanKind.CLIENT);
  expect(call.attributes).toMatchObject({
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": "fake",
    "gen_ai.response.finish_reasons": ["end_turn"],
    "taskjet.task_id": id,
  });
  expect(call.attributes["gen_ai.usage.output_tokens"]).toBeGreaterThan(0);
  for (const c of calls) expect(parentOf(c)).toBe(idOf(executed));
  // Each projection is the child of what published its event: the request, the scheduler, the executor.
  expect(parentOf(only(spans, "projector TaskSubmitted"))).toBe(idOf(request));
  expect(parentOf(only(spans, "projector TaskQueued"))).toBe(idOf(scheduled));
  expect(parentOf(only(spans, "projector TaskCompleted"))).toBe(idOf(executed));
  expect(only(spans, "projector TaskCompleted").instrumentationScope.name).toBe("taskjet.projector");
  return request;
}

describe("one trace per task, from the HTTP request to the read model", () => {
  it("continues the caller's traceparent through scheduler, executor, provider call and projector", async () => {
    const traceId = hex(16);
    const callerSpan = hex(8);
    const res = await postJson(
      `${system.baseUrl}/tasks`,
      { prompt: "trace me" },
      { traceparent: `00-${traceId}-${callerSpan}-01` },
    );
    expect(res.status).toBe(202);
    const spans = await spansOfTask(res.body.id);
    expect(spans[0]?.spanContext().traceId).toBe(traceId);
    const request = expectChain(spans, res.body.id);
    expect(parentOf(request)).toBe(callerSpan);
    expect(request.parentSpanContext?.isRemote).toBe(true);
  });

  it("starts a trace at the gateway when the caller sends none", async () => {
    const res = await postJson(`${system.baseUrl}/tasks`, { prompt: "trace me too" });
    expect(res.status).toBe(202);
    const spans = await spansOfTask(res.body.id);
    const request = expectChain(spans, res.body.id);
    expect(request.parentSpanContext).toBeUndefined();
  });

  it("keeps a retried attempt in the same trace: a redelivery carries the same context", async () => {
    const res = await postJson(`${system.baseUrl}/tasks`, { prompt: "[fake:overloaded=1] retry me" });
    expect(res.status).toBe(202);
    const spans = await spansOfTask(res.body.id);
    const calls = spans.filter((s) => s.name.startsWith("chat "));
    expect(calls.map((c) => c.attributes["error.type"])).toEqual(["overloaded_error", undefined]);
    const deliveries = spans.filter((s) => s.name === "executor TaskQueued");
    expect(deliveries.map((d) => d.attributes["taskjet.verdict"])).toEqual(["nak", "ack"]);
    const scheduled = only(spans, "scheduler TaskSubmitted");
    for (const d of deliveries) expect(parentOf(d)).toBe(idOf(scheduled));
    expect(parentOf(only(spans, "projector TaskAttemptFailed"))).toBe(idOf(deliveries[0] as ReadableSpan));
  });
});

describe("a task no request asked for", () => {
  it("starts its trace at the schedule's firing", async () => {
    const bucket = await scheduleBucket(ctx);
    const schedule = await bucket.put(scheduleRecord({ cron: "* * * * * *", overlap: "skip", catchUp: "latest" }));
    const fired = await waitFor(
      () =>
        exporter
          .getFinishedSpans()
          .find((s) => s.name === "scheduler schedule fired" && s.attributes["taskjet.schedule_id"] === schedule.id),
      { what: "a firing of the schedule" },
    );
    await bucket.change(schedule.id, (s) => ({ ...s, paused: true }));
    const id = String(fired.attributes["taskjet.task_id"]);
    const spans = await spansOfTask(id);
    expect(fired.kind).toBe(SpanKind.PRODUCER);
    expect(fired.parentSpanContext).toBeUndefined();
    expect(parentOf(only(spans, "scheduler TaskSubmitted"))).toBe(idOf(fired));
    expect(parentOf(only(spans, "projector TaskSubmitted"))).toBe(idOf(fired));
    expect(spans.some((s) => s.name.startsWith("chat "))).toBe(true);
  });
});

describe("with the Anthropic SDK", () => {
  let other: TestContext;
  let anthropicSystem: Awaited<ReturnType<typeof startSystem>>;
  let fake: Awaited<ReturnType<typeof startFakeLlm>>;
  beforeAll(async () => {
    other = await createTestContext("tracing-sdk");
    fake = await startFakeLlm(() => ({ kind: "message", text: "traced" }));
    const llm = anthropicProvider({ apiKey: "sk-test", baseURL: fake.url });
    anthropicSystem = await startSystem(other, { llm });
  });
  afterAll(async () => {
    await anthropicSystem?.stop();
    await fake?.close();
    await other?.cleanup();
  });

  it("puts the SDK's own span of the API call under the provider call's", async () => {
    const res = await postJson(`${anthropicSystem.baseUrl}/tasks`, { prompt: "trace the SDK" });
    expect(res.status).toBe(202);
    const spans = await spansOfTask(res.body.id);
    const call = only(spans, `chat ${other.config.DEFAULT_MODEL}`);
    expect(call.attributes).toMatchObject({
      "gen_ai.provider.name": "anthropic",
      "gen_ai.response.model": expect.any(String),
    });
    expect(call.attributes["gen_ai.usage.output_tokens"]).toBeGreaterThan(0);
    const sdk = only(spans, "anthropic.messages.create");
    expect(sdk.instrumentationScope.name).toBe("com.anthropic.sdk.typescript");
    expect(parentOf(sdk)).toBe(idOf(call));
  });
});
