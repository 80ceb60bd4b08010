import type { JetStreamClient, JetStreamPublishOptions, PubAck } from "@nats-io/jetstream";
import { context, propagation, ROOT_CONTEXT, TraceFlags, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { namesFor, subjectsFor } from "@taskjet/events";
import { ev } from "@taskjet/events/fixtures";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "./config.ts";
import { publishEvent } from "./events-io.ts";
import { startTracing, tracesExportOf, tracingOn } from "./tracing.ts";

const subjects = subjectsFor(namesFor(""));

/** A JetStream client that only records the headers of what it is asked to publish. */
function recordingJs() {
  const published: Record<string, string>[] = [];
  const js = {
    async publish(_subject: string, _data: Uint8Array, opts: Partial<JetStreamPublishOptions>) {
      published.push(Object.fromEntries((opts.headers?.keys() ?? []).map((k) => [k, opts.headers?.get(k) ?? ""])));
      return { stream: "TASKS", seq: 1, duplicate: false } as PubAck;
    },
  } as unknown as JetStreamClient;
  return { js, published };
}

const REMOTE = trace.wrapSpanContext({
  traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
  spanId: "00f067aa0ba902b7",
  traceFlags: TraceFlags.SAMPLED,
});

afterEach(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});

describe("tracing configuration", () => {
  it("is off unless an endpoint or an exporter is named, as the OpenTelemetry variables say", () => {
    expect(tracesExportOf(loadConfig({}))).toEqual({ kind: "none" });
    expect(tracesExportOf(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://jaeger:4318/" }))).toEqual({
      kind: "otlp",
      url: "http://jaeger:4318/v1/traces",
    });
    expect(
      tracesExportOf(
        loadConfig({
          OTEL_EXPORTER_OTLP_ENDPOINT: "http://jaeger:4318",
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://tempo:4318/v1/traces",
        }),
      ),
    ).toEqual({ kind: "otlp", url: "http://tempo:4318/v1/traces" });
    expect(tracesExportOf(loadConfig({ OTEL_TRACES_EXPORTER: "otlp" }))).toEqual({
      kind: "otlp",
      url: "http://localhost:4318/v1/traces",
    });
    expect(tracesExportOf(loadConfig({ OTEL_TRACES_EXPORTER: "console" }))).toEqual({ kind: "console" });
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://jaeger:4318" };
    expect(tracesExportOf(loadConfig({ ...endpoint, OTEL_TRACES_EXPORTER: "none" }))).toEqual({ kind: "none" });
    expect(tracesExportOf(loadConfig({ ...endpoint, OTEL_SDK_DISABLED: "true" }))).toEqual({ kind: "none" });
  });

  it("registers nothing when off", async () => {
    const tracing = startTracing("gateway", loadConfig({}));
    expect(tracing.enabled).toBe(false);
    expect(tracingOn()).toBe(false);
    expect(trace.getTracer("x").startSpan("s").isRecording()).toBe(false);
    await tracing.shutdown();
  });
});

describe("trace context in event headers", () => {
  it("injects nothing with tracing off, even inside a traced context someone else set up", async () => {
    // Another library may have registered a propagator and a context manager: Taskjet's own tracing is still off.
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const { js, published } = recordingJs();
    await context.with(trace.setSpan(ROOT_CONTEXT, REMOTE), () => publishEvent(js, subjects, ev.submitted()));
    expect(published).toHaveLength(1);
    expect(Object.keys(published[0] ?? {}).sort()).toEqual(["Nats-Msg-Id", "Task-Event"]);
  });

  it("carries the active span's context with tracing on, and stops when tracing is shut down", async () => {
    const tracing = startTracing("gateway", loadConfig({}), { exporter: new InMemorySpanExporter() });
    const { js, published } = recordingJs();
    const span = trace.getTracer("test").startSpan("request", {}, trace.setSpan(ROOT_CONTEXT, REMOTE));
    await context.with(trace.setSpan(ROOT_CONTEXT, span), () => publishEvent(js, subjects, ev.submitted()));
    span.end();
    const { traceId, spanId } = span.spanContext();
    expect(traceId).toBe(REMOTE.spanContext().traceId);
    expect(published[0]?.traceparent).toBe(`00-${traceId}-${spanId}-01`);

    await tracing.shutdown();
    expect(tracingOn()).toBe(false);
    await publishEvent(js, subjects, ev.submitted());
    expect(published[1]?.traceparent).toBeUndefined();
  });

  it("leaves an explicit traceparent as the caller gave it", async () => {
    const tracing = startTracing("gateway", loadConfig({}), { exporter: new InMemorySpanExporter() });
    const { js, published } = recordingJs();
    const given = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    await publishEvent(js, subjects, ev.submitted(), given);
    expect(published[0]?.traceparent).toBe(given);
    await tracing.shutdown();
  });
});
